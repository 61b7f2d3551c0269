/**
 * convlab's fast kernels: AssemblyScript compiled to WebAssembly with 128-bit SIMD by `npm run build:wasm`
 * (dist/cnn/fast/kernels.wasm). The readable versions of the same maths are src/cnn/reference/*.ts.
 *
 * Convolution with stride 1 runs in the library's channels-last layout (convChannelsLast). Otherwise, and
 * for the gradients, it is "im2col + GEMM": copy every f×f×C window into a column of a matrix (im2col),
 * then one matrix product does all the multiply-adds. The TypeScript side (src/cnn/fast/) lays the
 * matrices out in this module's memory, a block of output rows at a time, and calls these kernels.
 *
 * Each kernel is written once for an element type T (f32 or f64) and exported twice (…F32, …F64).
 * Pointers are byte addresses into this module's memory; sizes, strides and leading dimensions (ld…,
 * the distance between two rows of a row-major matrix) count elements. Nothing here allocates.
 */

/** Four rows × two vectors of C: what stays in registers while the GEMM walks along depth. */
const TILE_ROWS = 4;

// ---------------------------------------------------------------------------------------------------
// Matrix products

/**
 * C (rows × cols) = A (rows × depth) · B (depth × cols), or C += A·B when `accumulate`.
 * All three are row-major. Callers pad so that rows is a multiple of 4 and cols a multiple of 8 (zeros
 * in, ignored out): no edge cases in the loops. For each 4×(2 vectors) tile of C, p runs along depth,
 * broadcasting one A value per row and reusing two vectors of B's row p for all four rows.
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
  accumulate: bool,
): void {
  const size = sizeof<T>();
  const tileCols = 32 / <i32>size; // two vectors
  const aRow = <usize>lda * size;
  const bRow = <usize>ldb * size;
  const cRow = <usize>ldc * size;
  for (let j = 0; j < cols; j += tileCols) {
    for (let i = 0; i < rows; i += TILE_ROWS) {
      const zero = v128.splat<T>(<T>0);
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
      let c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      let aAt = a + <usize>i * aRow;
      let bAt = b + <usize>j * size;
      for (let p = 0; p < depth; p++) {
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
        bAt += bRow;
      }
      const cAt = c + <usize>i * cRow + <usize>j * size;
      storeRow<T>(cAt, c00, c01, accumulate);
      storeRow<T>(cAt + cRow, c10, c11, accumulate);
      storeRow<T>(cAt + 2 * cRow, c20, c21, accumulate);
      storeRow<T>(cAt + 3 * cRow, c30, c31, accumulate);
    }
  }
}

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
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
      let c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      let aAt = wT + <usize>i * aRow;
      for (let p = 0; p < Kd; p++) {
        const bAt = columnBase + <usize>load<i32>(offsets + (<usize>p << 2)) * size;
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
    let at1 = at0, at2 = at0, at3 = at0;
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
    const d1 = at1 - at0, d2 = at2 - at0, d3 = at3 - at0;
    for (let k = 0; k < K; k += 2 * lanes) {
      const b0 = v128.load(bias + <usize>k * size);
      const b1 = v128.load(bias + <usize>k * size, 16);
      let c00 = b0, c01 = b1, c10 = b0, c11 = b1;
      let c20 = b0, c21 = b1, c30 = b0, c31 = b1;
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

/** Stores the first `count` lanes of the pair (v0, v1); past count, the memory keeps its values. */
@inline
function storeFirst<T>(at: usize, v0: v128, v1: v128, count: i32): void {
  const lanes = 16 / <i32>sizeof<T>();
  if (count == 2 * lanes) {
    v128.store(at, v0);
    v128.store(at, v1, 16);
    return;
  }
  // a partial pair: only on the last filters when K is not a multiple of two vectors
  storeLanes<T>(at, v0, min(count, lanes));
  if (count > lanes) storeLanes<T>(at + 16, v1, count - lanes);
}

@inline
function storeLanes<T>(at: usize, v: v128, count: i32): void {
  if (count == 16 / <i32>sizeof<T>()) {
    v128.store(at, v);
  } else if (sizeof<T>() == 4) {
    if (count >= 2) v128.store64_lane(at, v, 0);
    if (count == 1) v128.store32_lane(at, v, 0);
    if (count == 3) v128.store32_lane(at, v, 2, 8);
  } else {
    v128.store64_lane(at, v, 0); // f64: count is 1
  }
}

