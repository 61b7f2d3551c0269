/**
 * Pooling on the SIMD kernels (assembly/kernels.ts): forward takes a vector of channels at a time, and
 * neither direction branches on the data (a branch on `v > best` guesses wrong about half the time on
 * real activations, which made plain loops several times slower). Same values as
 * src/cnn/reference/pool2dReference.ts, including which cell wins a tie for max (the first, row by row).
 */
import { PoolGeometry } from '../shape';
import { DType, FloatArray, Tensor } from '../tensor';
import { copyIn, copyOut, KernelSet, workspace } from './wasmKernels';

/** pool2d of a 4-D x as a contiguous (m, H', W', C) array in `dtype`. */
export function pool2dFast(kernels: KernelSet, dtype: DType, x4: Tensor, g: PoolGeometry): FloatArray {
  const {
    batch,
    inHeight: H,
    inWidth: W,
    channels: C,
    size: f,
    stride,
    mode,
    outHeight: outH,
    outWidth: outW,
  } = g;
  const outCount = batch * outH * outW * C;
  const { heap, at } = workspace(dtype, [batch * H * W * C, outCount]);
  const [xAt, outAt] = at;
  const s = kernels.size;
  copyIn(heap, xAt / s, x4);
  kernels.pool(xAt, batch, H, W, C, f, stride, outH, outW, mode === 'avg', outAt);
  return copyOut(heap, outAt / s, outCount);
}

/** pool2dBackward: dX (x's size, contiguous, in `dtype`) from dA (pool2d's output, 4-D). */
export function pool2dBackwardFast(
  kernels: KernelSet,
  dtype: DType,
  dA4: Tensor,
  x4: Tensor,
  g: PoolGeometry,
): FloatArray {
  const {
    batch,
    inHeight: H,
    inWidth: W,
    channels: C,
    size: f,
    stride,
    mode,
    outHeight: outH,
    outWidth: outW,
  } = g;
  const xCount = batch * H * W * C;
  const { heap, at } = workspace(dtype, [xCount, batch * outH * outW * C, xCount, 16]);
  const [xAt, dAAt, dXAt, scratchAt] = at;
  const s = kernels.size;
  copyIn(heap, xAt / s, x4);
  copyIn(heap, dAAt / s, dA4);
  heap.fill(0, dXAt / s, dXAt / s + xCount);
  kernels.poolBackward(dAAt, xAt, batch, H, W, C, f, stride, outH, outW, mode === 'avg', dXAt, scratchAt);
  return copyOut(heap, dXAt / s, xCount);
}
