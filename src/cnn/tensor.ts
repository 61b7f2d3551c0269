import ndarray, { NdArray } from 'ndarray';
import { ConvlabError, shapeString } from './convlabError';
import { ops } from './ops';
import { activeStepBuffers } from './stepBuffers';

/** The two element types convlab computes in: float32 by default, float64 for gradient checks. */
export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;
/** A scijs ndarray view over a Float32Array or Float64Array (row-major, channels-last). */
export type Tensor = NdArray<FloatArray>;
/** Numbers nested to any depth: `[[1, 2], [3, 4]]`. */
export type Nested = number | Nested[];

/** Allocates a zero-filled typed array of the given dtype (inside `fit`, last step's, zeroed: stepBuffers.ts). */
export function allocate(dtype: DType, length: number): FloatArray {
  const make = () => (dtype === 'float64' ? new Float64Array(length) : new Float32Array(length));
  const step = activeStepBuffers();
  return step ? step.take(dtype, length, make).fill(0) : make();
}

/**
 * Like `allocate`, for a result whose every element the caller then writes. In Node the array sits on
 * Buffer.allocUnsafeSlow's memory, which is not zeroed first: zeroing megabytes of fresh pages made
 * returning a conv's 1.6 MB output about 6× slower than the copy itself, and relu on LeNet's first
 * layer about 3× slower than its loop. Elsewhere (no Buffer), the same as `allocate`.
 */
export function allocateUnfilled(dtype: DType, length: number): FloatArray {
  const make = (): FloatArray => {
    if (typeof Buffer === 'undefined')
      return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
    const bytes = Buffer.allocUnsafeSlow(length * (dtype === 'float64' ? 8 : 4));
    return dtype === 'float64'
      ? new Float64Array(bytes.buffer, bytes.byteOffset, length)
      : new Float32Array(bytes.buffer, bytes.byteOffset, length);
  };
  const step = activeStepBuffers();
  return step ? step.take(dtype, length, make) : make();
}

/** The dtype of a tensor's storage. */
export function dtypeOf(a: Tensor): DType {
  return a.data instanceof Float64Array ? 'float64' : 'float32';
}

/** Product of a shape's dimensions. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

export { shapeString };

function checkDType(fn: string, dtype: unknown): DType {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ConvlabError(fn, `dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
  return dtype;
}

function checkShape(fn: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ConvlabError(fn, `shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
}

/** A new zero tensor of the given shape (float32 unless asked). */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  checkShape('zeros', shape);
  checkDType('zeros', dtype);
  return ndarray(allocate(dtype, sizeOf(shape)), shape.slice());
}

/** A tensor filled with one value. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  const t = zeros(shape, dtype);
  t.data.fill(value);
  return t;
}

/** A contiguous tensor over existing data, checked for length. */
export function fromData(data: FloatArray, shape: readonly number[]): Tensor {
  checkShape('fromData', shape);
  if (data.length !== sizeOf(shape)) {
    throw new ConvlabError(
      'fromData',
      `${data.length} values do not fill shape ${shapeString(shape)} (${sizeOf(shape)} values)`,
    );
  }
  return ndarray(data, shape.slice());
}

/**
 * Builds a tensor from nested arrays, e.g. `tensor([[1, 0, -1], [1, 0, -1], [1, 0, -1]])`.
 * Throws on ragged arrays and on anything that is not a finite number.
 */
export function tensor(values: Nested, dtype: DType = 'float32'): Tensor {
  checkDType('tensor', dtype);
  const shape: number[] = [];
  for (let level: Nested = values; Array.isArray(level); level = level[0]) {
    if (level.length === 0) {
      throw new ConvlabError(
        'tensor',
        `empty array at depth ${shape.length} (shape so far ${shapeString(shape)})`,
      );
    }
    shape.push(level.length);
  }
  const data = allocate(dtype, sizeOf(shape));
  let i = 0;
  const walk = (node: Nested, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number' || Number.isNaN(node)) {
        throw new ConvlabError(
          'tensor',
          `element at [${path.join(',')}] is ${JSON.stringify(node)}, not a number`,
        );
      }
      data[i++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      const got = Array.isArray(node) ? `length ${node.length}` : `a number`;
      throw new ConvlabError(
        'tensor',
        `ragged nested array: at [${path.join(',')}] expected length ${shape[depth]} (shape ${shapeString(shape)}) but found ${got}`,
      );
    }
    node.forEach((child, j) => walk(child, depth + 1, [...path, j]));
  };
  walk(values, 0, []);
  return ndarray(data, shape);
}

