/**
 * Layouts: channels-last batches to padded planes and back, to padded channels-last, and
 * channels-last ↔ channel rows. Sizes come from the conv's plan (plan.ts).
 */

import { ConvPlan } from './plan';

/**
 * Copies a channels-last batch x (m,H,W,C) into planes xp (m,C,H+2p,W+2p) with a zero border of p pixels.
 * In planes, a window row of one channel is a contiguous run: im2col becomes plain copies, and the
 * zero padding needs no bounds checks.
 */
@inline
function toPaddedPlanes<T>(plan: usize, x: usize, xp: usize): void {
  const p = changetype<ConvPlan>(plan);
  const batch = p.batch;
  const H = p.H;
  const W = p.W;
  const C = p.C;
  const pad = p.pad;
  const Hp = p.Hp;
  const Wp = p.Wp;
  const size = sizeof<T>();
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
        let to = xp + <usize>((n * C * Hp + h + pad) * Wp + w + pad) * size;
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
function fromPaddedPlanes<T>(plan: usize, dXp: usize, dX: usize): void {
  const p = changetype<ConvPlan>(plan);
  const batch = p.batch;
  const H = p.H;
  const W = p.W;
  const C = p.C;
  const pad = p.pad;
  const Hp = p.Hp;
  const Wp = p.Wp;
  const size = sizeof<T>();
  let to = dX;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        let from = dXp + <usize>((n * C * Hp + h + pad) * Wp + w + pad) * size;
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
 * Copies a channels-last batch x (m,H,W,C) into xp (m,H+2p,W+2p,C), zeros around: the input of
 * convChannelsLast, whose windows then never leave the array.
 */
@inline
function toPaddedChannelsLast<T>(plan: usize, x: usize, xp: usize): void {
  const p = changetype<ConvPlan>(plan);
  const batch = p.batch;
  const H = p.H;
  const W = p.W;
  const C = p.C;
  const pad = p.pad;
  const Hp = p.Hp;
  const Wp = p.Wp;
  const size = sizeof<T>();
  memory.fill(xp, 0, <usize>(batch * Hp * Wp * C) * size);
  const rowBytes = <usize>(W * C) * size;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < H; h++) {
      const to = xp + <usize>(((n * Hp + h + pad) * Wp + pad) * C) * size;
      memory.copy(to, x + <usize>((n * H + h) * W * C) * size, rowBytes);
    }
  }
}

/**
 * The GEMM leaves conv's output as channel rows zT (K × ld); the library's layout is channels-last.
 * For the block's `count` positions: out[(first + q)·K + k] = zT[k, column(q)] + bias[k], where position q
 * is (row q / outW, yC q % outW) and its column is row·pitch + yC (pitch = outW when the block's columns
 * are contiguous, as after im2col; Wp when they are plane rows). With the plan's `relu`, max(0, ·) of it.
 */
@inline
function storeChannelsLast<T>(plan: usize, zT: usize, first: i32, count: i32, bias: usize, out: usize): void {
  const p = changetype<ConvPlan>(plan);
  const ld = p.ld;
  const K = p.K;
  const rowLength = p.outW;
  const pitch = p.pitch;
  const relu = p.relu != 0;
  const size = sizeof<T>();
  let to = out + <usize>first * K * size;
  for (let row = 0, q = 0; q < count; row++) {
    const end = min(count, q + rowLength);
    for (let column = row * pitch; q < end; q++, column++) {
      for (let k = 0; k < K; k++) {
        const z = load<T>(zT + (<usize>k * ld + column) * size) + load<T>(bias + <usize>k * size);
        store<T>(to, relu ? max<T>(z, 0) : z);
        to += size;
      }
    }
  }
}

