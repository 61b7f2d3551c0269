/**
 * conv2d and its gradients on the SIMD kernels (assembly/: gemm.ts, directConv.ts, windows.ts, layout.ts,
 * which read their sizes from the plan record of assembly/plan.ts).
 * Same values as src/cnn/reference/conv2dReference.ts up to rounding; arguments are checked by the
 * callers in conv2d.ts. Large calls are split across threads (threads.ts), the same bits for any count
 * (the backward pass's partial sums of dW and db are fixed in number: plan.ts's ConvBackwardPlan).
 *
 * Forward with stride 1 and at least a vector of filters (every conv layer in the course) stays in the
 * library's channels-last layout: each output position is a small matrix product of its window rows
 * (contiguous runs of x) with the weights, vectorised over the filters (convChannelsLast). Few filters,
 * other strides, and the gradients use channel planes, im2col and GEMM, vectorised over positions.
 * With Kd = f·f·C values per window and the output positions (n, yR, yC) as columns:
 *   forward   Zᵀ (K × positions)      = Wᵀ (K × Kd) · cols (Kd × positions)
 *   backward  dW (Kd × K)            += cols · (dZᵀ)ᵀ        (dot products along positions)
 *             dCols (Kd × positions)  = W (Kd × K) · dZᵀ (K × positions), then col2im adds dCols onto dX
 * The input is first copied into zero-padded channel planes, where every window row is a contiguous run.
 * Positions are processed a block of output rows at a time so that `cols` stays in cache; all matrices
 * live in the module's reusable workspace. strategy.ts names the three paths ('channelsLast', and 'planes'
 * or 'im2col' for how the windows are read) and picks one; plan.ts works out everything else once, and
 * the functions here lay memory out, write the plan into it, and record the kernel calls.
 */
import { ConvGeometry } from '../shape';
import { allocate, DType, FloatArray, Tensor } from '../tensor';
import { callLists, copyIn, copyOut, KernelSet, roundUp, runLists, workspace } from './wasmKernels';
import { share } from './threads';
import {
  CONV_PLAN_FIELDS,
  ConvForwardPlan,
  ConvPlanFields,
  planConvBackward,
  planConvForward,
  planLength,
  writePlan,
} from './plan';

/**
 * For each window value kd = (wR, wC, c), where it sits in the padded channel planes relative to the
 * window's corner: (c·Hp + wR)·Wp + wC. The planes strategy reads windows through this table (gemm's
 * `offsets`, addWindowRows).
 */
function windowOffsets(offsets: Int32Array, { f, C, Hp, Wp }: ConvPlanFields): void {
  for (let wR = 0; wR < f; wR++) {
    for (let wC = 0; wC < f; wC++) {
      for (let c = 0; c < C; c++) offsets[(wR * f + wC) * C + c] = (c * Hp + wR) * Wp + wC;
    }
  }
}

/**
 * Z = conv2d(x, W) + bias as a contiguous (m, H', W', K) array in `dtype`; with `relu`, max(0, Z), applied
 * as the kernels store Z.
 */
export function conv2dFast(
  kernels: KernelSet,
  dtype: DType,
  x4: Tensor,
  W: Tensor,
  bias: FloatArray,
  g: ConvGeometry,
  relu = false,
): FloatArray {
  const plan = planConvForward(g, dtype, relu);
  return plan.strategy === 'channelsLast'
    ? conv2dChannelsLast(kernels, dtype, x4, W, bias, plan)
    : conv2dPlanes(kernels, dtype, x4, W, bias, plan);
}

/**
 * Strategies 'planes' and 'im2col': Zᵀ = Wᵀ · windows with the positions along the vectors, in channel
 * planes. 'planes' reads the windows straight from the planes (stride 1): gemm takes B's row kd at
 * offsets[kd] from a block's first position; 'im2col' copies them into columns first.
 */
