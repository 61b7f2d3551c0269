import { convGeometry, ConvGeometry, Pad } from './shape';
import ndarray from 'ndarray';
import { addBatchAxis, checkTensor, contiguous, FloatArray, fromData, shapeString, Tensor } from './tensor';
import { ConvlabError } from './convlabError';

export interface ConvOptions {
  /** Step between windows, a positive integer (default 1). */
  stride?: number;
  /** Zero padding: pixels, `'valid'` (0) or `'same'` ((f − 1)/2). Default 0. */
  pad?: Pad;
}

export interface ConvGradients {
  dX: Tensor;
  dW: Tensor;
  db: Tensor;
}

/** What every conv kernel (reference or fast) gets after the arguments have been checked. */
export interface PreparedConv {
  x: Tensor; // always 4-D (a view when the input was 3-D)
  W: Tensor; // contiguous (f,f,C,K)
  b: FloatArray; // K values
  g: ConvGeometry;
  batched: boolean;
}

/**
 * Checks conv2d's arguments (x, W, b, options) and works out the geometry; `fn` names the public
 * function in error messages. Shared by conv2d, conv2dBackward and their reference versions.
 */
export function prepareConv(
  fn: string,
  x: Tensor,
  W: Tensor,
  b: Tensor | null | undefined,
  options: ConvOptions,
): PreparedConv {
  checkTensor(fn, 'x', x, [3, 4]);
  checkTensor(fn, 'W', W, [4]);
  const batched = x.dimension === 4;
  const x4 = batched ? x : addBatchAxis(x);
  const g = convGeometry(fn, x4.shape, W.shape, options ?? {}, x.shape);
  let bias: FloatArray;
  if (b === undefined || b === null) {
    bias = new Float64Array(g.outChannels);
  } else {
    checkTensor(fn, 'b', b, [1, 2, 3, 4]);
    if (b.size !== g.outChannels) {
      throw new ConvlabError(fn, `bias has ${b.size} values but there are ${g.outChannels} filters`, {
        bias: b.shape,
        filter: W.shape,
      });
    }
    bias = contiguous(b).data;
  }
  return { x: x4, W: contiguous(W), b: bias, g, batched };
}

/**
 * Checks that dZ (or another tensor of conv2d's output shape, called `name` in errors) has conv2d's
 * output shape and returns it as a contiguous 4-D tensor.
 */
export function prepareConvGradient(
  fn: string,
  dZ: Tensor,
  x: Tensor,
  W: Tensor,
  prepared: PreparedConv,
  name = 'dZ',
): Tensor {
  const { batch, outChannels: K, outHeight, outWidth } = prepared.g;
  checkTensor(fn, name, dZ, [x.dimension]);
  const expected = prepared.batched ? [batch, outHeight, outWidth, K] : [outHeight, outWidth, K];
  if (dZ.shape.some((d, i) => d !== expected[i])) {
    throw new ConvlabError(
      fn,
      `${name} has shape ${shapeString(dZ.shape)} but conv2d's output has shape ${shapeString(expected)}`,
      { input: x.shape, filter: W.shape },
    );
  }
  return contiguous(prepared.batched ? dZ : addBatchAxis(dZ));
}

/** A fast kernel's output values as conv2d's output: (m,H',W',K), or (H',W',K) when x was one image. */
export function convOutput(data: FloatArray, { g, batched }: PreparedConv): Tensor {
  const { batch, outHeight, outWidth, outChannels: K } = g;
  return batched ? ndarray(data, [batch, outHeight, outWidth, K]) : ndarray(data, [outHeight, outWidth, K]);
}

/** A fast kernel's gradients as tensors shaped like x, W and b (b's shape is (K) when there was none). */
export function convGradientTensors(
  { dX, dW, db }: { dX: FloatArray | null; dW: FloatArray; db: FloatArray },
  x: Tensor,
  W: Tensor,
  b: Tensor | null | undefined,
  { g }: PreparedConv,
): { dX: Tensor | null; dW: Tensor; db: Tensor } {
  return {
    dX: dX ? fromData(dX, x.shape) : null,
    dW: fromData(dW, W.shape),
    db: fromData(db, b ? b.shape : [g.outChannels]),
  };
}
