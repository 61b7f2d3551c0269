/** heNormal, glorotUniform, initWeights: seeded, the right spread, dtype, bad input. */
import { expect } from 'chai';
import { dtypeOf, glorotUniform, heNormal, initWeights, seededRandom, toNested } from '../src/index';

function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

describe('heNormal', () => {
  it('(5,5,6,16) filters, fanIn = 5·5·6 = 150: mean ≈ 0, std ≈ √(2/150) within 2%', () => {
    const W = heNormal([5, 5, 6, 16], 150, 7, 'float64');
    expect(W.shape).to.deep.equal([5, 5, 6, 16]);
    const { mean, std } = meanAndStd(W.data);
    expect(mean).to.be.closeTo(0, 0.01);
    expect(std / Math.sqrt(2 / 150)).to.be.closeTo(1, 0.02);
  });

  it('the same seed gives the same weights; another seed, others', () => {
    expect(toNested(heNormal([3, 4], 3, 1))).to.deep.equal(toNested(heNormal([3, 4], 3, 1)));
    expect(toNested(heNormal([3, 4], 3, 1))).not.to.deep.equal(toNested(heNormal([3, 4], 3, 2)));
  });

  it('draws from a shared generator, so two layers from one stream differ', () => {
    const rng = seededRandom(5);
    const first = toNested(heNormal([2, 2], 2, rng));
    expect(toNested(heNormal([2, 2], 2, rng))).not.to.deep.equal(first);
  });

  it('throws naming heNormal for a fanIn that is not a positive integer', () => {
    expect(() => heNormal([2, 2], 0, 1)).to.throw(
      Error,
      'heNormal: fanIn must be a positive integer, got 0 (shape [2,2])',
    );
  });
});

describe('glorotUniform', () => {
  it('(400,120): every value within ±√(6/520), spread as a uniform (std = limit/√3) within 2%', () => {
    const limit = Math.sqrt(6 / 520);
    const W = glorotUniform([400, 120], 400, 120, 3, 'float64');
    const values = Array.from(W.data);
    expect(Math.max(...values.map(Math.abs)))
      .to.be.at.most(limit)
      .and.greaterThan(0.99 * limit);
    expect(meanAndStd(values).std / (limit / Math.sqrt(3))).to.be.closeTo(1, 0.02);
  });

  it('keeps float32 unless asked', () => {
    expect(dtypeOf(glorotUniform([2, 2], 2, 2, 1))).to.equal('float32');
  });

  it('throws naming glorotUniform for a bad fanOut', () => {
    expect(() => glorotUniform([2, 2], 2, 1.5, 1)).to.throw(
      Error,
      /^glorotUniform: fanOut must be a positive integer, got 1.5/,
    );
  });
});

describe('initWeights', () => {
  it("'he' and 'glorot' are heNormal and glorotUniform", () => {
    expect(toNested(initWeights('he', [2, 3], 4, 5, 9))).to.deep.equal(toNested(heNormal([2, 3], 4, 9)));
    expect(toNested(initWeights('glorot', [2, 3], 4, 5, 9))).to.deep.equal(
      toNested(glorotUniform([2, 3], 4, 5, 9)),
    );
  });

  it('throws naming initWeights for an unknown kind', () => {
    expect(() => initWeights('xavier' as never, [2], 1, 1, 1)).to.throw(
      Error,
      `initWeights: unknown initializer "xavier"; use 'he' or 'glorot'`,
    );
  });
});
