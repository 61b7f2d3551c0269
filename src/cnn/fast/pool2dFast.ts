/**
 * Pooling on the SIMD kernels (assembly/pool.ts): forward takes a vector of channels at a time, and
 * neither direction branches on the data (a branch on `v > best` guesses wrong about half the time on
 * real activations, which made plain loops several times slower). Same values as
 * src/cnn/reference/pool2dReference.ts, including which cell wins a tie for max (the first, row by row).
 */
import { PoolGeometry } from '../shape';
import { DType, FloatArray, Tensor } from '../tensor';
import { share } from './threads';
import { callLists, copyIn, copyOut, KernelSet, runLists, workspace } from './wasmKernels';

/**
 * A pooling call's work in conv multiply-adds, for callLists: each window value read costs about 2 of
 * them (LeNet's pool1 and conv1 at batch 64 on one thread: 0.19 ms for 1.2 M reads, 0.75 ms for 7.5 M
 * multiply-adds, copies included), so LeNet's pooling stays on one thread.
 */
function poolWork(g: PoolGeometry): number {
  return 2 * g.batch * g.outHeight * g.outWidth * g.channels * g.size * g.size;
}

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
  // threads take whole images, each at its own offsets into x and the output
  const lists = callLists(kernels, poolWork(g), batch);
  lists.forEach((k, t) => {
    const [n, images] = share(batch, t, lists.length);
    k.pool(
      xAt + n * H * W * C * s,
      images,
      H,
      W,
      C,
      f,
      stride,
      outH,
      outW,
      mode === 'avg',
      outAt + n * outH * outW * C * s,
    );
  });
  runLists(kernels, lists);
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
  const outCount = batch * outH * outW * C;
  const lists = callLists(kernels, poolWork(g), batch);
  const T = lists.length;
  const { heap, at } = workspace(dtype, [xCount, outCount, xCount, ...Array<number>(T).fill(16)]);
  const [xAt, dAAt, dXAt] = at;
  const s = kernels.size;
  copyIn(heap, xAt / s, x4);
  copyIn(heap, dAAt / s, dA4);
  heap.fill(0, dXAt / s, dXAt / s + xCount);
  // threads take whole images (windows of one image may overlap; images never do), each its own scratch
  lists.forEach((k, t) => {
    const [n, images] = share(batch, t, T);
    const xOffset = n * H * W * C * s;
    const dAOffset = n * outH * outW * C * s;
    k.poolBackward(
      dAAt + dAOffset,
      xAt + xOffset,
      images,
      H,
      W,
      C,
      f,
      stride,
      outH,
      outW,
      mode === 'avg',
      dXAt + xOffset,
      at[3 + t],
    );
  });
  runLists(kernels, lists);
  return copyOut(heap, dXAt / s, xCount);
}
