/**
 * One plan per op: everything the SIMD kernels need to run a conv or a pool, worked out once from its
 * geometry (shape.ts) and dtype: the strategy (strategy.ts's convStrategy), the padded sizes, the
 * blocking, and the parts the work splits into across threads. A driver (conv2dFast.ts, pool2dFast.ts)
 * then only lays out memory, writes the plan's `fields` into it (writePlan) and records kernel calls,
 * each with the plan's address, its buffers, and its part of the work.
 *
 * The fields are read by the kernels through assembly/plan.ts's ConvPlan and PoolPlan classes, field by
 * field in the order of CONV_PLAN_FIELDS and POOL_PLAN_FIELDS below; test/kernelBindings.test.ts fails
 * when the two sides disagree.
 */
import { ConvGeometry, PoolGeometry } from '../shape';
import { DType, FloatArray } from '../tensor';
import { share } from './threads';
import { ConvStrategy, convStrategy } from './strategy';
import { roundUp } from './wasmKernels';

/** assembly/plan.ts's ConvPlan, field by field (int32 each). */
export const CONV_PLAN_FIELDS = [
  'batch',
  'H',
  'W',
  'C',
  'f',
  'stride',
  'pad',
  'K',
  'outH',
  'outW',
  'Hp',
  'Wp',
  'Kd',
  'kdPadded',
  'kPadded',
  'kPair',
  'kVectors',
  'ld',
  'pitch',
  'relu',
] as const;

/** assembly/plan.ts's PoolPlan, field by field (int32 each). */
export const POOL_PLAN_FIELDS = [
  'batch',
  'H',
  'W',
  'C',
  'f',
  'stride',
  'outH',
  'outW',
  'average',
  'tiled',
] as const;

export type ConvPlanFields = Record<(typeof CONV_PLAN_FIELDS)[number], number>;
export type PoolPlanFields = Record<(typeof POOL_PLAN_FIELDS)[number], number>;

/** About how many values one block's column matrix holds (128 KiB in float32: it stays in L2). */
const BLOCK_VALUES = 1 << 15;
/**
 * How many partial sums of dW and db the backward pass keeps: the most threads it can use, and fixed,
 * so that the sums (and so training) come out the same to the last bit on any number of cores.
 */
const PARTIAL_SUMS = 8;

/** Output rows [first, first + count), an output row being (n, yR), numbered n·outH + yR. */
export interface Rows {
  first: number;
  count: number;
}

export interface ConvForwardPlan {
  strategy: ConvStrategy;
  /** What the kernels read (assembly/plan.ts's ConvPlan). */
  fields: ConvPlanFields;
  /**
   * 'planes' and 'im2col': the blocks of output rows, one kernel sequence each, taken by the threads in
   * runs (share(blocks.length, t, threads)). 'channelsLast': none; the threads take runs of positions.
   */
  blocks: Rows[];
  /** How many parts the work splits into across threads: blocks, or positions for 'channelsLast'. */
  parts: number;
  /** Multiply-adds, for callLists' choice of thread count. */
  work: number;
}

export interface ConvBackwardPlan {
  strategy: Exclude<ConvStrategy, 'channelsLast'>;
  fields: ConvPlanFields;
  /**
   * Blocks of output rows in at most PARTIAL_SUMS groups; each group sums its own dW and db, and a
   * thread takes whole groups (share(groups.length, t, threads)), so threads add onto disjoint planes.
   * Nothing here depends on the thread count, so neither do dX, dW and db, to the bit.
   */
  groups: Rows[][];
  work: number;
}

export interface PoolPlan {
  fields: PoolPlanFields;
  /** The threads take runs of whole images (windows of one image may overlap; images never do). */
  parts: number;
  /** The work in conv multiply-adds (see poolWork). */
  work: number;
}

