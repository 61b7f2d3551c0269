/**
 * Convolution with stride 1 read straight from padded input, with no im2col copy: convStride1 from padded
 * planes, convChannelsLast from the library's own channels-last layout.
 */

import { storeFirst, storeRow, TILE_ROWS } from './tiles';

/**
 * Convolution with stride 1 as a GEMM that reads its right-hand matrix straight from the padded planes
 * instead of from an im2col copy. In image n's planes, take output position q = yR·Wp + yC: the window
 * value (wR, wC, c) of position q sits at q + offsets[kd], offsets[kd] = (c·Hp + wR)·Wp + wC. So matrix
 * row kd is a contiguous run, and zT (K × columns) = Wᵀ (K × Kd) · windows, 4 filters × 8 positions at a
 * time, for the positions from row yRFirst on. Positions with yC ≥ outW (the last f − 1 of each plane row)
 * are computed and ignored: that waste is (f − 1)/Wp, against im2col's copying. The planes need slack at
 * the end for the last tile.
 */
@inline
function convStride1<T>(
  xp: usize,
  C: i32,
  Hp: i32,
  Wp: i32,
  n: i32,
  yRFirst: i32,
  columns: i32,
  wT: usize,
  kPadded: i32,
  Kd: i32,
  offsets: usize,
  zT: usize,
  ld: i32,
): void {
  const size = sizeof<T>();
  const tileCols = 32 / <i32>size; // two vectors
  const aRow = <usize>Kd * size;
  const cRow = <usize>ld * size;
  const base = xp + <usize>((n * C * Hp + yRFirst) * Wp) * size;
  for (let j = 0; j < columns; j += tileCols) {
    const columnBase = base + <usize>j * size;
    for (let i = 0; i < kPadded; i += TILE_ROWS) {
      const zero = v128.splat<T>(<T>0);
      // prettier-ignore
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero,
        c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      let aAt = wT + <usize>i * aRow;
      for (let p = 0; p < Kd; p++) {
        const bAt = columnBase + <usize>load<i32>(offsets + ((<usize>p) << 2)) * size;
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
      const cAt = zT + <usize>i * cRow + <usize>j * size;
      storeRow<T>(cAt, c00, c01, false);
      storeRow<T>(cAt + cRow, c10, c11, false);
      storeRow<T>(cAt + 2 * cRow, c20, c21, false);
      storeRow<T>(cAt + 3 * cRow, c30, c31, false);
    }
  }
}

/**
 * Convolution with stride 1 in the library's own layout, with no im2col and no transposition: x is a
 * channels-last batch already padded (m, Hp, Wp, C), the weights are the library's (f, f, C, K) with K
 * padded to Kp (a multiple of two vectors, zeros beyond K), and out gets the channels-last (positions × K).
 * Output position q = (n, yR, yC) reads, for each window row wR, the f·C values that follow its corner
 * x[n, yR + wR, yC, 0]: one contiguous run, and the weights of that window row are the next f·C rows of
 * the weight matrix. So each position is a small matrix product along those runs, vectorised over the
 * filters (as XNNPACK does): a tile of 4 positions × 2 vectors of filters stays in registers while t
 * walks the run, one broadcast x value per position and two weight vectors shared by the four.
 * The tile takes any 4 positions (its own corner each), so tiles run across output rows and images
 * without waste; past the last position, the tile repeats its first (the same values stored twice).
 * Computes the positions [first, first + count).
 */
@inline
function convChannelsLast<T>(
  xp: usize,
  Hp: i32,
  Wp: i32,
  C: i32,
  f: i32,
  outH: i32,
  outW: i32,
  first: i32,
  count: i32,
  w: usize,
  K: i32,
  Kp: i32,
  bias: usize,
  out: usize,
): void {
  const size = sizeof<T>();
  const lanes = 16 / <i32>size;
  const run = f * C; // values per window row
  const xRow = <usize>(Wp * C) * size; // from one image row to the next
  const wRow = <usize>Kp * size;
  const end = first + count;
  // the next position's corner, walked along without dividing: a step is C values along the row, and
  // past a row's last position (f − 1)·C more to the next row, past an image's last row (f − 1) rows more
  let yC = first % outW;
  let yR = (first / outW) % outH;
  let next = xp + <usize>((((first / outW / outH) * Hp + yR) * Wp + yC) * C) * size;
  const step = <usize>C * size;
  const rowSkip = <usize>((f - 1) * C) * size;
  const imageSkip = <usize>((f - 1) * Wp * C) * size;
  for (let q = first; q < end; q += TILE_ROWS) {
    // the tile's corners; past the last position, the tile repeats its first
    const at0 = next;
    let at1 = at0,
      at2 = at0,
      at3 = at0;
    for (let i = 1; i <= TILE_ROWS; i++) {
      next += step;
      if (++yC == outW) {
        yC = 0;
        next += rowSkip;
        if (++yR == outH) {
          yR = 0;
          next += imageSkip;
        }
      }
      const at = q + i < end ? next : at0;
      if (i == 1) at1 = at;
      else if (i == 2) at2 = at;
      else if (i == 3) at3 = at;
    }
    const d1 = at1 - at0,
      d2 = at2 - at0,
      d3 = at3 - at0;
    for (let k = 0; k < K; k += 2 * lanes) {
      const b0 = v128.load(bias + <usize>k * size);
      const b1 = v128.load(bias + <usize>k * size, 16);
      // prettier-ignore
      let c00 = b0, c01 = b1, c10 = b0, c11 = b1,
        c20 = b0, c21 = b1, c30 = b0, c31 = b1;
      let wAt = w + <usize>k * size;
      let rowAt = at0;
      for (let wR = 0; wR < f; wR++) {
        let xAt = rowAt;
        for (let t = 0; t < run; t++) {
          const w0 = v128.load(wAt);
          const w1 = v128.load(wAt, 16);
          let s = v128.load_splat<T>(xAt);
          c00 = v128.add<T>(c00, v128.mul<T>(s, w0));
          c01 = v128.add<T>(c01, v128.mul<T>(s, w1));
          s = v128.load_splat<T>(xAt + d1);
          c10 = v128.add<T>(c10, v128.mul<T>(s, w0));
          c11 = v128.add<T>(c11, v128.mul<T>(s, w1));
          s = v128.load_splat<T>(xAt + d2);
          c20 = v128.add<T>(c20, v128.mul<T>(s, w0));
          c21 = v128.add<T>(c21, v128.mul<T>(s, w1));
          s = v128.load_splat<T>(xAt + d3);
          c30 = v128.add<T>(c30, v128.mul<T>(s, w0));
          c31 = v128.add<T>(c31, v128.mul<T>(s, w1));
          xAt += size;
          wAt += wRow;
        }
        rowAt += xRow;
      }
      const kept = min(K - k, 2 * lanes);
      const outAt = out + <usize>k * size;
      storeFirst<T>(outAt + <usize>(q * K) * size, c00, c01, kept);
      storeFirst<T>(outAt + <usize>(select(q + 1, q, q + 1 < end) * K) * size, c10, c11, kept);
      storeFirst<T>(outAt + <usize>(select(q + 2, q, q + 2 < end) * K) * size, c20, c21, kept);
      storeFirst<T>(outAt + <usize>(select(q + 3, q, q + 3 < end) * K) * size, c30, c31, kept);
    }
  }
}

// Exports, once per element type

export function convStride1F32(
  xp: usize,
  C: i32,
  Hp: i32,
  Wp: i32,
  n: i32,
  yRFirst: i32,
  columns: i32,
  wT: usize,
  kPadded: i32,
  Kd: i32,
  offsets: usize,
  zT: usize,
  ld: i32,
): void {
  convStride1<f32>(xp, C, Hp, Wp, n, yRFirst, columns, wT, kPadded, Kd, offsets, zT, ld);
}
export function convStride1F64(
  xp: usize,
  C: i32,
  Hp: i32,
  Wp: i32,
  n: i32,
  yRFirst: i32,
  columns: i32,
  wT: usize,
  kPadded: i32,
  Kd: i32,
  offsets: usize,
  zT: usize,
  ld: i32,
): void {
  convStride1<f64>(xp, C, Hp, Wp, n, yRFirst, columns, wT, kPadded, Kd, offsets, zT, ld);
}

export function convChannelsLastF32(
  xp: usize,
  Hp: i32,
  Wp: i32,
  C: i32,
  f: i32,
  outH: i32,
  outW: i32,
  first: i32,
  count: i32,
  w: usize,
  K: i32,
  Kp: i32,
  bias: usize,
  out: usize,
): void {
  convChannelsLast<f32>(xp, Hp, Wp, C, f, outH, outW, first, count, w, K, Kp, bias, out);
}
export function convChannelsLastF64(
  xp: usize,
  Hp: i32,
  Wp: i32,
  C: i32,
  f: i32,
  outH: i32,
  outW: i32,
  first: i32,
  count: i32,
  w: usize,
  K: i32,
  Kp: i32,
  bias: usize,
  out: usize,
): void {
  convChannelsLast<f64>(xp, Hp, Wp, C, f, outH, outW, first, count, w, K, Kp, bias, out);
}
