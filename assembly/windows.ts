/**
 * Windows to columns and back: im2col copies every window of padded planes into a column of a matrix,
 * col2im and addWindowRows add gradient columns back onto the planes. Sizes come from the conv's plan
 * (plan.ts); the arguments are the buffers and the block of output rows one call does.
 */

import { ConvPlan } from './plan';

/**
 * im2col for a block of output rows, from padded planes xp (m,C,Hp,Wp). Output row r = n·outH + yR for r
 * in [firstRow, firstRow + rowCount). Writes the matrix `cols` (Kd × ld): row kd = (wR·f + wC)·C + c,
 * column (r − firstRow)·outW + yC, holding xp[n, c, yR·s + wR, yC·s + wC]. Columns past the block (up to
 * ld) are zeroed, so that a product over them adds nothing.
 */
@inline
function im2col<T>(plan: usize, xp: usize, firstRow: i32, rowCount: i32, cols: usize): void {
  const p = changetype<ConvPlan>(plan);
  const C = p.C;
  const Hp = p.Hp;
  const Wp = p.Wp;
  const f = p.f;
  const stride = p.stride;
  const outH = p.outH;
  const outW = p.outW;
  const ld = p.ld;
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
function col2im<T>(plan: usize, dCols: usize, firstRow: i32, rowCount: i32, dXp: usize): void {
  const p = changetype<ConvPlan>(plan);
  const C = p.C;
  const Hp = p.Hp;
  const Wp = p.Wp;
  const f = p.f;
  const stride = p.stride;
  const outH = p.outH;
  const outW = p.outW;
  const ld = p.ld;
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
 * The direct path's col2im: window row kd of dCols (Kd × ld) goes back onto the planes it was read from,
 * dXp[base + offsets[kd] + q] += dCols[kd, q] for q < columns (columns past the output rows hold zeros).
 */
@inline
function addWindowRows<T>(plan: usize, dCols: usize, columns: i32, offsets: usize, base: usize): void {
  const p = changetype<ConvPlan>(plan);
  const Kd = p.Kd;
  const ld = p.ld;
  const size = sizeof<T>();
  for (let kd = 0; kd < Kd; kd++) {
    const to = base + <usize>load<i32>(offsets + ((<usize>kd) << 2)) * size;
    addRun<T>(to, dCols + <usize>(kd * ld) * size, columns, 1);
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

// Exports, once per element type

export function im2colF32(plan: usize, xp: usize, firstRow: i32, rowCount: i32, cols: usize): void {
  im2col<f32>(plan, xp, firstRow, rowCount, cols);
}
export function im2colF64(plan: usize, xp: usize, firstRow: i32, rowCount: i32, cols: usize): void {
  im2col<f64>(plan, xp, firstRow, rowCount, cols);
}

export function col2imF32(plan: usize, dCols: usize, firstRow: i32, rowCount: i32, dXp: usize): void {
  col2im<f32>(plan, dCols, firstRow, rowCount, dXp);
}
export function col2imF64(plan: usize, dCols: usize, firstRow: i32, rowCount: i32, dXp: usize): void {
  col2im<f64>(plan, dCols, firstRow, rowCount, dXp);
}

export function addWindowRowsF32(plan: usize, dCols: usize, columns: i32, offsets: usize, base: usize): void {
  addWindowRows<f32>(plan, dCols, columns, offsets, base);
}
export function addWindowRowsF64(plan: usize, dCols: usize, columns: i32, offsets: usize, base: usize): void {
  addWindowRows<f64>(plan, dCols, columns, offsets, base);
}