function conv2dPlanes(
  kernels: KernelSet,
  dtype: DType,
  x4: Tensor,
  W: Tensor,
  bias: FloatArray,
  plan: ConvForwardPlan,
): FloatArray {
  const p = plan.fields;
  const { batch, H, W: Wd, C, K, Hp, Wp, Kd, kPadded, ld, outH, outW } = p;
  const direct = plan.strategy === 'planes';
  const outCount = batch * outH * outW * K;
  const planeCount = batch * C * Hp * Wp;
  const lists = callLists(kernels, plan.work, plan.parts);
  const T = lists.length;
  const { heap, at } = workspace(dtype, [
    planLength(kernels.size, CONV_PLAN_FIELDS.length), // the plan
    batch * H * Wd * C, // x
    planeCount + Wp + 16, // x in padded planes, with slack: a block's last tile reads past its last row
    kPadded * Kd, // Wᵀ
    K, // bias
    outCount, // Z
    Math.ceil((Kd * 4) / kernels.size), // window offsets (Kd int32), for the planes strategy
    ...Array<number>(T).fill(direct ? 0 : Kd * ld), // each thread's cols (im2col)
    ...Array<number>(T).fill(kPadded * ld), // each thread's Zᵀ of one block
  ]);
  const [planAt, xAt, planesAt, wTAt, biasAt, outAt, offsetsAt] = at;
  const colsAt = at.slice(7, 7 + T);
  const zTAt = at.slice(7 + T, 7 + 2 * T);
  const s = kernels.size;
  writePlan(heap, planAt, CONV_PLAN_FIELDS, p);
  copyIn(heap, xAt / s, x4);
  kernels.toPaddedPlanes(planAt, xAt, planesAt);
  heap.fill(0, planesAt / s + planeCount, planesAt / s + planeCount + Wp + 16);
  // Wᵀ: row k holds filter k's Kd weights; rows K..kPadded stay zero
  const w = W.data;
  const wT = wTAt / s;
  heap.fill(0, wT, wT + kPadded * Kd);
  for (let kd = 0; kd < Kd; kd++) {
    for (let k = 0; k < K; k++) heap[wT + k * Kd + kd] = w[kd * K + k];
  }
  heap.set(bias, biasAt / s);
  if (direct) windowOffsets(new Int32Array(heap.buffer, offsetsAt, Kd), p);
  lists.forEach((k, t) => {
    const [firstBlock, blockCount] = share(plan.blocks.length, t, T);
    for (const { first, count } of plan.blocks.slice(firstBlock, firstBlock + blockCount)) {
      if (direct) {
        // the block's first position in its image's planes; its columns run on along the plane rows
        const n = Math.floor(first / outH);
        const corner = planesAt + (n * C * Hp + first - n * outH) * Wp * s;
        k.gemm(kPadded, roundUp(count * Wp, 8), Kd, wTAt, Kd, corner, 0, zTAt[t], ld, offsetsAt);
      } else {
        k.im2col(planAt, planesAt, first, count, colsAt[t]);
        k.gemm(kPadded, roundUp(count * outW, 8), Kd, wTAt, Kd, colsAt[t], ld, zTAt[t], ld, 0);
      }
      k.storeChannelsLast(planAt, zTAt[t], first * outW, count * outW, biasAt, outAt);
    }
  });
  runLists(kernels, lists);
  return copyOut(heap, outAt / s, outCount);
}

/**
 * Strategy 'channelsLast' (convChannelsLast in assembly/directConv.ts): x padded as it is, the weights as
 * they are with K rounded up to two vectors, the output written in place.
 */
function conv2dChannelsLast(
  kernels: KernelSet,
  dtype: DType,
  x4: Tensor,
  W: Tensor,
  bias: FloatArray,
  plan: ConvForwardPlan,
): FloatArray {
  const p = plan.fields;
  const { batch, H, W: Wd, C, K, pad, Hp, Wp, Kd, kVectors, outH, outW } = p;
  const outCount = batch * outH * outW * K;
  const { heap, at } = workspace(dtype, [
    planLength(kernels.size, CONV_PLAN_FIELDS.length), // the plan
    batch * H * Wd * C, // x
    pad > 0 ? batch * Hp * Wp * C : 0, // x padded
    Kd * kVectors, // weights, K padded
    kVectors, // bias, K padded
    outCount, // Z
  ]);
  const [planAt, xAt, paddedAt, wAt, biasAt, outAt] = at;
  const s = kernels.size;
  writePlan(heap, planAt, CONV_PLAN_FIELDS, p);
  copyIn(heap, xAt / s, x4);
  if (pad > 0) kernels.toPaddedChannelsLast(planAt, xAt, paddedAt);
  const w = W.data;
  const wP = wAt / s;
  if (kVectors === K) heap.set(w, wP);
  else {
    heap.fill(0, wP, wP + Kd * kVectors);
    for (let kd = 0; kd < Kd; kd++) heap.set(w.subarray(kd * K, kd * K + K), wP + kd * kVectors);
  }
  heap.fill(0, biasAt / s, biasAt / s + kVectors);
  heap.set(bias, biasAt / s);
  // output positions (n, yR, yC), split between threads
  const lists = callLists(kernels, plan.work, plan.parts);
  lists.forEach((k, t) => {
    const [first, count] = share(plan.parts, t, lists.length);
    k.convChannelsLast(planAt, pad > 0 ? paddedAt : xAt, first, count, wAt, biasAt, outAt);
  });
  runLists(kernels, lists);
  return copyOut(heap, outAt / s, outCount);
}