/**
 * Copies a channels-last batch x (m,H,W,C) into xp (m,H+2p,W+2p,C), zeros around: the input of
 * convChannelsLast, whose windows then never leave the array.
 */
@inline
function toPaddedChannelsLast<T>(x: usize, batch: i32, H: i32, W: i32, C: i32, pad: i32, xp: usize): void {
  const size = sizeof<T>();
  const Hp = H + 2 * pad;
  const Wp = W + 2 * pad;
  memory.fill(xp, 0, <usize>(batch * Hp * Wp * C) * size);
  const rowBytes = <usize>(W * C) * size;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < H; h++) {
      const to = xp + <usize>(((n * Hp + h + pad) * Wp + pad) * C) * size;
      memory.copy(to, x + <usize>((n * H + h) * W * C) * size, rowBytes);
    }
  }
}

@inline
function storeRow<T>(at: usize, v0: v128, v1: v128, accumulate: bool): void {
  if (accumulate) {
    v0 = v128.add<T>(v0, v128.load(at));
    v1 = v128.add<T>(v1, v128.load(at, 16));
  }
  v128.store(at, v0);
  v128.store(at, v1, 16);
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
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
      let c20 = zero, c21 = zero, c30 = zero, c31 = zero;
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

/** Where row r of a matrix starts: a + r·ld, or a + offsets[r] when a table of offsets is given. */
@inline
function rowAt<T>(a: usize, ld: i32, offsets: usize, r: i32): usize {
  const offset = offsets ? load<i32>(offsets + (<usize>r << 2)) : r * ld;
  return a + <usize>offset * sizeof<T>();
}

/** C[at] += Σ lanes of v0, C[at + 1] += Σ lanes of v1. */
@inline
function addPair<T>(at: usize, v0: v128, v1: v128): void {
  store<T>(at, load<T>(at) + sumLanes<T>(v0));
  store<T>(at, load<T>(at, sizeof<T>()) + sumLanes<T>(v1), sizeof<T>());
}

@inline
function sumLanes<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return <T>(
      v128.extract_lane<f32>(v, 0) +
      v128.extract_lane<f32>(v, 1) +
      v128.extract_lane<f32>(v, 2) +
      v128.extract_lane<f32>(v, 3)
    );
  }
  return <T>(v128.extract_lane<f64>(v, 0) + v128.extract_lane<f64>(v, 1));
}

// ---------------------------------------------------------------------------------------------------
// Windows to columns and back

/**
 * Copies a channels-last batch x (m,H,W,C) into planes xp (m,C,H+2p,W+2p) with a zero border of p pixels.
 * In planes, a window row of one channel is a contiguous run: im2col becomes plain copies, and the
 * zero padding needs no bounds checks.
 */
@inline
function toPaddedPlanes<T>(x: usize, batch: i32, H: i32, W: i32, C: i32, pad: i32, xp: usize): void {
  const size = sizeof<T>();
  const Hp = H + 2 * pad;
  const Wp = W + 2 * pad;
  memory.fill(xp, 0, <usize>(batch * C * Hp * Wp) * size);
  if (C == 1) {
    // one channel: the planes are the images, each row copied whole into its padded place
    for (let row = 0; row < batch * H; row++) {
      const n = row / H;
      const to = xp + <usize>((n * Hp + row - n * H + pad) * Wp + pad) * size;
      memory.copy(to, x + <usize>(row * W) * size, <usize>W * size);
    }
    return;
  }
  let from = x;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        let to = xp + <usize>(((n * C) * Hp + h + pad) * Wp + w + pad) * size;
        for (let c = 0; c < C; c++) {
          store<T>(to, load<T>(from));
          from += size;
          to += <usize>(Hp * Wp) * size;
        }
      }
    }
  }
}

/** The way back for gradients: dX (m,H,W,C) = the inside of the planes dXp (m,C,H+2p,W+2p). */
@inline
function fromPaddedPlanes<T>(dXp: usize, batch: i32, H: i32, W: i32, C: i32, pad: i32, dX: usize): void {
  const size = sizeof<T>();
  const Hp = H + 2 * pad;
  const Wp = W + 2 * pad;
  let to = dX;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        let from = dXp + <usize>(((n * C) * Hp + h + pad) * Wp + w + pad) * size;
        for (let c = 0; c < C; c++) {
          store<T>(to, load<T>(from));
          to += size;
          from += <usize>(Hp * Wp) * size;
        }
      }
    }
  }
}

