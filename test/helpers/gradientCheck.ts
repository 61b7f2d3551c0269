import { expect } from 'chai';
import { contiguous, Tensor, zeros } from '../../src/index';

/**
 * ∂J/∂t by centred differences, (J(t + h·e_i) − J(t − h·e_i)) / 2h for every element of t, nudging t in place
 * (and putting it back). The error is O(h²), so in float64 with h = 1e-5 it agrees with a right analytic
 * gradient to ~1e-9. `t` must be a contiguous float64 tensor that `J` reads.
 */
export function numericalGradient(J: () => number, t: Tensor, h = 1e-5): Tensor {
  if (!(t.data instanceof Float64Array) || contiguous(t) !== t) {
    throw new Error('numericalGradient: needs a contiguous float64 tensor');
  }
  const grad = zeros(t.shape, 'float64');
  for (let i = 0; i < t.data.length; i++) {
    const saved = t.data[i];
    t.data[i] = saved + h;
    const plus = J();
    t.data[i] = saved - h;
    const minus = J();
    t.data[i] = saved;
    grad.data[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

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

/** Σ a ⊙ r: a scalar whose gradient with respect to a is r, so r plays the upstream gradient ∂J/∂a. */
export function weightedSum(a: Tensor, r: Tensor): number {
  const ad = contiguous(a).data;
  const rd = contiguous(r).data;
  let sum = 0;
  for (let i = 0; i < ad.length; i++) sum += ad[i] * rd[i];
  return sum;
}
