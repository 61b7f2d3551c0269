/**
 * Pooling: max or average, forward and backward, on channels-last batches. Sizes and the mode come from
 * the pool's plan (plan.ts); a call does the images [first, first + count).
 */

import { PoolPlan } from './plan';

/**
 * Max or average pooling of a channels-last batch x (m,H,W,C) into out (m,outH,outW,C), f×f windows
 * `stride` apart, a vector of channels at a time, for the images [first, first + count). Max starts from −∞ and takes a value only when it is
 * greater (pmax), so NaN never wins: the reference's `if (v > best) best = v`, without its branch.
 */
@inline
function pool<T>(plan: usize, first: i32, count: i32, x: usize, out: usize): void {
  const p = changetype<PoolPlan>(plan);
  const H = p.H;
  const W = p.W;
  const C = p.C;
  const f = p.f;
  const stride = p.stride;
  const outH = p.outH;
  const outW = p.outW;
  const average = p.average != 0;
  const size = sizeof<T>();
  const lanes = 16 / <i32>size;
  const cells = <T>(f * f);
  let to = out + <usize>(first * outH * outW * C) * size;
  for (let n = first; n < first + count; n++) {
    for (let yR = 0; yR < outH; yR++) {
      for (let yC = 0; yC < outW; yC++) {
        const corner = x + <usize>(((n * H + yR * stride) * W + yC * stride) * C) * size;
        // vectors of channels; a last, partial vector overlaps the one before (C ≥ lanes), the rest is scalar
        let c = 0;
        for (let next = 0; C >= lanes && next < C; next += lanes) {
          c = min(next, C - lanes);
          let acc = average ? v128.splat<T>(<T>0) : v128.splat<T>(<T>-Infinity);
          for (let wR = 0; wR < f; wR++) {
            let at = corner + <usize>(wR * W * C + c) * size;
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
            let at = corner + <usize>(wR * W * C + c) * size;
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
 * Gradient of pool into dX, for the images [first, first + count): max sends each dA value to the first
 * maximum of its window (row by row), average spreads it evenly over the f·f cells; overlapping windows
 * add up. dX must be zeroed by the caller, unless the plan says `tiled` (then every cell is written).
 * For max, a vector of channels finds its winning cells together (each as its offset (wR·W + wC)·C from
 * the window's corner, held in lanes of T, exact below 2²⁴, and parked in `scratch`, 16 bytes), then each
 * lane adds its gradient to its own cell.
 */
@inline
function poolBackward<T>(
  plan: usize,
  first: i32,
  count: i32,
  dA: usize,
  x: usize,
  dX: usize,
  scratch: usize,
): void {
  const p = changetype<PoolPlan>(plan);
  const H = p.H;
  const W = p.W;
  const C = p.C;
  const f = p.f;
  const stride = p.stride;
  const outH = p.outH;
  const outW = p.outW;
  const average = p.average != 0;
  const tiled = p.tiled != 0;
  const size = sizeof<T>();
  const lanes = 16 / <i32>size;
  const share = <T>1 / <T>(f * f);
  // the vector path holds cell offsets in lanes of T: f32 counts exactly only below 2²⁴
  const vectors = !average && (sizeof<T>() == 8 || <i64>f * W * C < 1 << 24);
  let from = dA + <usize>(first * outH * outW * C) * size;
  for (let n = first; n < first + count; n++) {
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
            if (tiled) {
              // every cell of the window: the gradient where it won, else 0 (lanes below `fresh` get
              // the same values again)
              // + 0 as the reference's 0 + dA does: a −0 gradient lands as +0
              const g = v128.add<T>(v128.load(grads + <usize>c * size), v128.splat<T>(0));
              for (let wR = 0; wR < f; wR++) {
                for (let wC = 0; wC < f; wC++) {
                  const cell = (wR * W + wC) * C;
                  const won = v128.eq<T>(bestCell, v128.splat<T>(<T>cell));
                  v128.store(dX + corner + <usize>(cell + c) * size, v128.and(g, won));
                }
              }
              c += lanes;
              continue;
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

// Exports, once per element type

export function poolF32(plan: usize, first: i32, count: i32, x: usize, out: usize): void {
  pool<f32>(plan, first, count, x, out);
}
export function poolF64(plan: usize, first: i32, count: i32, x: usize, out: usize): void {
  pool<f64>(plan, first, count, x, out);
}

export function poolBackwardF32(
  plan: usize,
  first: i32,
  count: i32,
  dA: usize,
  x: usize,
  dX: usize,
  scratch: usize,
): void {
  poolBackward<f32>(plan, first, count, dA, x, dX, scratch);
}
export function poolBackwardF64(
  plan: usize,
  first: i32,
  count: i32,
  dA: usize,
  x: usize,
  dX: usize,
  scratch: usize,
): void {
  poolBackward<f64>(plan, first, count, dA, x, dX, scratch);
}
