/**
 * conv2d and its gradients on the SIMD kernels (assembly/: gemm.ts, directConv.ts, windows.ts, layout.ts).
 * Same values as src/cnn/reference/conv2dReference.ts up to rounding; arguments are checked by the
 * callers in conv2d.ts. Large calls are split across threads (threads.ts), the same bits for any count
 * except the weight gradients' sums (see conv2dBackwardFast).
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
 * or 'im2col' for how the windows are read) so that tests can force each.
 */
import { ConvGeometry } from '../shape';
import { allocate, DType, FloatArray, Tensor } from '../tensor';
import { callLists, copyIn, copyOut, KernelSet, roundUp, runLists, workspace } from './wasmKernels';
import { share } from './threads';
import { forcedConvStrategy, Strategy } from './strategy';

/** About how many values one block's column matrix holds (128 KiB in float32: it stays in L2). */
const BLOCK_VALUES = 1 << 15;
/**
 * How many partial sums of dW and db the backward pass keeps: the most threads it can use, and fixed,
 * so that the sums (and so training) come out the same to the last bit on any number of cores.
 */
const PARTIAL_SUMS = 8;

interface Blocking {
  /** Values per window (rows of cols). */
  Kd: number;
  /** Output rows (n, yR) per block. */
  rowsPerBlock: number;
  /** Leading dimension of the block matrices: the block's columns rounded up to a multiple of 8. */
  ld: number;
  /** Padded plane height and width. */
  Hp: number;
  Wp: number;
}

function blocking(g: ConvGeometry): Blocking {
  const Kd = g.filterSize * g.filterSize * g.inChannels;
  const rows = g.batch * g.outHeight;
  const rowsPerBlock = Math.min(rows, Math.max(1, Math.floor(BLOCK_VALUES / (Kd * g.outWidth))));
  const ld = roundUp(rowsPerBlock * g.outWidth, 8);
  return { Kd, rowsPerBlock, ld, Hp: g.inHeight + 2 * g.pad, Wp: g.inWidth + 2 * g.pad };
}

/**
 * For each window value kd = (wR, wC, c), where it sits in the padded channel planes relative to the
 * window's corner: (c·Hp + wR)·Wp + wC. The direct (stride 1) kernels read windows through this table.
 */
function windowOffsets(offsets: Int32Array, f: number, C: number, Hp: number, Wp: number): void {
  for (let wR = 0; wR < f; wR++) {
    for (let wC = 0; wC < f; wC++) {
      for (let c = 0; c < C; c++) offsets[(wR * f + wC) * C + c] = (c * Hp + wR) * Wp + wC;
    }
  }
}

/** Z = conv2d(x, W) + bias as a contiguous (m, H', W', K) array in `dtype`. */
export function conv2dFast(
  kernels: KernelSet,
  dtype: DType,
  x4: Tensor,
  W: Tensor,
  bias: FloatArray,
  g: ConvGeometry,
): FloatArray {
  // the channels-last kernel fills vectors with filters: with fewer than a vector's worth (W1's one Sobel
  // filter) it would mostly multiply zeros, where the planes fill them with positions
  const forced = forcedConvStrategy('forward', g.stride);
  const channelsLast = forced
    ? forced === 'channelsLast'
    : g.stride === 1 && g.outChannels >= 16 / kernels.size;
  return channelsLast
    ? conv2dStride1(kernels, dtype, x4, W, bias, g)
    : conv2dPlanes(kernels, dtype, x4, W, bias, g, directFits(g, forced));
}

/**
 * Whether the planes kernels read the windows straight from the planes (stride 1, strategy 'planes')
 * rather than copy them into columns first ('im2col'): the direct path computes Wp positions per output
 * row and keeps outW, so where that wastes more than about a quarter of the work, im2col measured faster.
 */
function directFits(g: ConvGeometry, forced: Strategy | undefined): boolean {
  if (forced) return forced === 'planes';
  return g.stride === 1 && g.inWidth + 2 * g.pad <= 1.3 * g.outWidth;
}

/**
 * Few filters, or strides above 1: Zᵀ = Wᵀ · windows with the positions along the vectors, in channel
 * planes. `direct`: the windows are read straight from the planes (stride 1); otherwise im2col copies
 * them into columns first.
 */
