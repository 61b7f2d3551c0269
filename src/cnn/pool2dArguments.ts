import { poolGeometry, PoolGeometry, PoolMode } from './shape';
import { addBatchAxis, checkTensor, contiguous, shapeString, Tensor } from './tensor';
import { ConvlabError } from './convlabError';

export interface PoolOptions {
  /** Window size f (f×f). */
  size: number;
  /** Step between windows (default: the window size, so windows do not overlap). */
  stride?: number;
  /** `'max'` (default) or `'avg'`. */
  mode?: PoolMode;
}

/** What every pool kernel (reference or fast) gets after the arguments have been checked. */
export interface PreparedPool {
  x4: Tensor; // always 4-D (a view when the input was 3-D)
  g: PoolGeometry;
  batched: boolean;
}

/** Checks pool2d's arguments and works out the geometry; `fn` names the public function in errors. */
export function preparePool(fn: string, x: Tensor, options: PoolOptions): PreparedPool {
  checkTensor(fn, 'x', x, [3, 4]);
  const batched = x.dimension === 4;
  const x4 = batched ? x : addBatchAxis(x);
  return { x4, g: poolGeometry(fn, x4.shape, options, x.shape), batched };
}

/** Checks that dA has pool2d's output shape and returns it as a contiguous 4-D tensor. */
export function preparePoolGradient(fn: string, dA: Tensor, x: Tensor, prepared: PreparedPool): Tensor {
  const { batch, channels: C, size: f, stride, outHeight, outWidth } = prepared.g;
  checkTensor(fn, 'dA', dA, [x.dimension]);
  const expected = prepared.batched ? [batch, outHeight, outWidth, C] : [outHeight, outWidth, C];
  if (dA.shape.some((d, i) => d !== expected[i])) {
    throw new ConvlabError(
      fn,
      `dA has shape ${shapeString(dA.shape)} but pool2d's output has shape ${shapeString(expected)} (input ${shapeString(x.shape)}, size ${f}, stride ${stride})`,
    );
  }
  return contiguous(prepared.batched ? dA : addBatchAxis(dA));
}
