import { expect } from 'chai';
import { ConvlabError, check, tensor, zeros } from '../src/index';
import { failureLine, printed } from './helpers/printed';

describe('check: one rule for lecture notebooks and exercises', () => {
  it('prints ✓ with the value when equal, a tensor against the nested arrays written by hand', () => {
    const { out: lines } = printed(() =>
      check('6×6 * vertical, first row', tensor([-5, -4, 0, 8]), [-5, -4, 0, 8]),
    );
    expect(lines).to.deep.equal(['✓ 6×6 * vertical, first row: [-5,-4,0,8]']);
  });
  it('throws naming what, the value got and the value expected', () => {
    expect(() => check('strided cell (0,2)', 88, 83)).to.throw('strided cell (0,2): got 88, expected 83');
  });
  it('Does a failed check print as the one line a student needs (tslab prints errors with console.error)?', () => {
    expect(failureLine(() => check('strided cell (0,2)', 88, 83))).to.equal(
      '✗ strided cell (0,2): got 88, expected 83',
    );
  });
  it('Does a tensor that differs say where, by its index, and one of another shape say the shapes?', () => {
    const image = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(
      failureLine(() =>
        check('map', image, [
          [1, 2],
          [9, 4],
        ]),
      ),
    ).to.equal('✗ map: at [1,0]: got 3, expected 9');
    expect(failureLine(() => check('map', image, [1, 2, 3, 4]))).to.equal('✗ map: shape [2,2], expected [4]');
    expect(failureLine(() => check('shape', image.shape, [2, 3]))).to.equal(
      '✗ shape: at [1]: got 2, expected 3',
    );
  });
  it('Is a strided view compared by its values, not by its storage?', () => {
    const padded = tensor([
      [0, 0, 0, 0],
      [0, 1, 2, 0],
      [0, 3, 4, 0],
      [0, 0, 0, 0],
    ]);
    const { out: lines } = printed(() =>
      check('inner 2×2', padded.hi(3, 3).lo(1, 1), [
        [1, 2],
        [3, 4],
      ]),
    );
    expect(lines).to.deep.equal(['✓ inner 2×2: [[1,2],[3,4]]']);
  });
  it('0.1 + 0.2 = 0.3 within the default tolerance (1e-5 + 1e-4·|expected|), not with { atol: 0, rtol: 0 }', () => {
    expect(printed(() => check('sum', 0.1 + 0.2, 0.3)).out).to.deep.equal(['✓ sum: 0.30000000000000004']);
    expect(failureLine(() => check('sum', 0.1 + 0.2, 0.3, { atol: 0, rtol: 0 }))).to.equal(
      '✗ sum: got 0.30000000000000004, expected 0.3',
    );
    expect(failureLine(() => check('count', 1001, 1000))).to.equal('✗ count: got 1001, expected 1000');
  });
  it('Must two whole numbers (counts) be equal? Yes: 12,288,000 weights are not 12,289,000 parameters', () => {
    expect(failureLine(() => check('parameters', 12288 * 1000, 12289000))).to.equal(
      '✗ parameters: got 12288000, expected 12289000',
    );
    expect(printed(() => check('parameters', 12288000, 12289000, { rtol: 1e-3 })).out).to.deep.equal([
      '✓ parameters: 12288000',
    ]);
    // float32 rounding passes
    expect(printed(() => check('third', tensor([1 / 3]), [1 / 3])).out).to.have.length(1);
  });
  it('NaN equals only NaN, and a ✓ line names it', () => {
    expect(printed(() => check('empty mean', [NaN, 1], [NaN, 1])).out).to.deep.equal([
      '✓ empty mean: [NaN,1]',
    ]);
    expect(failureLine(() => check('mean', 0, NaN))).to.equal('✗ mean: got 0, expected NaN');
  });
  it('Are objects compared by their keys exactly, strings and booleans exactly?', () => {
    expect(failureLine(() => check('grads', { dW: 1 }, { dW: 1, db: 2 }))).to.equal("✗ grads: no key 'db'");
    expect(failureLine(() => check('grads', { dW: 1, dX: 0 }, { dW: 1 }))).to.equal(
      "✗ grads: unexpected key 'dX'",
    );
    expect(failureLine(() => check('name', 'relu', 'ReLU'))).to.equal('✗ name: got "relu", expected "ReLU"');
    expect(printed(() => check('converged', true, true)).out).to.deep.equal(['✓ converged: true']);
  });
  it('Does a large value keep the ✓ line one line (summarised past 200 characters)?', () => {
    const { out: lines } = printed(() => check('convForward', zeros([2, 5, 7, 8]), zeros([2, 5, 7, 8])));
    expect(lines).to.deep.equal(['✓ convForward: a tensor of shape [2,5,7,8]']);
  });
  it('refuses a tolerance that is not { atol?, rtol? } of finite numbers ≥ 0, and an empty label', () => {
    for (const tolerance of [{ atol: -1 }, { rtol: '1e-4' }, { atol: NaN }, { tol: 1 }, 1e-5]) {
      expect(() => check('x', 1, 1, tolerance as never), JSON.stringify(tolerance))
        .to.throw(ConvlabError)
        .with.property('fn', 'check');
    }
    expect(() => check('', 1, 1)).to.throw('check: label must be a non-empty string naming the case, got ""');
  });
});
