/**
 * Centred finite-difference checks of conv2dBackward and pool2dBackward in float64: J = Σ out ⊙ R for a fixed
 * random R, so ∂J/∂out = R and each backward must give ∂J/∂input (and ∂J/∂W, ∂J/∂b) to ~1e-9.
 */
import { conv2d, conv2dBackward, pool2d, pool2dBackward, PoolOptions, randn } from '../src/index';
import { expectGradientClose, numericalGradient, weightedSum } from './helpers/gradientCheck';

describe('conv2dBackward against centred differences (float64)', () => {
  const cases = [
    { name: 'x=[2,5,5,3] W=[3,3,3,4] s=2 p=1', x: [2, 5, 5, 3], f: 3, K: 4, stride: 2, pad: 1 },
    {
      name: 'x=[1,6,7,2] W=[2,2,2,3] s=3 p=2 (windows skip pixels)',
      x: [1, 6, 7, 2],
      f: 2,
      K: 3,
      stride: 3,
      pad: 2,
    },
    {
      name: "x=[2,4,4,3] W=[3,3,3,2] s=1 p='same'",
      x: [2, 4, 4, 3],
      f: 3,
      K: 2,
      stride: 1,
      pad: 'same' as const,
    },
  ];
  cases.forEach(({ name, x: xShape, f, K, stride, pad }, i) => {
    it(name, () => {
      const x = randn(xShape, 100 + i, 1, 'float64');
      const W = randn([f, f, xShape[3], K], 200 + i, 1, 'float64');
      const b = randn([K], 300 + i, 1, 'float64');
      const options = { stride, pad };
      const R = randn(conv2d(x, W, b, options).shape, 400 + i, 1, 'float64');
      const J = (): number => weightedSum(conv2d(x, W, b, options), R);
      const { dX, dW, db } = conv2dBackward(R, x, W, b, options);
      expectGradientClose(dX, numericalGradient(J, x), 'dX');
      expectGradientClose(dW, numericalGradient(J, W), 'dW');
      expectGradientClose(db, numericalGradient(J, b), 'db');
    });
  });
});

describe('pool2dBackward against centred differences (float64)', () => {
  const cases: Array<{ name: string; x: number[]; options: PoolOptions }> = [
    { name: 'x=[2,4,4,3] f=2 s=2 max', x: [2, 4, 4, 3], options: { size: 2, stride: 2, mode: 'max' } },
    { name: 'x=[2,4,4,3] f=2 s=2 avg', x: [2, 4, 4, 3], options: { size: 2, stride: 2, mode: 'avg' } },
    {
      name: 'x=[1,5,5,2] f=3 s=1 max (overlapping windows)',
      x: [1, 5, 5, 2],
      options: { size: 3, stride: 1, mode: 'max' },
    },
    {
      name: 'x=[1,5,6,2] f=3 s=2 avg (overlapping windows)',
      x: [1, 5, 6, 2],
      options: { size: 3, stride: 2, mode: 'avg' },
    },
    {
      name: 'x=[5,5,2] f=2 s=3 max (3-D, pixels no window sees)',
      x: [5, 5, 2],
      options: { size: 2, stride: 3, mode: 'max' },
    },
  ];
  cases.forEach(({ name, x: xShape, options }, i) => {
    it(name, () => {
      // distinct normal values: no two in a window within 2h of each other, so max is differentiable here
      const x = randn(xShape, 500 + i, 1, 'float64');
      const R = randn(pool2d(x, options).shape, 600 + i, 1, 'float64');
      const numeric = numericalGradient(() => weightedSum(pool2d(x, options), R), x);
      expectGradientClose(pool2dBackward(R, x, options), numeric, 'dX');
    });
  });
});