/** The fields every conv plan shares; ld and pitch are the strategy's; relu: fused after (1) or not (0). */
function convFields(g: ConvGeometry, dtype: DType, ld: number, pitch: number, relu: boolean): ConvPlanFields {
  const { batch, inHeight: H, inWidth: W, inChannels: C, filterSize: f, outChannels: K, stride, pad } = g;
  const Kd = f * f * C;
  const lanes = dtype === 'float64' ? 2 : 4;
  return {
    batch,
    H,
    W,
    C,
    f,
    stride,
    pad,
    K,
    outH: g.outHeight,
    outW: g.outWidth,
    Hp: H + 2 * pad,
    Wp: W + 2 * pad,
    Kd,
    kdPadded: roundUp(Kd, 4), // rows of cols, dCols and dW in the backward pass, 4 at a time
    kPadded: roundUp(K, 4), // rows of Zᵀ and dZᵀ, 4 at a time
    kPair: roundUp(K, 2), // columns of dW, 2 at a time
    kVectors: roundUp(K, 2 * lanes), // channelsLast: two vectors of filters at a time
    ld,
    pitch,
    relu: relu ? 1 : 0,
  };
}

/**
 * Output rows per block and the block matrices' leading dimension. im2col: rows whose column matrix
 * (Kd × rows·outW) holds about BLOCK_VALUES, across images. planes: rows of one image whose widest block
 * matrix (matrixRows × rows·Wp) holds about that, since the planes path computes Wp columns per row.
 */
function blocking(
  g: ConvGeometry,
  strategy: 'planes' | 'im2col',
  matrixRows: number,
): { rowsPerBlock: number; ld: number; pitch: number } {
  const f = g.filterSize;
  if (strategy === 'planes') {
    const Wp = g.inWidth + 2 * g.pad;
    const rowsPerBlock = Math.min(g.outHeight, Math.max(1, Math.floor(BLOCK_VALUES / (matrixRows * Wp))));
    return { rowsPerBlock, ld: roundUp(rowsPerBlock * Wp, 8), pitch: Wp };
  }
  const Kd = f * f * g.inChannels;
  const rows = g.batch * g.outHeight;
  const rowsPerBlock = Math.min(rows, Math.max(1, Math.floor(BLOCK_VALUES / (Kd * g.outWidth))));
  return { rowsPerBlock, ld: roundUp(rowsPerBlock * g.outWidth, 8), pitch: g.outWidth };
}

/** The runs of `rowsPerBlock` rows (the last one shorter) in rows [first, first + count). */
function blocksOf(first: number, count: number, rowsPerBlock: number): Rows[] {
  const blocks: Rows[] = [];
  for (let r = 0; r < count; r += rowsPerBlock) {
    blocks.push({ first: first + r, count: Math.min(rowsPerBlock, count - r) });
  }
  return blocks;
}

/** conv2d's plan; `relu`: max(0, ·) of the output, fused (conv2dRelu.ts). */
export function planConvForward(g: ConvGeometry, dtype: DType, relu = false): ConvForwardPlan {
  const strategy = convStrategy(g, dtype, 'forward');
  const { batch, outHeight: outH, outWidth: outW, outChannels: K, filterSize: f, inChannels: C } = g;
  const work = batch * outH * outW * K * f * f * C;
  if (strategy === 'channelsLast') {
    const positions = batch * outH * outW;
    return { strategy, fields: convFields(g, dtype, 0, 0, relu), blocks: [], parts: positions, work };
  }
  const { rowsPerBlock, ld, pitch } = blocking(g, strategy, roundUp(K, 4));
  // planes: blocks within one image (its planes hold every window of the block's rows); im2col: across
  const blocks =
    strategy === 'planes'
      ? Array.from({ length: batch }, (_, n) => blocksOf(n * outH, outH, rowsPerBlock)).flat()
      : blocksOf(0, batch * outH, rowsPerBlock);
  return { strategy, fields: convFields(g, dtype, ld, pitch, relu), blocks, parts: blocks.length, work };
}