/**
 * im2col for a block of output rows, from padded planes xp (m,C,Hp,Wp). Output row r = n·outH + yR for r
 * in [firstRow, firstRow + rowCount). Writes the matrix `cols` (f·f·C × ld): row kd = (wR·f + wC)·C + c,
 * column (r − firstRow)·outW + yC, holding xp[n, c, yR·s + wR, yC·s + wC]. Columns past the block (up to
 * ld) are zeroed, so that a product over them adds nothing.
 */
@inline
function im2col<T>(
  xp: usize,
  C: i32,
  Hp: i32,
  Wp: i32,
  f: i32,
  stride: i32,
  outH: i32,
  outW: i32,
  firstRow: i32,
  rowCount: i32,
  cols: usize,
  ld: i32,
): void {
  const size = sizeof<T>();
  const used = rowCount * outW;
  for (let wR = 0; wR < f; wR++) {
    for (let wC = 0; wC < f; wC++) {
      for (let c = 0; c < C; c++) {
        const kd = (wR * f + wC) * C + c;
        const rowAt = cols + <usize>kd * ld * size;
        let n = firstRow / outH;
        let yR = firstRow - n * outH;
        for (let r = 0; r < rowCount; r++) {
          const from = xp + <usize>(((n * C + c) * Hp + yR * stride + wR) * Wp + wC) * size;
          copyRun<T>(rowAt + <usize>(r * outW) * size, from, outW, stride);
          if (++yR == outH) {
            yR = 0;
            n++;
          }
        }
        zeroRun<T>(rowAt + <usize>used * size, ld - used);
      }
    }
  }
}

/**
 * col2im, im2col's adjoint: adds every column entry back onto the plane cell it was copied from,
 * dXp[n, c, yR·s + wR, yC·s + wC] += dCols[kd, column]. The padding border collects values that
 * fromPaddedPlanes then drops.
 */
@inline
function col2im<T>(
  dCols: usize,
  ld: i32,
  C: i32,
  Hp: i32,
  Wp: i32,
  f: i32,
  stride: i32,
  outH: i32,
  outW: i32,
  firstRow: i32,
  rowCount: i32,
  dXp: usize,
): void {
  const size = sizeof<T>();
  for (let wR = 0; wR < f; wR++) {
    for (let wC = 0; wC < f; wC++) {
      for (let c = 0; c < C; c++) {
        const kd = (wR * f + wC) * C + c;
        const rowAt = dCols + <usize>kd * ld * size;
        let n = firstRow / outH;
        let yR = firstRow - n * outH;
        for (let r = 0; r < rowCount; r++) {
          const to = dXp + <usize>(((n * C + c) * Hp + yR * stride + wR) * Wp + wC) * size;
          addRun<T>(to, rowAt + <usize>(r * outW) * size, outW, stride);
          if (++yR == outH) {
            yR = 0;
            n++;
          }
        }
      }
    }
  }
}

/**
 * to[i] = from[i·step] for i < count. With step 1, a vector at a time; the last vector may overlap the
 * one before (it copies the same values again), so a run of 10 is 3 vector copies and no scalar tail.
 */
@inline
function copyRun<T>(to: usize, from: usize, count: i32, step: i32): void {
  const size = sizeof<T>();
  const lanes = 16 / <i32>size;
  if (step == 1 && count >= lanes) {
    for (let i = 0; i < count; i += lanes) {
      const at = <usize>min(i, count - lanes) * size;
      v128.store(to + at, v128.load(from + at));
    }
    return;
  }
  for (let i = 0; i < count; i++) store<T>(to + <usize>i * size, load<T>(from + <usize>(i * step) * size));
}

/** to[i·step] += from[i] for i < count; with step 1 a vector at a time. */
@inline
function addRun<T>(to: usize, from: usize, count: i32, step: i32): void {
  const size = sizeof<T>();
  let i = 0;
  if (step == 1) {
    const lanes = 16 / <i32>size;
    for (; i + lanes <= count; i += lanes) {
      const at = to + <usize>i * size;
      v128.store(at, v128.add<T>(v128.load(at), v128.load(from + <usize>i * size)));
    }
  }
  for (; i < count; i++) {
    const at = to + <usize>(i * step) * size;
    store<T>(at, load<T>(at) + load<T>(from + <usize>i * size));
  }
}