function conv2dPlanes(
  kernels: KernelSet,
  dtype: DType,
  x4: Tensor,
  W: Tensor,
  bias: FloatArray,
  g: ConvGeometry,
  direct: boolean,
): FloatArray {
  const { batch, inHeight: H, inWidth: Wd, inChannels: C, filterSize: f, outChannels: K, stride, pad } = g;
  const { outHeight: outH, outWidth: outW } = g;
  const { Kd, Hp, Wp } = blocking(g);
  const kPadded = roundUp(K, 4); // the GEMM works on 4 rows at a time
  const rows = batch * outH;
  const outCount = rows * outW * K;
  const planeCount = batch * C * Hp * Wp;
  const { rowsPerBlock, ld } = direct ? directBlocking(kPadded, Wp, outH) : blocking(g);
  // blocks of output rows: within one image on the direct path (its planes hold every window of the
  // block's rows), across images for im2col; each thread takes a run of blocks, with its own scratch
  const blocks: { first: number; count: number }[] = [];
  const rowsPerImage = direct ? outH : rows;
  for (let image = 0; image < rows; image += rowsPerImage) {
    for (let r = 0; r < rowsPerImage; r += rowsPerBlock) {
      blocks.push({ first: image + r, count: Math.min(rowsPerBlock, rowsPerImage - r) });
    }
  }
  const lists = callLists(kernels, rows * outW * K * Kd, blocks.length);
  const T = lists.length;
  const { heap, at } = workspace(dtype, [
    batch * H * Wd * C, // x
    planeCount + Wp + 16, // x in padded planes, with slack: a block's last tile reads past its last row
    kPadded * Kd, // Wᵀ
    K, // bias
    outCount, // Z
    Math.ceil((Kd * 4) / kernels.size), // window offsets (Kd int32), for the direct path
    ...Array<number>(T).fill(direct ? 0 : Kd * ld), // each thread's cols (im2col)
    ...Array<number>(T).fill(kPadded * ld), // each thread's Zᵀ of one block
  ]);
  const [xAt, planesAt, wTAt, biasAt, outAt, offsetsAt] = at;
  const colsAt = at.slice(6, 6 + T);
  const zTAt = at.slice(6 + T, 6 + 2 * T);
  const s = kernels.size;
  copyIn(heap, xAt / s, x4);
  kernels.toPaddedPlanes(xAt, batch, H, Wd, C, pad, planesAt);
  heap.fill(0, planesAt / s + planeCount, planesAt / s + planeCount + Wp + 16);
  // Wᵀ: row k holds filter k's Kd weights; rows K..kPadded stay zero
  const w = W.data;
  const wT = wTAt / s;
  heap.fill(0, wT, wT + kPadded * Kd);
  for (let kd = 0; kd < Kd; kd++) {
    for (let k = 0; k < K; k++) heap[wT + k * Kd + kd] = w[kd * K + k];
  }
  heap.set(bias, biasAt / s);
  if (direct) windowOffsets(new Int32Array(heap.buffer, offsetsAt, Kd), f, C, Hp, Wp);
  lists.forEach((k, t) => {
    const [firstBlock, blockCount] = share(blocks.length, t, T);
    for (const { first, count } of blocks.slice(firstBlock, firstBlock + blockCount)) {
      if (direct) {
        const n = Math.floor(first / outH);
        const yR = first - n * outH;
        const columns = roundUp(count * Wp, 8);
        k.convStride1(planesAt, C, Hp, Wp, n, yR, columns, wTAt, kPadded, Kd, offsetsAt, zTAt[t], ld);
        k.storeChannelsLast(zTAt[t], ld, K, count * outW, outW, Wp, biasAt, outAt, first * outW);
      } else {
        const columns = roundUp(count * outW, 8);
        k.im2col(planesAt, C, Hp, Wp, f, stride, outH, outW, first, count, colsAt[t], ld);
        k.gemm(kPadded, columns, Kd, wTAt, Kd, colsAt[t], ld, zTAt[t], ld, false);
        k.storeChannelsLast(zTAt[t], ld, K, count * outW, outW, outW, biasAt, outAt, first * outW);
      }
    }
  });
  runLists(kernels, lists);
  return copyOut(heap, outAt / s, outCount);
}

/**
 * Stride 1 straight in the channels-last layout (convChannelsLast in assembly/directConv.ts): x padded as it
 * is, the weights as they are with K rounded up to two vectors, the output written in place.
 */
