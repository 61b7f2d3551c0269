/**
 * pool2d and pool2dBackward, the library's pooling. Arguments are checked in pool2dArguments.ts; the
 * values come from the SIMD kernels (fast/pool2dFast.ts). The loops that say what those values are, window by window, are
 * the teaching reference in reference/pool2dReference.ts: read that one first.
 */
import ndarray from 'ndarray';
import { PoolOptions, preparePool, preparePoolGradient } from './pool2dArguments';
import { pool2dBackwardFast, pool2dFast } from './fast/pool2dFast';
import { kernelsFor } from './fast/wasmKernels';
import { pool2dBackwardReference, pool2dReference } from './reference/pool2dReference';
import { dtypeOf, Tensor } from './tensor';

export type { PoolOptions } from './pool2dArguments';
export { pool2dBackwardReference, pool2dReference } from './reference/pool2dReference';

/**
 * Max or average pooling over f×f windows, each channel on its own:
 * (m,H,W,C) or (H,W,C) → H' = ⌊(H − f)/s⌋ + 1. No parameters to learn.
 */
export function pool2d(x: Tensor, options: PoolOptions): Tensor {
  const { x4, g, batched } = preparePool('pool2d', x, options);
  const dtype = dtypeOf(x);
  const kernels = kernelsFor(dtype);
  if (!kernels) return pool2dReference(x, options);
  const a = pool2dFast(kernels, dtype, x4, g);
  const { batch, outHeight, outWidth, channels: C } = g;
  return batched ? ndarray(a, [batch, outHeight, outWidth, C]) : ndarray(a, [outHeight, outWidth, C]);
}

/**
 * Gradient of pool2d: dA has pool2d's output shape; returns dX with x's shape.
 * Max sends each gradient to the first maximum of its window (row by row, as PyTorch does);
 * average spreads it evenly over the f·f cells. Overlapping windows add up.
 */
export function pool2dBackward(dA: Tensor, x: Tensor, options: PoolOptions): Tensor {
  const fn = 'pool2dBackward';
  const prepared = preparePool(fn, x, options);
  const dA4 = preparePoolGradient(fn, dA, x, prepared);
  const dtype = dtypeOf(x);
  const kernels = kernelsFor(dtype);
  if (!kernels) return pool2dBackwardReference(dA, x, options);
  const { batch, inHeight, inWidth, channels: C } = prepared.g;
  const dX = pool2dBackwardFast(kernels, dtype, dA4, prepared.x4, prepared.g);
  return prepared.batched ? ndarray(dX, [batch, inHeight, inWidth, C]) : ndarray(dX, [inHeight, inWidth, C]);
}