/**
 * The other way for dZ: for the block's `count` positions, dZT[k, column(q)] = dZ[(first + q)·K + k], with
 * column(q) as in storeChannelsLast (row·pitch + yC); every other entry of dZT (kPadded × ld) is zero.
 * Adds each value to db[k] on the way (db = Σ dZ). With the plan's `relu`, `dZ` holds ∂J/∂a and `a` relu's
 * output (same layout): the value loaded is ∂J/∂a · [a > 0] (relu's slope, 0 at 0 as PyTorch's).
 */
@inline
function loadChannelRows<T>(
  plan: usize,
  dZ: usize,
  first: i32,
  count: i32,
  dZT: usize,
  db: usize,
  a: usize,
): void {
  const p = changetype<ConvPlan>(plan);
  const ld = p.ld;
  const K = p.K;
  const kPadded = p.kPadded;
  const rowLength = p.outW;
  const pitch = p.pitch;
  const relu = p.relu != 0;
  const size = sizeof<T>();
  memory.fill(dZT, 0, <usize>(kPadded * ld) * size);
  // one filter at a time: its sum stays in a register, added in the same order as position by position
  // (the same bits), where a sum in memory cost a load and a store per value
  const step = <usize>K * size;
  for (let k = 0; k < K; k++) {
    let from = dZ + <usize>(first * K + k) * size;
    let aAt = a + <usize>(first * K + k) * size; // read only with relu
    const rowAt = dZT + <usize>(k * ld) * size;
    let sum = load<T>(db + <usize>k * size);
    for (let row = 0, q = 0; q < count; row++) {
      const end = min(count, q + rowLength);
      for (let at = rowAt + <usize>(row * pitch) * size; q < end; q++, at += size) {
        let v = load<T>(from);
        // times 1 or 0, as reluBackward does: a select on floats compiles to a branch, which guesses
        // wrong about half the time on real activations (it made this loop 3× slower)
        if (relu) v *= <T>(load<T>(aAt) > 0);
        store<T>(at, v);
        sum += v;
        from += step;
        aAt += step;
      }
    }
    store<T>(db + <usize>k * size, sum);
  }
}

// Exports, once per element type

export function toPaddedPlanesF32(plan: usize, x: usize, xp: usize): void {
  toPaddedPlanes<f32>(plan, x, xp);
}
export function toPaddedPlanesF64(plan: usize, x: usize, xp: usize): void {
  toPaddedPlanes<f64>(plan, x, xp);
}

export function fromPaddedPlanesF32(plan: usize, dXp: usize, dX: usize): void {
  fromPaddedPlanes<f32>(plan, dXp, dX);
}
export function fromPaddedPlanesF64(plan: usize, dXp: usize, dX: usize): void {
  fromPaddedPlanes<f64>(plan, dXp, dX);
}

export function toPaddedChannelsLastF32(plan: usize, x: usize, xp: usize): void {
  toPaddedChannelsLast<f32>(plan, x, xp);
}
export function toPaddedChannelsLastF64(plan: usize, x: usize, xp: usize): void {
  toPaddedChannelsLast<f64>(plan, x, xp);
}

export function storeChannelsLastF32(
  plan: usize,
  zT: usize,
  first: i32,
  count: i32,
  bias: usize,
  out: usize,
): void {
  storeChannelsLast<f32>(plan, zT, first, count, bias, out);
}
export function storeChannelsLastF64(
  plan: usize,
  zT: usize,
  first: i32,
  count: i32,
  bias: usize,
  out: usize,
): void {
  storeChannelsLast<f64>(plan, zT, first, count, bias, out);
}

export function loadChannelRowsF32(
  plan: usize,
  dZ: usize,
  first: i32,
  count: i32,
  dZT: usize,
  db: usize,
  a: usize,
): void {
  loadChannelRows<f32>(plan, dZ, first, count, dZT, db, a);
}
export function loadChannelRowsF64(
  plan: usize,
  dZ: usize,
  first: i32,
  count: i32,
  dZT: usize,
  db: usize,
  a: usize,
): void {
  loadChannelRows<f64>(plan, dZ, first, count, dZT, db, a);
}