function conv2dStride1(
  kernels: KernelSet,
  dtype: DType,
  x4: Tensor,
  W: Tensor,
  bias: FloatArray,
  g: ConvGeometry,
): FloatArray {
  const { batch, inHeight: H, inWidth: Wd, inChannels: C, filterSize: f, outChannels: K, pad } = g;
  const { outHeight: outH, outWidth: outW } = g;
  const s = kernels.size;
  const kP = roundUp(K, 32 / s); // two vectors of filters at a time
  const Kd = f * f * C;
  const Hp = H + 2 * pad;
  const Wp = Wd + 2 * pad;
  const outCount = batch * outH * outW * K;
  const { heap, at } = workspace(dtype, [
    batch * H * Wd * C, // x
    pad > 0 ? batch * Hp * Wp * C : 0, // x padded
    Kd * kP, // weights, K padded
    kP, // bias, K padded
    outCount, // Z
  ]);
  const [xAt, paddedAt, wAt, biasAt, outAt] = at;
  copyIn(heap, xAt / s, x4);
  if (pad > 0) kernels.toPaddedChannelsLast(xAt, batch, H, Wd, C, pad, paddedAt);
  const w = W.data;
  const wP = wAt / s;
  if (kP === K) heap.set(w, wP);
  else {
    heap.fill(0, wP, wP + Kd * kP);
    for (let kd = 0; kd < Kd; kd++) heap.set(w.subarray(kd * K, kd * K + K), wP + kd * kP);
  }
  heap.fill(0, biasAt / s, biasAt / s + kP);
  heap.set(bias, biasAt / s);
  // output positions (n, yR, yC), split between threads
  const positions = batch * outH * outW;
  const lists = callLists(kernels, positions * Kd * K, positions);
  lists.forEach((k, t) => {
    const [first, count] = share(positions, t, lists.length);
    k.convChannelsLast(
      pad > 0 ? paddedAt : xAt,
      Hp,
      Wp,
      C,
      f,
      outH,
      outW,
      first,
      count,
      wAt,
      K,
      kP,
      biasAt,
      outAt,
    );
  });
  runLists(kernels, lists);
  return copyOut(heap, outAt / s, outCount);
}

/** Blocks for the direct (stride 1) path: output rows of one image whose widest block matrix (rows × outputRows·Wp) holds about BLOCK_VALUES. */
function directBlocking(matrixRows: number, Wp: number, outH: number): { rowsPerBlock: number; ld: number } {
  const rowsPerBlock = Math.min(outH, Math.max(1, Math.floor(BLOCK_VALUES / (matrixRows * Wp))));
  return { rowsPerBlock, ld: roundUp(rowsPerBlock * Wp, 8) };
}

/**
 * The gradients of conv2dFast as contiguous arrays in `dtype`: dX (x's size), dW (f·f·C·K), db (K).
 * Without `inputGradient`, dX is null and its half of the work (the dCols product and col2im) is skipped.
 */
