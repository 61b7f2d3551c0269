/** dense and denseBackward: values by hand, dtype, views, a centred-difference gradient check, bad input. */
import { expect } from 'chai';
import { dense, denseBackward, dtypeOf, randn, tensor, toNested, zeros } from '../src/index';
import { expectGradientClose, numericalGradient, weightedSum } from './helpers/gradientCheck';

describe('dense', () => {
  // two examples of 2 features, 3 units
  const x = tensor(
    [
      [1, 2],
      [-1, 0.5],
    ],
    'float64',
  );
  const W = tensor(
    [
      [1, 0, -1],
      [2, 1, 0],
    ],
    'float64',
  );
  const b = tensor([0.5, 0, -1], 'float64');

  it('x=[[1,2],[-1,0.5]] W=[[1,0,-1],[2,1,0]] b=[0.5,0,-1] → Z = x·W + b', () => {
    // row 1: [1·1 + 2·2 + 0.5, 1·0 + 2·1 + 0, 1·(−1) + 2·0 − 1]; row 2: [−1 + 1 + 0.5, 0.5, 1 − 1]
    expect(toNested(dense(x, W, b))).to.deep.equal([
      [5.5, 2, -2],
      [0.5, 0.5, 0],
    ]);
  });

  it('backward by hand: dZ=[[1,0,0],[0,0,2]] → dX = dZ·Wᵀ, dW = xᵀ·dZ, db = column sums', () => {
    const dZ = tensor(
      [
        [1, 0, 0],
        [0, 0, 2],
      ],
      'float64',
    );
    const { dX, dW, db } = denseBackward(dZ, x, W, b);
    expect(toNested(dX)).to.deep.equal([
      [1, 2],
      [-2, 0],
    ]);
    expect(toNested(dW)).to.deep.equal([
      [1, 0, -2],
      [2, 0, 1],
    ]);
    expect(toNested(db)).to.deep.equal([1, 0, 2]);
  });

  it('keeps x’s dtype', () => {
    const z = dense(tensor([[1, 2]]), tensor([[1], [1]]), tensor([0]));
    expect(dtypeOf(z)).to.equal('float32');
    expect(toNested(z)).to.deep.equal([[3]]);
  });

  it('reads a transposed view of x like its copy', () => {
    const xT = tensor(
      [
        [1, -1],
        [2, 0.5],
      ],
      'float64',
    ).transpose(1, 0);
    expect(toNested(dense(xT, W, b))).to.deep.equal([
      [5.5, 2, -2],
      [0.5, 0.5, 0],
    ]);
  });

  it('gradients match centred differences: x (4,5), W (5,3), b (3), float64', () => {
    const xs = randn([4, 5], 1, 1, 'float64');
    const Ws = randn([5, 3], 2, 1, 'float64');
    const bs = randn([3], 3, 1, 'float64');
    const r = randn([4, 3], 4, 1, 'float64');
    const J = (): number => weightedSum(dense(xs, Ws, bs), r);
    const { dX, dW, db } = denseBackward(r, xs, Ws, bs);
    expectGradientClose(dX, numericalGradient(J, xs), 'dX');
    expectGradientClose(dW, numericalGradient(J, Ws), 'dW');
    expectGradientClose(db, numericalGradient(J, bs), 'db');
  });

  it('throws naming dense and the shapes when W does not fit x', () => {
    expect(() => dense(zeros([2, 4]), zeros([3, 5]), zeros([5]))).to.throw(
      Error,
      'dense: W has 3 rows but x has 4 features per example (x [2,4], W [3,5], b [5])',
    );
    expect(() => dense(zeros([2, 4]), zeros([4, 5]), zeros([4]))).to.throw(
      Error,
      'dense: b has 4 values but W has 5 units (x [2,4], W [4,5], b [4])',
    );
    expect(() => dense(zeros([2, 2, 2]), zeros([4, 5]), zeros([5]))).to.throw(
      Error,
      'dense: x must have 2 dimensions, got 3 (x [2,2,2])',
    );
  });

  it('throws naming denseBackward when dZ has the wrong shape', () => {
    expect(() => denseBackward(zeros([2, 4]), zeros([2, 3]), zeros([3, 5]), zeros([5]))).to.throw(
      Error,
      "denseBackward: dZ has shape [2,4] but dense's output has shape [2,5] (x [2,3], W [3,5])",
    );
  });
});