/** The tensor as nested arrays of plain numbers (any view, any layout). */
export function toNested(a: Tensor): Nested {
  if (!a || !a.shape || !a.data) throw new ConvlabError('toNested', `expected an ndarray, got ${typeof a}`);
  if (a.dimension === 0) return a.data[a.offset];
  const build = (depth: number, offset: number): Nested => {
    const out: Nested[] = [];
    for (let i = 0; i < a.shape[depth]; i++) {
      const at = offset + i * a.stride[depth];
      out.push(depth === a.dimension - 1 ? a.data[at] : build(depth + 1, at));
    }
    return out;
  };
  return build(0, a.offset);
}

/**
 * Copies every value of `src` into `dest` (same shape; any views, any dtypes) and returns `dest`.
 * `ops.assign` walks both views with their own strides, so windows, steps and transposes all work.
 */
export function assign(dest: Tensor, src: Tensor): Tensor {
  if (dest.dimension !== src.dimension || dest.shape.some((d, i) => d !== src.shape[i])) {
    throw new ConvlabError('assign', 'shapes differ', { dest: dest.shape, src: src.shape });
  }
  return ops.assign(dest, src);
}

/** A contiguous row-major copy (of any view), optionally in another dtype. */
export function copy(a: Tensor, dtype: DType = dtypeOf(a)): Tensor {
  return assign(zeros(a.shape, dtype), a);
}

/** True when the view walks its data in plain row-major order from offset 0 to the end. */
export function isContiguous(a: Tensor): boolean {
  let expected = 1;
  for (let d = a.dimension - 1; d >= 0; d--) {
    if (a.shape[d] !== 1 && a.stride[d] !== expected) return false;
    expected *= a.shape[d];
  }
  return a.offset === 0 && a.data.length === expected;
}

/** The same data, as a contiguous tensor (no copy when it already is one). */
export function contiguous(a: Tensor): Tensor {
  return isContiguous(a) ? a : copy(a);
}

/** A new shape over the same values (copies only when the view is not contiguous). */
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  checkShape('reshape', shape);
  if (sizeOf(shape) !== a.size) {
    throw new ConvlabError(
      'reshape',
      `cannot reshape ${shapeString(a.shape)} (${a.size} values) to ${shapeString(shape)}`,
    );
  }
  return ndarray(contiguous(a).data, shape.slice());
}

/** Checks that `a` looks like a float ndarray; names the calling function and argument otherwise. */
export function checkTensor(fn: string, name: string, a: unknown, dims?: readonly number[]): Tensor {
  const t = a as Tensor;
  if (!t || typeof t !== 'object' || !Array.isArray(t.shape) || !t.data) {
    throw new ConvlabError(
      fn,
      `${name} must be an ndarray (use tensor([...])), got ${a === null ? 'null' : typeof a}`,
    );
  }
  if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) {
    throw new ConvlabError(
      fn,
      `${name} must hold a Float32Array or Float64Array, got ${(t.data as object).constructor?.name}`,
    );
  }
  if (dims && !dims.includes(t.dimension)) {
    throw new ConvlabError(fn, `${name} must have ${dims.join(' or ')} dimensions, got ${t.dimension}`, {
      [name]: t.shape,
    });
  }
  return t;
}

/** A leading axis of length 1: (H,W,C) → (1,H,W,C), as a view. */
export function addBatchAxis(a: Tensor): Tensor {
  return ndarray(a.data, [1, ...a.shape], [a.size, ...a.stride], a.offset);
}
