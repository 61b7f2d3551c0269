/**
 * Register-tile helpers shared by the kernels: the tile's size, and how a tile of vectors goes back to
 * memory (stored, added, or summed across lanes) or finds its rows.
 */

/**
 * Four rows × two vectors of C: what stays in registers while the GEMM walks along depth. The kernels
 * name the tile's accumulators cRV (row R, vector V) and declare them two rows to a line, under
 * `// prettier-ignore`, which would otherwise give each its own line.
 */
export const TILE_ROWS = 4;

/** Stores the first `count` lanes of the pair (v0, v1); past count, the memory keeps its values. */
@inline
export function storeFirst<T>(at: usize, v0: v128, v1: v128, count: i32): void {
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
export function storeLanes<T>(at: usize, v: v128, count: i32): void {
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

/** Stores the pair (v0, v1): one row of a tile. */
@inline
export function storeRow(at: usize, v0: v128, v1: v128): void {
  v128.store(at, v0);
  v128.store(at, v1, 16);
}

/** Where row r of a matrix starts: a + r·ld, or a + offsets[r] when a table of offsets is given. */
@inline
export function rowAt<T>(a: usize, ld: i32, offsets: usize, r: i32): usize {
  const offset = offsets ? load<i32>(offsets + ((<usize>r) << 2)) : r * ld;
  return a + <usize>offset * sizeof<T>();
}

/** C[at] += Σ lanes of v0, C[at + 1] += Σ lanes of v1. */
@inline
export function addPair<T>(at: usize, v0: v128, v1: v128): void {
  store<T>(at, load<T>(at) + sumLanes<T>(v0));
  store<T>(at, load<T>(at, sizeof<T>()) + sumLanes<T>(v1), sizeof<T>());
}

@inline
export function sumLanes<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return <T>(
      (v128.extract_lane<f32>(v, 0) +
        v128.extract_lane<f32>(v, 1) +
        v128.extract_lane<f32>(v, 2) +
        v128.extract_lane<f32>(v, 3))
    );
  }
  return <T>(v128.extract_lane<f64>(v, 0) + v128.extract_lane<f64>(v, 1));
}
