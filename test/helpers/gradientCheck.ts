import { expect } from 'chai';
import { contiguous, Tensor } from '../../src/index';

// The library's own (src/cnn/gradientCheck.ts): what the exercises give students, tested here too.
export { numericalGradient, weightedSum } from '../../src/index';

/**
 * Asserts an analytic gradient matches a numerical one: same shape, not all zero (a check of zeros against
 * zeros proves nothing), and relative error ‖a − n‖ / (‖a‖ + ‖n‖) below `tolerance`.
 */
export function expectGradientClose(
  analytic: Tensor,
  numeric: Tensor,
  label: string,
  tolerance = 1e-7,
): void {
  expect(analytic.shape, `${label}: shape`).to.deep.equal(numeric.shape);
  const a = contiguous(analytic).data;
  const n = contiguous(numeric).data;
  let difference = 0;
  let sizeA = 0;
  let sizeN = 0;
  for (let i = 0; i < a.length; i++) {
    difference += (a[i] - n[i]) ** 2;
    sizeA += a[i] ** 2;
    sizeN += n[i] ** 2;
  }
  expect(Math.sqrt(sizeN), `${label}: the numerical gradient is all zero`).to.be.greaterThan(1e-6);
  const relative = Math.sqrt(difference) / (Math.sqrt(sizeA) + Math.sqrt(sizeN));
  expect(relative, `${label}: relative error`).to.be.lessThan(tolerance);
}
