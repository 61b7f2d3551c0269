import { expect } from 'chai';
import {
  conv2d,
  conv2dBackward,
  ConvlabError,
  gradientCheck,
  GradientComparison,
  numericalGradient,
  pool2d,
  pool2dBackward,
  randn,
  tensor,
  Tensor,
  weightedSum,
  zeros,
} from '../src/index';
import { failureLine, printed } from './helpers/printed';

describe('numericalGradient (centred differences)', () => {
  it('Is the gradient of Σ t² equal to 2t, and is t left as it was?', () => {
    const t = tensor([1, -2, 0.5], 'float64');
    const g = numericalGradient(() => weightedSum(t, t), t);
    [2, -4, 1].forEach((v, i) => expect(g.data[i]).to.be.closeTo(v, 1e-8));
    expect(Array.from(t.data)).to.deep.equal([1, -2, 0.5]);
  });
  it('Does it refuse a float32 tensor and a view (a nudge of 1e-5 would be lost or misplaced)?', () => {
    expect(() => numericalGradient(() => 0, zeros([2]))).to.throw('numericalGradient: t must be');
    const view = randn([4, 4], 1, 1, 'float64').hi(2, 2);
    expect(() => numericalGradient(() => 0, view)).to.throw('contiguous float64');
  });
});

describe('gradientCheck (the exercises’ one-line check)', () => {
  it("x=[1,5,6,2] W=[3,3,2,3] s=2 p=1: does the library's conv2dBackward pass, in one ✓ line?", () => {
    const x = randn([1, 5, 6, 2], 1, 1, 'float64');
    const W = randn([3, 3, 2, 3], 2, 1, 'float64');
    const b = randn([3], 3, 1, 'float64');
    const options = { stride: 2, pad: 1 };
    const R = randn(conv2d(x, W, b, options).shape, 4, 1, 'float64');
    const J = () => weightedSum(conv2d(x, W, b, options), R);
    const { dX, dW, db } = conv2dBackward(R, x, W, b, options);
    let results: GradientComparison[] = [];
    const { out, err } = printed(() => {
      results = gradientCheck('conv s=2 p=1', {
        dX: [dX, numericalGradient(J, x)],
        dW: [dW, numericalGradient(J, W)],
        db: [db, numericalGradient(J, b)],
      });
    });
    expect(err).to.deep.equal([]);
    expect(out).to.have.length(1);
    expect(out[0]).to.match(
      /^✓ conv s=2 p=1: dX, dW, db agree with finite differences \(relative error .+\)$/,
    );
    expect(results.map((r) => r.name)).to.deep.equal(['dX', 'dW', 'db']);
    results.forEach((r) => expect(r.relativeError).to.be.lessThan(1e-8));
  });
  it("x=[1,5,6,2] f=3 s=2 max: does the average pool's gradient in its place fail, in one ✗ line naming where?", () => {
    const x = randn([1, 5, 6, 2], 5, 1, 'float64');
    const options = { size: 3, stride: 2, mode: 'avg' as const };
    const R = randn(pool2d(x, options).shape, 6, 1, 'float64');
    const J = () => weightedSum(pool2d(x, { ...options, mode: 'max' }), R);
    // the average pool's gradient where the max pool's is asked for: a typical wrong answer
    const wrong = pool2dBackward(R, x, options);
    const line = failureLine(() => gradientCheck('max pool', { dX: [wrong, numericalGradient(J, x)] }));
    expect(line).to.match(
      /^✗ max pool: dX differs from finite differences \(relative error [0-9.]+; at \[0,\d,\d,\d\] yours -?[0-9.e-]+, finite differences -?[0-9.e-]+\)$/,
    );
  });
  it('Does a gradient of the wrong shape, or a missing one, fail with a sentence instead of a crash?', () => {
    const t = randn([2, 3], 7, 1, 'float64');
    const numeric = numericalGradient(() => weightedSum(t, t), t);
    expect(failureLine(() => gradientCheck('shape', { dW: [zeros([3, 2], 'float64'), numeric] }))).to.equal(
      '✗ shape: dW has shape [3,2], the gradient has [2,3]',
    );
    const missing = undefined as unknown as Tensor;
    expect(failureLine(() => gradientCheck('missing', { dW: [missing, numeric] }))).to.equal(
      '✗ missing: dW is undefined, not a tensor',
    );
  });
  it('Does a NaN in the gradient fail (NaN compares false with everything)?', () => {
    const t = randn([3], 8, 1, 'float64');
    const numeric = numericalGradient(() => weightedSum(t, t), t);
    const analytic = zeros([3], 'float64');
    analytic.data[0] = NaN;
    expect(failureLine(() => gradientCheck('nan', { dW: [analytic, numeric] }))).to.match(
      /^✗ nan: dW differs from finite differences \(relative error Infinity; at \[0\] yours NaN/,
    );
  });
  it('Does it refuse to check against finite differences that are all 0 (they prove nothing)?', () => {
    const t = randn([3], 9, 1, 'float64');
    expect(() => gradientCheck('zero', { dW: [t, zeros([3], 'float64')] })).to.throw(
      ConvlabError,
      'are all 0',
    );
  });
});
