import {
  allocate,
  allocateUnfilled,
  checkTensor,
  dtypeOf,
  FloatArray,
  fromData,
  shapeString,
  Tensor,
} from '../tensor';
import { share } from './threads';
import { callLists, kernelsFor, roundUp, runLists, workspace } from './wasmKernels';
import { ConvlabError } from '../convlabError';

export interface MatmulOptions {
  /** Use aᵀ instead of a (a is then stored (n,m)). */
  transposeA?: boolean;
  /** Use bᵀ instead of b (b is then stored (p,n)). */
  transposeB?: boolean;
}

/**
 * The matrix product C = A·B, A (m,n), B (n,p) → C (m,p) in a's dtype, on the SIMD GEMM kernel that
 * conv2d uses. Either operand may be transposed through the options (dense's backward pass needs
 * dZ·Wᵀ and xᵀ·dZ) and may be any view. C[i,j] = Σ_t A[i,t]·B[t,j].
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const fn = 'matmul';
  checkTensor(fn, 'a', a, [2]);
  checkTensor(fn, 'b', b, [2]);
  const A = options.transposeA ? a.transpose(1, 0) : a;
  const B = options.transposeB ? b.transpose(1, 0) : b;
  const [m, n] = A.shape;
  const [bRows, p] = B.shape;
  if (bRows !== n) {
    const as = (name: string, t: Tensor, transposed: boolean | undefined) =>
      `${name}${transposed ? 'ᵀ' : ''} ${shapeString(t.shape)}`;
    throw new ConvlabError(
      fn,
      `${as('a', A, options.transposeA)} has ${n} columns but ${as('b', B, options.transposeB)} has ${bRows} rows`,
      { a: a.shape, b: b.shape },
    );
  }
  const dtype = dtypeOf(a);
  const kernels = kernelsFor(dtype);
  if (!kernels) return fromData(matmulLoops(A, B, allocate(dtype, m * p)), [m, p]);
  // pad: the kernel works on 4 rows × 8 columns at a time
  const rows = roundUp(m, 4);
  const cols = roundUp(p, 8);
  const { heap, at } = workspace(dtype, [rows * n, n * cols, rows * cols]);
  const [aAt, bAt, cAt] = at;
  const s = kernels.size;
  pack(heap, aAt / s, A, rows, n);
  pack(heap, bAt / s, B, n, cols);
  // threads take runs of C's rows, 4 at a time as the kernel does
  const lists = callLists(kernels, rows * cols * n, rows / 4);
  lists.forEach((k, t) => {
    const [quad, quads] = share(rows / 4, t, lists.length);
    const r = quad * 4;
    k.gemm(quads * 4, cols, n, aAt + r * n * s, n, bAt, cols, cAt + r * cols * s, cols, 0);
  });
  runLists(kernels, lists);
  const c = allocateUnfilled(dtype, m * p);
  for (let i = 0; i < m; i++) c.set(heap.subarray(cAt / s + i * cols, cAt / s + i * cols + p), i * p);
  return fromData(c, [m, p]);
}

/**
 * Copies matrix t (any view) into heap as a row-major (rows × cols) block, zeros beyond t's shape.
 * Rows stored contiguously (a plain matrix) go in as block copies; a matrix stored transposed (what
 * dense's backward pass hands over: Wᵀ, xᵀ) goes in by tiles, so that the columns it reads stay in
 * cache; any other view, element by element.
 */
function pack(heap: FloatArray, to: number, t: Tensor, rows: number, cols: number): void {
  const [tRows, tCols] = t.shape;
  const [s0, s1] = t.stride;
  const data = t.data;
  // the padding: the columns past tCols of each row, and the rows past tRows
  if (tCols < cols) for (let i = 0; i < tRows; i++) heap.fill(0, to + i * cols + tCols, to + (i + 1) * cols);
  heap.fill(0, to + tRows * cols, to + rows * cols);
  if (s1 === 1 || tCols === 1) {
    for (let i = 0; i < tRows; i++) {
      const from = t.offset + i * s0;
      heap.set(data.subarray(from, from + tCols), to + i * cols);
    }
    return;
  }
  const TILE = 16;
  for (let i0 = 0; i0 < tRows; i0 += TILE) {
    const iEnd = Math.min(tRows, i0 + TILE);
    for (let j0 = 0; j0 < tCols; j0 += TILE) {
      const jEnd = Math.min(tCols, j0 + TILE);
      for (let i = i0; i < iEnd; i++) {
        let from = t.offset + i * s0 + j0 * s1;
        const row = to + i * cols;
        for (let j = j0; j < jEnd; j++, from += s1) heap[row + j] = data[from];
      }
    }
  }
}

/** The plain triple loop, used only when the kernels are not built. */
function matmulLoops(A: Tensor, B: Tensor, c: FloatArray): FloatArray {
  const [m, n] = A.shape;
  const p = B.shape[1];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let t = 0; t < n; t++) sum += A.get(i, t) * B.get(t, j);
      c[i * p + j] = sum;
    }
  }
  return c;
}