/** Zeros `count` values from `at` (a loop: the stretches are short, where memory.fill's call would cost more). */
@inline
function zeroRun<T>(at: usize, count: i32): void {
  for (let i = 0; i < count; i++) store<T>(at + <usize>i * sizeof<T>(), <T>0);
}

// ---------------------------------------------------------------------------------------------------
// Channels-last ↔ channel rows

/**
 * The GEMM leaves conv's output as channel rows zT (K × ld); the library's layout is channels-last.
 * For the block's `count` positions: out[(first + q)·K + k] = zT[k, column(q)] + bias[k], where position q
 * is (row q / rowLength, yC q % rowLength) and its column is row·pitch + yC (pitch = rowLength when the
 * block's columns are contiguous).
 */
@inline
function storeChannelsLast<T>(
  zT: usize,
  ld: i32,
  K: i32,
  count: i32,
  rowLength: i32,
  pitch: i32,
  bias: usize,
  out: usize,
  first: i32,
): void {
  const size = sizeof<T>();
  let to = out + <usize>first * K * size;
  for (let row = 0, q = 0; q < count; row++) {
    const end = min(count, q + rowLength);
    for (let column = row * pitch; q < end; q++, column++) {
      for (let k = 0; k < K; k++) {
        store<T>(to, load<T>(zT + (<usize>k * ld + column) * size) + load<T>(bias + <usize>k * size));
        to += size;
      }
    }
  }
}

/**
 * The other way for dZ: for the block's `count` positions, dZT[k, column(q)] = dZ[(first + q)·K + k], with
 * column(q) as in storeChannelsLast (row·pitch + yC); every other entry of dZT (kPadded × ld) is zero.
 * Adds each value to db[k] on the way (db = Σ dZ).
 */
@inline
function loadChannelRows<T>(
  dZ: usize,
  K: i32,
  count: i32,
  rowLength: i32,
  pitch: i32,
  first: i32,
  dZT: usize,
  ld: i32,
  kPadded: i32,
  db: usize,
): void {
  const size = sizeof<T>();
  memory.fill(dZT, 0, <usize>(kPadded * ld) * size);
  let from = dZ + <usize>first * K * size;
  for (let row = 0, q = 0; q < count; row++) {
    const end = min(count, q + rowLength);
    for (let column = row * pitch; q < end; q++, column++) {
      for (let k = 0; k < K; k++) {
        const v = load<T>(from);
        store<T>(dZT + (<usize>k * ld + column) * size, v);
        store<T>(db + <usize>k * size, load<T>(db + <usize>k * size) + v);
        from += size;
      }
    }
  }
}

/**
 * The direct path's col2im: window row kd of dCols goes back onto the planes it was read from,
 * dXp[base + offsets[kd] + q] += dCols[kd, q] for q < columns (columns past the output rows hold zeros).
 */
@inline
function addWindowRows<T>(dCols: usize, ld: i32, Kd: i32, columns: i32, offsets: usize, base: usize): void {
  const size = sizeof<T>();
  for (let kd = 0; kd < Kd; kd++) {
    const to = base + <usize>load<i32>(offsets + (<usize>kd << 2)) * size;
    addRun<T>(to, dCols + <usize>(kd * ld) * size, columns, 1);
  }
}

// ---------------------------------------------------------------------------------------------------
// Pooling

/**
 * Max or average pooling of a channels-last batch x (m,H,W,C) into out (m,outH,outW,C), f×f windows
 * `stride` apart, a vector of channels at a time. Max starts from −∞ and takes a value only when it is
 * greater (pmax), so NaN never wins: the reference's `if (v > best) best = v`, without its branch.
 */