/**
 * conv2dBackward's plan; `inputGradient` false: dW and db only (half the work); `relu`: the gradient
 * given is relu's ∂J/∂a, masked by relu's output as it is loaded (conv2dRelu.ts).
 */
export function planConvBackward(
  g: ConvGeometry,
  dtype: DType,
  inputGradient = true,
  relu = false,
): ConvBackwardPlan {
  const strategy = convStrategy(g, dtype, 'backward') as ConvBackwardPlan['strategy'];
  const { batch, outHeight: outH, outWidth: outW, outChannels: K, filterSize: f, inChannels: C } = g;
  const kdPadded = roundUp(f * f * C, 4);
  const { rowsPerBlock, ld, pitch } = blocking(g, strategy, kdPadded);
  // Blocks never hold part of one image and part of another: several whole images where they fit
  // (im2col), else runs of rows within one image. A unit (a block of images, or one image's blocks)
  // goes whole into one group.
  const units: Rows[][] = [];
  if (strategy === 'im2col' && rowsPerBlock >= outH) {
    const imagesPerBlock = Math.floor(rowsPerBlock / outH);
    for (let n = 0; n < batch; n += imagesPerBlock) {
      units.push([{ first: n * outH, count: Math.min(imagesPerBlock, batch - n) * outH }]);
    }
  } else {
    for (let n = 0; n < batch; n++) units.push(blocksOf(n * outH, outH, rowsPerBlock));
  }
  const groupCount = Math.min(PARTIAL_SUMS, units.length);
  const groups = Array.from({ length: groupCount }, (_, group) => {
    const [first, count] = share(units.length, group, groupCount);
    return units.slice(first, first + count).flat();
  });
  const work = batch * outH * outW * K * f * f * C * (inputGradient ? 2 : 1);
  return { strategy, fields: convFields(g, dtype, ld, pitch, relu), groups, work };
}

/**
 * pool2d's and pool2dBackward's plan. The work in conv multiply-adds, for callLists: each window value
 * read costs about 2 of them (LeNet's pool1 and conv1 at batch 64 on one thread: 0.19 ms for 1.2 M
 * reads, 0.75 ms for 7.5 M multiply-adds, copies included).
 * `tiled` (assembly/plan.ts): max pooling whose windows cover x exactly, once, with a vector of channels
 * or more (the vector path; float32's holds cell offsets exactly below 2²⁴), as LeNet's both are.
 */
export function planPool(g: PoolGeometry, dtype: DType): PoolPlan {
  const { batch, inHeight: H, inWidth: W, channels: C, size: f, stride, outHeight: outH, outWidth: outW } = g;
  const lanes = dtype === 'float64' ? 2 : 4;
  const tiled =
    g.mode === 'max' &&
    stride === f &&
    outH * f === H &&
    outW * f === W &&
    C >= lanes &&
    (dtype === 'float64' || f * W * C < 1 << 24);
  return {
    fields: {
      batch,
      H,
      W,
      C,
      f,
      stride,
      outH,
      outW,
      average: g.mode === 'avg' ? 1 : 0,
      tiled: tiled ? 1 : 0,
    },
    parts: batch,
    work: 2 * batch * outH * outW * C * f * f,
  };
}

/** Elements of `dtype` a plan of `fieldCount` int32 fields takes in the workspace (a region's count). */
export function planLength(size: 4 | 8, fieldCount: number): number {
  return Math.ceil((fieldCount * 4) / size);
}

/** Writes a plan's fields, in `order`, as int32 values at byte address `at` of the kernels' memory. */
export function writePlan<F extends string>(
  heap: FloatArray,
  at: number,
  order: readonly F[],
  fields: Record<F, number>,
): void {
  const record = new Int32Array(heap.buffer, at, order.length);
  order.forEach((name, i) => (record[i] = fields[name]));
}
