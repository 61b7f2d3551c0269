/**
 * Matrix products: gemm (C = A·B) and gemmTransposedB (C += A·Bᵀ), the "GEMM" of im2col + GEMM. Their
 * sizes change from call to call within one op (a block's columns, the forward and the backward
 * products), so they take them as arguments, as BLAS does, rather than from a plan.
 */

import { addPair, rowAt, storeRow, TILE_ROWS } from './tiles';

/**
 * C (rows × cols) = A (rows × depth) · B (depth × cols), all three row-major. B's row p starts at
 * b + p·ldb, or, when `offsets` is not 0, at b + offsets[p] (int32 element offsets): then B is read
 * straight from padded planes, where window value kd of every output position sits offsets[kd] after
 * that position (conv with stride 1 and no im2col copy; see windowOffsets in conv2dFast.ts). Callers pad
 * so that rows is a multiple of 4 and cols a multiple of 8 (zeros in, ignored out): no edge cases in
 * the loops. For each 4×(2 vectors) tile of C, p runs along depth, broadcasting one A value per row and
 * reusing two vectors of B's row p for all four rows.
 */
@inline
function gemm<T>(
  rows: i32,
  cols: i32,
  depth: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  offsets: usize,
): void {
  // `table` is a constant in each of the two inlined copies, so the choice costs nothing inside the
  // loop (asking `offsets ?` at every step made matmul about 7% slower)
  if (offsets) gemmRows<T>(rows, cols, depth, a, lda, b, ldb, c, ldc, offsets, true);
  else gemmRows<T>(rows, cols, depth, a, lda, b, ldb, c, ldc, 0, false);
}

/** gemm, with B's rows found through `offsets` (table) or ldb apart (not table). */
@inline
function gemmRows<T>(
  rows: i32,
  cols: i32,
  depth: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  offsets: usize,
  table: bool,
): void {
  const size = sizeof<T>();
  const tileCols = 32 / <i32>size; // two vectors
  const aRow = <usize>lda * size;
  const bRow = <usize>ldb * size;
  const cRow = <usize>ldc * size;
  for (let j = 0; j < cols; j += tileCols) {
    const bColumns = b + <usize>j * size;
    for (let i = 0; i < rows; i += TILE_ROWS) {
      const zero = v128.splat<T>(<T>0);
      // prettier-ignore
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero,
        c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      let aAt = a + <usize>i * aRow;
      let bNext = bColumns; // B's row p when not table
      for (let p = 0; p < depth; p++) {
        const bAt = table ? bColumns + <usize>load<i32>(offsets + ((<usize>p) << 2)) * size : bNext;
        bNext += bRow;
        const b0 = v128.load(bAt);
        const b1 = v128.load(bAt, 16);
        let s = v128.load_splat<T>(aAt);
        c00 = v128.add<T>(c00, v128.mul<T>(s, b0));
        c01 = v128.add<T>(c01, v128.mul<T>(s, b1));
        s = v128.load_splat<T>(aAt + aRow);
        c10 = v128.add<T>(c10, v128.mul<T>(s, b0));
        c11 = v128.add<T>(c11, v128.mul<T>(s, b1));
        s = v128.load_splat<T>(aAt + 2 * aRow);
        c20 = v128.add<T>(c20, v128.mul<T>(s, b0));
        c21 = v128.add<T>(c21, v128.mul<T>(s, b1));
        s = v128.load_splat<T>(aAt + 3 * aRow);
        c30 = v128.add<T>(c30, v128.mul<T>(s, b0));
        c31 = v128.add<T>(c31, v128.mul<T>(s, b1));
        aAt += size;
      }
      const cAt = c + <usize>i * cRow + <usize>j * size;
      storeRow(cAt, c00, c01);
      storeRow(cAt + cRow, c10, c11);
      storeRow(cAt + 2 * cRow, c20, c21);
      storeRow(cAt + 3 * cRow, c30, c31);
    }
  }
}

/**
 * C (rows × cols) += A (rows × depth) · Bᵀ, with B stored as (cols × depth): every C value is a dot
 * product of a row of A with a row of B, both walked contiguously. Used where the sum runs over the long
 * axis (conv's dW sums over every output position). A's row r starts at a + r·lda, or, when `offsets` is
 * not 0, at a + offsets[r] (int32 element offsets: windows read straight from padded planes). Callers
 * pad: rows a multiple of 4, cols a multiple of 2, depth a multiple of 8, with zeros.
 */
@inline
function gemmTransposedB<T>(
  rows: i32,
  cols: i32,
  depth: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  offsets: usize,
): void {
  const size = sizeof<T>();
  const lanes = 16 / <i32>size;
  const bRow = <usize>ldb * size;
  const cRow = <usize>ldc * size;
  for (let i = 0; i < rows; i += TILE_ROWS) {
    const a0 = rowAt<T>(a, lda, offsets, i);
    const a1 = rowAt<T>(a, lda, offsets, i + 1);
    const a2 = rowAt<T>(a, lda, offsets, i + 2);
    const a3 = rowAt<T>(a, lda, offsets, i + 3);
    for (let j = 0; j < cols; j += 2) {
      const zero = v128.splat<T>(<T>0);
      // prettier-ignore
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero,
        c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      const b0 = b + <usize>j * bRow;
      for (let p = 0; p < depth; p += lanes) {
        const offset = <usize>p * size;
        const bv0 = v128.load(b0 + offset);
        const bv1 = v128.load(b0 + bRow + offset);
        let av = v128.load(a0 + offset);
        c00 = v128.add<T>(c00, v128.mul<T>(av, bv0));
        c01 = v128.add<T>(c01, v128.mul<T>(av, bv1));
        av = v128.load(a1 + offset);
        c10 = v128.add<T>(c10, v128.mul<T>(av, bv0));
        c11 = v128.add<T>(c11, v128.mul<T>(av, bv1));
        av = v128.load(a2 + offset);
        c20 = v128.add<T>(c20, v128.mul<T>(av, bv0));
        c21 = v128.add<T>(c21, v128.mul<T>(av, bv1));
        av = v128.load(a3 + offset);
        c30 = v128.add<T>(c30, v128.mul<T>(av, bv0));
        c31 = v128.add<T>(c31, v128.mul<T>(av, bv1));
      }
      const cAt = c + <usize>i * cRow + <usize>j * size;
      addPair<T>(cAt, c00, c01);
      addPair<T>(cAt + cRow, c10, c11);
      addPair<T>(cAt + 2 * cRow, c20, c21);
      addPair<T>(cAt + 3 * cRow, c30, c31);
    }
  }
}

// Exports, once per element type

export function gemmF32(
  rows: i32,
  cols: i32,
  depth: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  offsets: usize,
): void {
  gemm<f32>(rows, cols, depth, a, lda, b, ldb, c, ldc, offsets);
}
export function gemmF64(
  rows: i32,
  cols: i32,
  depth: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  offsets: usize,
): void {
  gemm<f64>(rows, cols, depth, a, lda, b, ldb, c, ldc, offsets);
}

export function gemmTransposedBF32(
  rows: i32,
  cols: i32,
  depth: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  offsets: usize,
): void {
  gemmTransposedB<f32>(rows, cols, depth, a, lda, b, ldb, c, ldc, offsets);
}
export function gemmTransposedBF64(
  rows: i32,
  cols: i32,
  depth: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  offsets: usize,
): void {
  gemmTransposedB<f64>(rows, cols, depth, a, lda, b, ldb, c, ldc, offsets);
}
