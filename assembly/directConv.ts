/**
 * Convolution with stride 1 read straight from the library's own channels-last layout, with no im2col
 * copy. (Its twin over padded channel planes is gemm reading B's rows through a table of window offsets:
 * gemm.ts.)
 */

import { ConvPlan } from './plan';
import { storeFirst, TILE_ROWS } from './tiles';

/**
 * Convolution with stride 1 in the library's own layout, with no im2col and no transposition: x is a
 * channels-last batch already padded (m, Hp, Wp, C), the weights are the library's (f, f, C, K) with K
 * padded to kVectors (a multiple of two vectors, zeros beyond K), the bias padded alike, and out gets
 * the channels-last (positions × K). The sizes come from the plan (plan.ts).
 * Output position q = (n, yR, yC) reads, for each window row wR, the f·C values that follow its corner
 * x[n, yR + wR, yC, 0]: one contiguous run, and the weights of that window row are the next f·C rows of
 * the weight matrix. So each position is a small matrix product along those runs, vectorised over the
 * filters (as XNNPACK does): a tile of 4 positions × 2 vectors of filters stays in registers while t
 * walks the run, one broadcast x value per position and two weight vectors shared by the four.
 * The tile takes any 4 positions (its own corner each), so tiles run across output rows and images
 * without waste; past the last position, the tile repeats its first (the same values stored twice).
 * Computes the positions [first, first + count); with the plan's `relu`, stores max(0, z).
 */
@inline
function convChannelsLast<T>(
  plan: usize,
  xp: usize,
  first: i32,
  count: i32,
  w: usize,
  bias: usize,
  out: usize,
): void {
  const p = changetype<ConvPlan>(plan);
  const Hp = p.Hp;
  const Wp = p.Wp;
  const C = p.C;
  const f = p.f;
  const outH = p.outH;
  const outW = p.outW;
  const K = p.K;
  const relu = p.relu != 0;
  const size = sizeof<T>();
  const lanes = 16 / <i32>size;
  const zero = v128.splat<T>(0);
  const run = f * C; // values per window row
  const xRow = <usize>(Wp * C) * size; // from one image row to the next
  const wRow = <usize>p.kVectors * size;
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
      if (relu) {
        // max, not pmax: a NaN stays NaN, as in relu (activations.ts)
        c00 = v128.max<T>(c00, zero);
        c01 = v128.max<T>(c01, zero);
        c10 = v128.max<T>(c10, zero);
        c11 = v128.max<T>(c11, zero);
        c20 = v128.max<T>(c20, zero);
        c21 = v128.max<T>(c21, zero);
        c30 = v128.max<T>(c30, zero);
        c31 = v128.max<T>(c31, zero);
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

export function convChannelsLastF32(
  plan: usize,
  xp: usize,
  first: i32,
  count: i32,
  w: usize,
  bias: usize,
  out: usize,
): void {
  convChannelsLast<f32>(plan, xp, first, count, w, bias, out);
}
export function convChannelsLastF64(
  plan: usize,
  xp: usize,
  first: i32,
  count: i32,
  w: usize,
  bias: usize,
  out: usize,
): void {
  convChannelsLast<f64>(plan, xp, first, count, w, bias, out);
}
