import ndarray from 'ndarray';
import { poolGeometry, PoolGeometry, PoolMode } from './shape';
import { addBatchAxis, checkTensor, dtypeOf, shapeString, Tensor, zeros, contiguous } from './tensor';

export interface PoolOptions {
  /** Window size f (f×f). */
  size: number;
  /** Step between windows (default: the window size, so windows do not overlap). */
  stride?: number;
  /** `'max'` (default) or `'avg'`. */
  mode?: PoolMode;
}

function prepare(fn: string, x: Tensor, options: PoolOptions): { x4: Tensor; g: PoolGeometry; batched: boolean } {
  checkTensor(fn, 'x', x, [3, 4]);
  const batched = x.dimension === 4;
  const x4 = batched ? x : addBatchAxis(x);
  return { x4, g: poolGeometry(fn, x4.shape, options), batched };
}

/**
 * Max or average pooling over f×f windows, each channel on its own:
 * (m,H,W,C) or (H,W,C) → H' = ⌊(H − f)/s⌋ + 1. No parameters to learn.
 */
export function pool2d(x: Tensor, options: PoolOptions): Tensor {
  const { x4, g, batched } = prepare('pool2d', x, options);
  const { batch, channels: C, size: f, stride, mode, outHeight, outWidth } = g;
  const out = zeros([batch, outHeight, outWidth, C], dtypeOf(x));
  const a = out.data;
  const xd = x4.data;
  const [sB, sH, sW, sC] = x4.stride;
  for (let n = 0; n < batch; n++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const aBase = ((n * outHeight + yR) * outWidth + yC) * C;
        for (let c = 0; c < C; c++) {
          const corner = x4.offset + n * sB + yR * stride * sH + yC * stride * sW + c * sC;
          let result = mode === 'max' ? -Infinity : 0;
          for (let wR = 0; wR < f; wR++) {
            for (let wC = 0; wC < f; wC++) {
              const v = xd[corner + wR * sH + wC * sW];
              if (mode === 'max') {
                if (v > result) result = v;
              } else {
                result += v;
              }
            }
          }
          a[aBase + c] = mode === 'max' ? result : result / (f * f);
        }
      }
    }
  }
  return batched ? out : ndarray(a, [outHeight, outWidth, C]);
}

/**
 * Gradient of pool2d: dA has pool2d's output shape; returns dX with x's shape.
 * Max sends each gradient to the first maximum of its window (row by row, as PyTorch does);
 * average spreads it evenly over the f·f cells. Overlapping windows add up.
 */
export function pool2dBackward(dA: Tensor, x: Tensor, options: PoolOptions): Tensor {
  const fn = 'pool2dBackward';
  const { x4, g, batched } = prepare(fn, x, options);
  const { batch, inHeight, inWidth, channels: C, size: f, stride, mode, outHeight, outWidth } = g;
  checkTensor(fn, 'dA', dA, [x.dimension]);
  const expected = batched ? [batch, outHeight, outWidth, C] : [outHeight, outWidth, C];
  if (dA.shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `${fn}: dA has shape ${shapeString(dA.shape)} but pool2d's output has shape ${shapeString(expected)} (input ${shapeString(x.shape)}, size ${f}, stride ${stride})`,
    );
  }
  const da = contiguous(batched ? dA : addBatchAxis(dA)).data;
  const dX = zeros([batch, inHeight, inWidth, C], dtypeOf(x));
  const dx = dX.data;
  const xd = x4.data;
  const [sB, sH, sW, sC] = x4.stride;
  const share = 1 / (f * f);
  for (let n = 0; n < batch; n++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const aBase = ((n * outHeight + yR) * outWidth + yC) * C;
        for (let c = 0; c < C; c++) {
          const grad = da[aBase + c];
          const corner = x4.offset + n * sB + yR * stride * sH + yC * stride * sW + c * sC;
          const dxCorner = ((n * inHeight + yR * stride) * inWidth + yC * stride) * C + c;
          if (mode === 'max') {
            let best = -Infinity;
            let bestAt = dxCorner; // the first cell wins ties and an all −∞ window
            for (let wR = 0; wR < f; wR++) {
              for (let wC = 0; wC < f; wC++) {
                const v = xd[corner + wR * sH + wC * sW];
                if (v > best) {
                  best = v;
                  bestAt = dxCorner + (wR * inWidth + wC) * C;
                }
              }
            }
            dx[bestAt] += grad;
          } else {
            for (let wR = 0; wR < f; wR++) {
              for (let wC = 0; wC < f; wC++) dx[dxCorner + (wR * inWidth + wC) * C] += grad * share;
            }
          }
        }
      }
    }
  }
  return batched ? dX : ndarray(dx, [inHeight, inWidth, C]);
}
