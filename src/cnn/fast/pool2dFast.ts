/**
 * Pooling on the SIMD kernels (assembly/pool.ts): forward takes a vector of channels at a time, and
 * neither direction branches on the data (a branch on `v > best` guesses wrong about half the time on
 * real activations, which made plain loops several times slower). Same values as
 * src/cnn/reference/pool2dReference.ts, including which cell wins a tie for max (the first, row by row).
 */
import { PoolGeometry } from '../shape';
import { DType, FloatArray, Tensor } from '../tensor';
import { share } from './threads';
import { planLength, planPool, POOL_PLAN_FIELDS, writePlan } from './plan';
import { callLists, copyIn, copyOut, KernelSet, runLists, workspace } from './wasmKernels';

/** pool2d of a 4-D x as a contiguous (m, H', W', C) array in `dtype`. */
export function pool2dFast(kernels: KernelSet, dtype: DType, x4: Tensor, g: PoolGeometry): FloatArray {
  const plan = planPool(g, dtype);
  const { batch, H, W, C, outH, outW } = plan.fields;
  const outCount = batch * outH * outW * C;
  const { heap, at } = workspace(dtype, [
    planLength(kernels.size, POOL_PLAN_FIELDS.length),
    batch * H * W * C,
    outCount,
  ]);
  const [planAt, xAt, outAt] = at;
  const s = kernels.size;
  writePlan(heap, planAt, POOL_PLAN_FIELDS, plan.fields);
  copyIn(heap, xAt / s, x4);
  // threads take runs of whole images
  const lists = callLists(kernels, plan.work, plan.parts);
  lists.forEach((k, t) => {
    const [first, count] = share(plan.parts, t, lists.length);
    k.pool(planAt, first, count, xAt, outAt);
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
  const plan = planPool(g, dtype);
  const { batch, H, W, C, outH, outW } = plan.fields;
  const xCount = batch * H * W * C;
  const outCount = batch * outH * outW * C;
  const lists = callLists(kernels, plan.work, plan.parts);
  const T = lists.length;
  const { heap, at } = workspace(dtype, [
    planLength(kernels.size, POOL_PLAN_FIELDS.length),
    xCount, // x
    outCount, // dA
    xCount, // dX
    ...Array<number>(T).fill(16), // each thread's scratch (16 bytes at least)
  ]);
  const [planAt, xAt, dAAt, dXAt] = at;
  const s = kernels.size;
  writePlan(heap, planAt, POOL_PLAN_FIELDS, plan.fields);
  copyIn(heap, xAt / s, x4);
  copyIn(heap, dAAt / s, dA4);
  if (!plan.fields.tiled) heap.fill(0, dXAt / s, dXAt / s + xCount); // tiled: the kernel writes every cell
  // threads take runs of whole images (windows of one image may overlap; images never do)
  lists.forEach((k, t) => {
    const [first, count] = share(plan.parts, t, T);
    k.poolBackward(planAt, first, count, dAAt, xAt, dXAt, at[4 + t]);
  });
  runLists(kernels, lists);
  return copyOut(heap, dXAt / s, xCount);
}