@inline
function pool<T>(
  x: usize,
  batch: i32,
  H: i32,
  W: i32,
  C: i32,
  f: i32,
  stride: i32,
  outH: i32,
  outW: i32,
  average: bool,
  out: usize,
): void {
  const size = sizeof<T>();
  const lanes = 16 / <i32>size;
  const cells = <T>(f * f);
  let to = out;
  for (let n = 0; n < batch; n++) {
    for (let yR = 0; yR < outH; yR++) {
      for (let yC = 0; yC < outW; yC++) {
        const corner = x + <usize>(((n * H + yR * stride) * W + yC * stride) * C) * size;
        // vectors of channels; a last, partial vector overlaps the one before (C ≥ lanes), the rest is scalar
        let c = 0;
        for (let next = 0; C >= lanes && next < C; next += lanes) {
          c = min(next, C - lanes);
          let acc = average ? v128.splat<T>(<T>0) : v128.splat<T>(<T>-Infinity);
          for (let wR = 0; wR < f; wR++) {
            let at = corner + <usize>((wR * W * C) + c) * size;
            for (let wC = 0; wC < f; wC++) {
              const v = v128.load(at);
              acc = average ? v128.add<T>(acc, v) : v128.pmax<T>(acc, v);
              at += <usize>C * size;
            }
          }
          if (average) acc = v128.div<T>(acc, v128.splat<T>(cells));
          v128.store(to + <usize>c * size, acc);
          c += lanes;
        }
        for (; c < C; c++) {
          let acc: T = average ? <T>0 : <T>-Infinity;
          for (let wR = 0; wR < f; wR++) {
            let at = corner + <usize>((wR * W * C) + c) * size;
            for (let wC = 0; wC < f; wC++) {
              const v = load<T>(at);
              acc = average ? acc + v : select<T>(v, acc, v > acc);
              at += <usize>C * size;
            }
          }
          store<T>(to + <usize>c * size, average ? acc / cells : acc);
        }
        to += <usize>C * size;
      }
    }
  }
}

/**
 * Gradient of pool into dX (zeroed by the caller): max sends each dA value to the first maximum of its
 * window (row by row), average spreads it evenly over the f·f cells; overlapping windows add up.
 * For max, a vector of channels finds its winning cells together (each as its offset (wR·W + wC)·C from
 * the window's corner, held in lanes of T, exact below 2²⁴, and parked in `scratch`, 16 bytes), then each
 * lane adds its gradient to its own cell.
 */
