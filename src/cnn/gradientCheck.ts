import { CheckFailure } from './checkFailure';
import { ConvlabError } from './convlabError';
import { ops } from './ops';
import { contiguous, shapeString, Tensor, zeros } from './tensor';

/**
 * ∂J/∂t by centred differences: (J(t + h·e_i) − J(t − h·e_i)) / 2h for every element i of `t`,
 * nudging `t` in place and putting each value back. The error is O(h²), so in float64 with
 * h = 1e-5 it agrees with a right analytic gradient to about 1e-9. `t` must be a contiguous
 * float64 tensor that `J` reads (float32 cannot hold a nudge of 1e-5 precisely enough).
 */
export function numericalGradient(J: () => number, t: Tensor, h = 1e-5): Tensor {
  const fn = 'numericalGradient';
  if (!t || !(t.data instanceof Float64Array) || contiguous(t) !== t) {
    throw new ConvlabError(fn, "t must be a contiguous float64 tensor (cl.randn(shape, seed, 1, 'float64'))");
  }
  if (typeof h !== 'number' || !(h > 0)) throw new ConvlabError(fn, `h must be a positive number, got ${h}`);
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
 * Σ a ⊙ r over every element: a number whose gradient with respect to `a` is `r`. A gradient check
 * of a layer's backward pass uses J = weightedSum(forward(…), R) for a fixed random R, so that R
 * plays the upstream gradient ∂J/∂output.
 */
export function weightedSum(a: Tensor, r: Tensor): number {
  if (a.shape.length !== r.shape.length || a.shape.some((d, i) => d !== r.shape[i])) {
    throw new ConvlabError('weightedSum', 'a and r differ in shape', { a: a.shape, r: r.shape });
  }
  const products = ops.mul(zeros(a.shape, 'float64'), a, r); // float64: a float32 product is exact there
  return ops.sum(products);
}

/** One gradient of a check: what it compared and how far apart they were. */
export interface GradientComparison {
  name: string;
  /** ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖): 0 when equal, 1 when unrelated. */
  relativeError: number;
  /** Where |analytic − numeric| is largest, and the two values there. */
  worst: { index: number[]; analytic: number; numeric: number };
}

/** The row-major index of element `i` of a tensor of this shape. */
function indexOf(i: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return index;
}

function compare(name: string, analytic: Tensor, numeric: Tensor): GradientComparison | string {
  if (!analytic || !Array.isArray(analytic.shape) || !analytic.data) {
    return `${name} is ${analytic === undefined ? 'undefined' : typeof analytic}, not a tensor`;
  }
  if (
    analytic.shape.length !== numeric.shape.length ||
    analytic.shape.some((d, i) => d !== numeric.shape[i])
  ) {
    return `${name} has shape ${shapeString(analytic.shape)}, the gradient has ${shapeString(numeric.shape)}`;
  }
  const a = contiguous(analytic).data;
  const n = contiguous(numeric).data;
  let [difference, sizeA, sizeN, worstAt, worstGap] = [0, 0, 0, 0, -1];
  for (let i = 0; i < a.length; i++) {
    const gap = Math.abs(a[i] - n[i]);
    // a NaN is the worst difference there is
    if (!(gap <= worstGap)) [worstAt, worstGap] = [i, Number.isNaN(gap) ? Infinity : gap];
    difference += (a[i] - n[i]) ** 2;
    sizeA += a[i] ** 2;
    sizeN += n[i] ** 2;
  }
  const total = Math.sqrt(sizeA) + Math.sqrt(sizeN);
  const relativeError = total === 0 ? 0 : Math.sqrt(difference) / total;
  return {
    name,
    relativeError: Number.isNaN(relativeError) ? Infinity : relativeError,
    worst: { index: indexOf(worstAt, analytic.shape), analytic: a[worstAt], numeric: n[worstAt] },
  };
}

const short = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));

/**
 * Compares analytic gradients (yours) with numerical ones (`numericalGradient`), like a notebook's
 * `check`: prints one line, `✓ label: dX, dW agree with finite differences (relative error 3e-11)`,
 * or throws a CheckFailure that prints as one line, `✗ label: dW differs from finite differences
 * (relative error 0.41; at [0,1,2,0] yours 1.3, finite differences 0.2)`, naming the first gradient
 * that differs and the element where it differs most. The relative error is ‖a − n‖ / (‖a‖ + ‖n‖):
 * a right float64 gradient gives about 1e-10, one computed in float32 about 1e-7, a wrong one 1e-2
 * or more. Returns the comparisons when every gradient passes.
 */
export function gradientCheck(
  label: string,
  gradients: Record<string, [analytic: Tensor, numeric: Tensor]>,
  tolerance = 1e-6,
): GradientComparison[] {
  const results: GradientComparison[] = [];
  for (const [name, [analytic, numeric]] of Object.entries(gradients)) {
    if (contiguous(numeric).data.every((v: number) => v === 0)) {
      throw new ConvlabError(
        'gradientCheck',
        `the finite differences of ${name} are all 0, so they check nothing`,
      );
    }
    const result = compare(name, analytic, numeric);
    if (typeof result === 'string') throw new CheckFailure(label, result);
    if (!(result.relativeError < tolerance)) {
      const { index, analytic: yours, numeric: expected } = result.worst;
      throw new CheckFailure(
        label,
        `${name} differs from finite differences (relative error ${short(result.relativeError)}; ` +
          `at [${index.join(',')}] yours ${short(yours)}, finite differences ${short(expected)})`,
      );
    }
    results.push(result);
  }
  const largest = Math.max(...results.map((r) => r.relativeError));
  const names = results.map((r) => r.name).join(', ');
  const verb = results.length === 1 ? 'agrees' : 'agree';
  console.log(
    `✓ ${label}: ${names} ${verb} with finite differences (relative error ${Number(largest.toPrecision(1))})`,
  );
  return results;
}