export function conv2dBackwardFast(
  kernels: KernelSet,
  dtype: DType,
  dZ4: Tensor,
  x4: Tensor,
  W: Tensor,
  g: ConvGeometry,
  inputGradient = true,
): { dX: FloatArray | null; dW: FloatArray; db: FloatArray } {
  const { batch, inHeight: H, inWidth: Wd, inChannels: C, filterSize: f, outChannels: K, stride, pad } = g;
  const { outHeight: outH, outWidth: outW } = g;
  const { Kd, Hp, Wp } = blocking(g);
  const kdPadded = roundUp(Kd, 4); // rows of cols, dCols and dW, 4 at a time
  const kPadded = roundUp(K, 4); // rows of dZᵀ
  const kPair = roundUp(K, 2); // columns of dW, 2 at a time
  const rows = batch * outH;
  const xCount = batch * H * Wd * C;
  const planeCount = batch * C * Hp * Wp;
  // as in the forward pass: stride 1 reads the windows straight from the planes (and adds dCols straight
  // back onto them), otherwise im2col and col2im copy them
  const direct = directFits(g, forcedConvStrategy('backward', stride));
  const { rowsPerBlock, ld } = direct ? directBlocking(kdPadded, Wp, outH) : blocking(g);
  const slack = Wp + 16; // the direct path's last tile reads and adds (zeros) past the last plane row
  // Blocks of output rows never hold part of one image and part of another: several whole images
  // where they fit (im2col), else runs of rows within one image. Units (an image, or a block of images)
  // go into at most PARTIAL_SUMS groups, each summing its own dW and db; a thread takes whole groups, so
  // threads add onto disjoint planes. Nothing here depends on the thread count (the blocks, the groups,
  // the order in which the groups' sums are added at the end), so neither do dX, dW and db, to the bit.
  const units: { first: number; count: number }[][] = [];
  if (!direct && rowsPerBlock >= outH) {
    const imagesPerBlock = Math.floor(rowsPerBlock / outH);
    for (let n = 0; n < batch; n += imagesPerBlock) {
      units.push([{ first: n * outH, count: Math.min(imagesPerBlock, batch - n) * outH }]);
    }
  } else {
    for (let n = 0; n < batch; n++) {
      const unit = [];
      for (let r = 0; r < outH; r += rowsPerBlock) {
        unit.push({ first: n * outH + r, count: Math.min(rowsPerBlock, outH - r) });
      }
      units.push(unit);
    }
  }
  const groupCount = Math.min(PARTIAL_SUMS, units.length);
  const groups = Array.from({ length: groupCount }, (_, g) => {
    const [first, count] = share(units.length, g, groupCount);
    return units.slice(first, first + count).flat();
  });
  const lists = callLists(kernels, rows * outW * K * Kd * (inputGradient ? 2 : 1), groupCount);
  const T = lists.length;
  const { heap, at } = workspace(dtype, [
    xCount, // x, later dX
    planeCount + slack, // x in padded planes
    planeCount + slack, // dX in padded planes
    kdPadded * K, // W as (Kd × K), zero rows below
    rows * outW * K, // dZ
    Math.ceil((kdPadded * 4) / kernels.size), // window offsets (int32), for the direct path
    ...Array<number>(groupCount).fill(kdPadded * kPair), // each group's dW
    ...Array<number>(groupCount).fill(K), // each group's db
    ...Array<number>(T).fill(direct ? 0 : kdPadded * ld), // each thread's cols (im2col)
    ...Array<number>(T).fill(kPadded * ld), // each thread's dZᵀ of one block
    ...Array<number>(T).fill(inputGradient ? kdPadded * ld : 0), // each thread's dCols
  ]);
  const [xAt, planesAt, dPlanesAt, wAt, dZAt, offsetsAt] = at;
  const dWAt = at.slice(6, 6 + groupCount);
  const dbAt = at.slice(6 + groupCount, 6 + 2 * groupCount);
  const [colsAt, dZTAt, dColsAt] = [0, 1, 2].map((i) =>
    at.slice(6 + 2 * groupCount + i * T, 6 + 2 * groupCount + (i + 1) * T),
  );
  const s = kernels.size;
  copyIn(heap, xAt / s, x4);
  kernels.toPaddedPlanes(xAt, batch, H, Wd, C, pad, planesAt);
  heap.fill(0, planesAt / s + planeCount, planesAt / s + planeCount + slack);
  copyIn(heap, dZAt / s, dZ4);
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
  if (direct) windowOffsets(new Int32Array(heap.buffer, offsetsAt, kdPadded).fill(0), f, C, Hp, Wp);
  lists.forEach((k, t) => {
    const [firstGroup, groupsOfThread] = share(groupCount, t, T);
    for (let g = firstGroup; g < firstGroup + groupsOfThread; g++) {
      for (const { first, count } of groups[g]) {
        if (direct) {
          const n = Math.floor(first / outH);
          const columns = roundUp(count * Wp, 8);
          const rowBase = (n * C * Hp + first - n * outH) * Wp * s;
          k.loadChannelRows(dZAt, K, count * outW, outW, Wp, first * outW, dZTAt[t], ld, kPadded, dbAt[g]);
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
          k.gemm(kdPadded, columns, K, wAt, K, dZTAt[t], ld, dColsAt[t], ld, false);
          // only up to the block's last output: the padded columns beyond it (zeros) would reach into
          // the next image's planes, which another thread may be adding to at the same moment
          k.addWindowRows(dColsAt[t], ld, Kd, (count - 1) * Wp + outW, offsetsAt, dPlanesAt + rowBase);
        } else {
          const columns = roundUp(count * outW, 8);
          k.im2col(planesAt, C, Hp, Wp, f, stride, outH, outW, first, count, colsAt[t], ld);
          k.loadChannelRows(dZAt, K, count * outW, outW, outW, first * outW, dZTAt[t], ld, kPadded, dbAt[g]);
          k.gemmTransposedB(kdPadded, kPair, columns, colsAt[t], ld, dZTAt[t], ld, dWAt[g], kPair, 0);
          if (!inputGradient) continue;
          k.gemm(kdPadded, columns, K, wAt, K, dZTAt[t], ld, dColsAt[t], ld, false);
          k.col2im(dColsAt[t], ld, C, Hp, Wp, f, stride, outH, outW, first, count, dPlanesAt);
        }
      }
    }
  });
  runLists(kernels, lists);
  if (inputGradient) kernels.fromPaddedPlanes(dPlanesAt, batch, H, Wd, C, pad, xAt);
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