@inline
function poolBackward<T>(
  dA: usize,
  x: usize,
  batch: i32,
  H: i32,
  W: i32,
  C: i32,
  f: i32,
  stride: i32,
  outH: i32,
  outW: i32,
  average: bool,
  dX: usize,
  scratch: usize,
): void {
  const size = sizeof<T>();
  const lanes = 16 / <i32>size;
  const share = <T>1 / <T>(f * f);
  // the vector path holds cell offsets in lanes of T: f32 counts exactly only below 2²⁴
  const vectors = !average && (sizeof<T>() == 8 || <i64>f * W * C < 1 << 24);
  let from = dA;
  for (let n = 0; n < batch; n++) {
    for (let yR = 0; yR < outH; yR++) {
      for (let yC = 0; yC < outW; yC++) {
        const corner = <usize>(((n * H + yR * stride) * W + yC * stride) * C) * size;
        const grads = from;
        from += <usize>C * size;
        let c = 0;
        if (vectors) {
          // as in pool: a last, partial vector overlaps the one before; its lanes below `fresh` were done
          for (let next = 0; C >= lanes && next < C; next += lanes) {
            c = min(next, C - lanes);
            const fresh = next - c;
            let best = v128.splat<T>(<T>-Infinity);
            let bestCell = v128.splat<T>(<T>0); // the first cell wins ties and an all −∞ window
            for (let wR = 0; wR < f; wR++) {
              let at = x + corner + <usize>(wR * W * C + c) * size;
              for (let wC = 0; wC < f; wC++) {
                const v = v128.load(at);
                const better = v128.gt<T>(v, best);
                best = v128.bitselect(v, best, better);
                bestCell = v128.bitselect(v128.splat<T>(<T>((wR * W + wC) * C)), bestCell, better);
                at += <usize>C * size;
              }
            }
            v128.store(scratch, bestCell);
            for (let lane = fresh; lane < lanes; lane++) {
              const cell = <i32>load<T>(scratch + <usize>lane * size);
              const to = dX + corner + <usize>(cell + c + lane) * size;
              store<T>(to, load<T>(to) + load<T>(grads + <usize>(c + lane) * size));
            }
            c += lanes;
          }
        }
        for (; c < C; c++) {
          const grad = load<T>(grads + <usize>c * size);
          if (average) {
            for (let wR = 0; wR < f; wR++) {
              let at = dX + corner + <usize>(wR * W * C + c) * size;
              for (let wC = 0; wC < f; wC++) {
                store<T>(at, load<T>(at) + grad * share);
                at += <usize>C * size;
              }
            }
            continue;
          }
          let best: T = <T>-Infinity;
          let bestAt: usize = corner + <usize>c * size;
          for (let wR = 0; wR < f; wR++) {
            let at = corner + <usize>(wR * W * C + c) * size;
            for (let wC = 0; wC < f; wC++) {
              const v = load<T>(x + at);
              const better = v > best;
              best = select<T>(v, best, better);
              bestAt = select<usize>(at, bestAt, better);
              at += <usize>C * size;
            }
          }
          store<T>(dX + bestAt, load<T>(dX + bestAt) + grad);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Exports, once per element type

export function gemmF32(rows: i32, cols: i32, depth: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  gemm<f32>(rows, cols, depth, a, lda, b, ldb, c, ldc, accumulate);
}
export function gemmF64(rows: i32, cols: i32, depth: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  gemm<f64>(rows, cols, depth, a, lda, b, ldb, c, ldc, accumulate);
}
export function gemmTransposedBF32(rows: i32, cols: i32, depth: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, offsets: usize): void {
  gemmTransposedB<f32>(rows, cols, depth, a, lda, b, ldb, c, ldc, offsets);
}
export function gemmTransposedBF64(rows: i32, cols: i32, depth: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, offsets: usize): void {
  gemmTransposedB<f64>(rows, cols, depth, a, lda, b, ldb, c, ldc, offsets);
}
export function addWindowRowsF32(dCols: usize, ld: i32, Kd: i32, columns: i32, offsets: usize, base: usize): void {
  addWindowRows<f32>(dCols, ld, Kd, columns, offsets, base);
}
export function addWindowRowsF64(dCols: usize, ld: i32, Kd: i32, columns: i32, offsets: usize, base: usize): void {
  addWindowRows<f64>(dCols, ld, Kd, columns, offsets, base);
}
export function toPaddedPlanesF32(x: usize, batch: i32, H: i32, W: i32, C: i32, pad: i32, xp: usize): void {
  toPaddedPlanes<f32>(x, batch, H, W, C, pad, xp);
}
export function toPaddedPlanesF64(x: usize, batch: i32, H: i32, W: i32, C: i32, pad: i32, xp: usize): void {
  toPaddedPlanes<f64>(x, batch, H, W, C, pad, xp);
}
export function fromPaddedPlanesF32(dXp: usize, batch: i32, H: i32, W: i32, C: i32, pad: i32, dX: usize): void {
  fromPaddedPlanes<f32>(dXp, batch, H, W, C, pad, dX);
}
export function fromPaddedPlanesF64(dXp: usize, batch: i32, H: i32, W: i32, C: i32, pad: i32, dX: usize): void {
  fromPaddedPlanes<f64>(dXp, batch, H, W, C, pad, dX);
}
export function im2colF32(xp: usize, C: i32, Hp: i32, Wp: i32, f: i32, stride: i32, outH: i32, outW: i32, firstRow: i32, rowCount: i32, cols: usize, ld: i32): void {
  im2col<f32>(xp, C, Hp, Wp, f, stride, outH, outW, firstRow, rowCount, cols, ld);
}
export function im2colF64(xp: usize, C: i32, Hp: i32, Wp: i32, f: i32, stride: i32, outH: i32, outW: i32, firstRow: i32, rowCount: i32, cols: usize, ld: i32): void {
  im2col<f64>(xp, C, Hp, Wp, f, stride, outH, outW, firstRow, rowCount, cols, ld);
}
export function col2imF32(dCols: usize, ld: i32, C: i32, Hp: i32, Wp: i32, f: i32, stride: i32, outH: i32, outW: i32, firstRow: i32, rowCount: i32, dXp: usize): void {
  col2im<f32>(dCols, ld, C, Hp, Wp, f, stride, outH, outW, firstRow, rowCount, dXp);
}
export function col2imF64(dCols: usize, ld: i32, C: i32, Hp: i32, Wp: i32, f: i32, stride: i32, outH: i32, outW: i32, firstRow: i32, rowCount: i32, dXp: usize): void {
  col2im<f64>(dCols, ld, C, Hp, Wp, f, stride, outH, outW, firstRow, rowCount, dXp);
}
export function storeChannelsLastF32(zT: usize, ld: i32, K: i32, count: i32, rowLength: i32, pitch: i32, bias: usize, out: usize, first: i32): void {
  storeChannelsLast<f32>(zT, ld, K, count, rowLength, pitch, bias, out, first);
}
export function storeChannelsLastF64(zT: usize, ld: i32, K: i32, count: i32, rowLength: i32, pitch: i32, bias: usize, out: usize, first: i32): void {
  storeChannelsLast<f64>(zT, ld, K, count, rowLength, pitch, bias, out, first);
}
export function loadChannelRowsF32(dZ: usize, K: i32, count: i32, rowLength: i32, pitch: i32, first: i32, dZT: usize, ld: i32, kPadded: i32, db: usize): void {
  loadChannelRows<f32>(dZ, K, count, rowLength, pitch, first, dZT, ld, kPadded, db);
}
export function loadChannelRowsF64(dZ: usize, K: i32, count: i32, rowLength: i32, pitch: i32, first: i32, dZT: usize, ld: i32, kPadded: i32, db: usize): void {
  loadChannelRows<f64>(dZ, K, count, rowLength, pitch, first, dZT, ld, kPadded, db);
}
export function poolF32(x: usize, batch: i32, H: i32, W: i32, C: i32, f: i32, stride: i32, outH: i32, outW: i32, average: bool, out: usize): void {
  pool<f32>(x, batch, H, W, C, f, stride, outH, outW, average, out);
}
export function poolF64(x: usize, batch: i32, H: i32, W: i32, C: i32, f: i32, stride: i32, outH: i32, outW: i32, average: bool, out: usize): void {
  pool<f64>(x, batch, H, W, C, f, stride, outH, outW, average, out);
}
export function poolBackwardF32(dA: usize, x: usize, batch: i32, H: i32, W: i32, C: i32, f: i32, stride: i32, outH: i32, outW: i32, average: bool, dX: usize, scratch: usize): void {
  poolBackward<f32>(dA, x, batch, H, W, C, f, stride, outH, outW, average, dX, scratch);
}
export function poolBackwardF64(dA: usize, x: usize, batch: i32, H: i32, W: i32, C: i32, f: i32, stride: i32, outH: i32, outW: i32, average: bool, dX: usize, scratch: usize): void {
  poolBackward<f64>(dA, x, batch, H, W, C, f, stride, outH, outW, average, dX, scratch);
}

export function convChannelsLastF32(xp: usize, Hp: i32, Wp: i32, C: i32, f: i32, outH: i32, outW: i32, first: i32, count: i32, w: usize, K: i32, Kp: i32, bias: usize, out: usize): void {
  convChannelsLast<f32>(xp, Hp, Wp, C, f, outH, outW, first, count, w, K, Kp, bias, out);
}
export function convChannelsLastF64(xp: usize, Hp: i32, Wp: i32, C: i32, f: i32, outH: i32, outW: i32, first: i32, count: i32, w: usize, K: i32, Kp: i32, bias: usize, out: usize): void {
  convChannelsLast<f64>(xp, Hp, Wp, C, f, outH, outW, first, count, w, K, Kp, bias, out);
}
export function toPaddedChannelsLastF32(x: usize, batch: i32, H: i32, W: i32, C: i32, pad: i32, xp: usize): void {
  toPaddedChannelsLast<f32>(x, batch, H, W, C, pad, xp);
}
export function toPaddedChannelsLastF64(x: usize, batch: i32, H: i32, W: i32, C: i32, pad: i32, xp: usize): void {
  toPaddedChannelsLast<f64>(x, batch, H, W, C, pad, xp);
}
export function convStride1F32(xp: usize, C: i32, Hp: i32, Wp: i32, n: i32, yRFirst: i32, columns: i32, wT: usize, kPadded: i32, Kd: i32, offsets: usize, zT: usize, ld: i32): void {
  convStride1<f32>(xp, C, Hp, Wp, n, yRFirst, columns, wT, kPadded, Kd, offsets, zT, ld);
}
export function convStride1F64(xp: usize, C: i32, Hp: i32, Wp: i32, n: i32, yRFirst: i32, columns: i32, wT: usize, kPadded: i32, Kd: i32, offsets: usize, zT: usize, ld: i32): void {
  convStride1<f64>(xp, C, Hp, Wp, n, yRFirst, columns, wT, kPadded, Kd, offsets, zT, ld);
}