/**
 * The gradients of conv2dFast as contiguous arrays in `dtype`: dX (x's size), dW (f·f·C·K), db (K).
 * Without `inputGradient`, dX is null and its half of the work (the dCols product and col2im) is skipped.
 * As in the forward pass, 'planes' reads the windows straight from the planes (and adds dCols straight
 * back onto them), 'im2col' copies them with im2col and col2im. Given `reluOutput` a (conv2dFast with
 * relu), `dZ4` is ∂J/∂a, and the kernels take ∂J/∂z = ∂J/∂a where a > 0, else 0, as they load it.
 */
export function conv2dBackwardFast(
  kernels: KernelSet,
  dtype: DType,
  dZ4: Tensor,
  x4: Tensor,
  W: Tensor,
  g: ConvGeometry,
  inputGradient = true,
  reluOutput: Tensor | null = null,
): { dX: FloatArray | null; dW: FloatArray; db: FloatArray } {
  const plan = planConvBackward(g, dtype, inputGradient, reluOutput !== null);
  const p = plan.fields;
  const { batch, H, W: Wd, C, K, Hp, Wp, Kd, kdPadded, kPadded, kPair, ld, outH, outW } = p;
  const direct = plan.strategy === 'planes';
  const rows = batch * outH;
  const xCount = batch * H * Wd * C;
  const planeCount = batch * C * Hp * Wp;
  const slack = Wp + 16; // the direct path's last tile reads and adds (zeros) past the last plane row
  const groupCount = plan.groups.length;
  const lists = callLists(kernels, plan.work, groupCount);
  const T = lists.length;
  const { heap, at } = workspace(dtype, [
    planLength(kernels.size, CONV_PLAN_FIELDS.length), // the plan
    xCount, // x, later dX
    planeCount + slack, // x in padded planes
    planeCount + slack, // dX in padded planes
    kdPadded * K, // W as (Kd × K), zero rows below
    rows * outW * K, // dZ
    Math.ceil((kdPadded * 4) / kernels.size), // window offsets (int32), for the planes strategy
    reluOutput ? rows * outW * K : 0, // relu's output a, whose sign masks dZ
    ...Array<number>(groupCount).fill(kdPadded * kPair), // each group's dW
    ...Array<number>(groupCount).fill(K), // each group's db
    ...Array<number>(T).fill(direct ? 0 : kdPadded * ld), // each thread's cols (im2col)
    ...Array<number>(T).fill(kPadded * ld), // each thread's dZᵀ of one block
    ...Array<number>(T).fill(inputGradient ? kdPadded * ld : 0), // each thread's dCols
  ]);
  const [planAt, xAt, planesAt, dPlanesAt, wAt, dZAt, offsetsAt, aAt] = at;
  const dWAt = at.slice(8, 8 + groupCount);
  const dbAt = at.slice(8 + groupCount, 8 + 2 * groupCount);
  const [colsAt, dZTAt, dColsAt] = [0, 1, 2].map((i) =>
    at.slice(8 + 2 * groupCount + i * T, 8 + 2 * groupCount + (i + 1) * T),
  );
  const s = kernels.size;
  writePlan(heap, planAt, CONV_PLAN_FIELDS, p);
  copyIn(heap, xAt / s, x4);
  kernels.toPaddedPlanes(planAt, xAt, planesAt);
  heap.fill(0, planesAt / s + planeCount, planesAt / s + planeCount + slack);
  copyIn(heap, dZAt / s, dZ4);
  if (reluOutput) copyIn(heap, aAt / s, reluOutput);
  if (inputGradient) heap.fill(0, dPlanesAt / s, dPlanesAt / s + planeCount + slack);
  heap.fill(0, wAt / s, wAt / s + kdPadded * K);
  heap.set(W.data, wAt / s);
  for (let g = 0; g < groupCount; g++) {
    heap.fill(0, dWAt[g] / s, dWAt[g] / s + kdPadded * kPair);
    heap.fill(0, dbAt[g] / s, dbAt[g] / s + K);
  }
  // im2col writes rows 0..Kd; the padding rows Kd..kdPadded must be zeros for the dW product
  for (let t = 0; t < T && !direct; t++) heap.fill(0, colsAt[t] / s + Kd * ld, colsAt[t] / s + kdPadded * ld);
  // rows Kd..kdPadded of the dW product read offset 0: real values, whose products land in ignored rows
  if (direct) windowOffsets(new Int32Array(heap.buffer, offsetsAt, kdPadded).fill(0), p);
  lists.forEach((k, t) => {
    const [firstGroup, groupsOfThread] = share(groupCount, t, T);
    for (let g = firstGroup; g < firstGroup + groupsOfThread; g++) {
      for (const { first, count } of plan.groups[g]) {
        k.loadChannelRows(planAt, dZAt, first * outW, count * outW, dZTAt[t], dbAt[g], aAt);
        if (direct) {
          const n = Math.floor(first / outH);
          const columns = roundUp(count * Wp, 8);
          const rowBase = (n * C * Hp + first - n * outH) * Wp * s;
          k.gemmTransposedB(
            kdPadded,
            kPair,
            columns,
            planesAt + rowBase,
            0,
            dZTAt[t],
            ld,
            dWAt[g],
            kPair,
            offsetsAt,
          );
          if (!inputGradient) continue;
          k.gemm(kdPadded, columns, K, wAt, K, dZTAt[t], ld, dColsAt[t], ld, 0);
          // only up to the block's last output: the padded columns beyond it (zeros) would reach into
          // the next image's planes, which another thread may be adding to at the same moment
          k.addWindowRows(planAt, dColsAt[t], (count - 1) * Wp + outW, offsetsAt, dPlanesAt + rowBase);
        } else {
          const columns = roundUp(count * outW, 8);
          k.im2col(planAt, planesAt, first, count, colsAt[t]);
          k.gemmTransposedB(kdPadded, kPair, columns, colsAt[t], ld, dZTAt[t], ld, dWAt[g], kPair, 0);
          if (!inputGradient) continue;
          k.gemm(kdPadded, columns, K, wAt, K, dZTAt[t], ld, dColsAt[t], ld, 0);
          k.col2im(planAt, dColsAt[t], first, count, dPlanesAt);
        }
      }
    }
  });
  runLists(kernels, lists);
  if (inputGradient) kernels.fromPaddedPlanes(planAt, dPlanesAt, xAt);
  // the groups' dW and db, added in group order
  const into = heap.subarray(dWAt[0] / s, dWAt[0] / s + kdPadded * kPair);
  for (let g = 1; g < groupCount; g++) {
    const from = heap.subarray(dWAt[g] / s, dWAt[g] / s + kdPadded * kPair);
    for (let i = 0; i < into.length; i++) into[i] += from[i];
    for (let k = 0; k < K; k++) heap[dbAt[0] / s + k] += heap[dbAt[g] / s + k];
  }
  const dWPacked = heap.subarray(dWAt[0] / s, dWAt[0] / s + kdPadded * kPair);
  const dW = allocate(dtype, Kd * K);
  for (let kd = 0; kd < Kd; kd++) {
    for (let k = 0; k < K; k++) dW[kd * K + k] = dWPacked[kd * kPair + k];
  }
  return {
    dX: inputGradient ? copyOut(heap, xAt / s, xCount) : null,
    dW,
    db: copyOut(heap, dbAt[0] / s, K),
  };
}
