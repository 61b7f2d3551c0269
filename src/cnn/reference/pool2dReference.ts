/**
 * The teaching reference for pooling: plain loops over every window. `pool2d` and `pool2dBackward`
 * compute the same values faster (src/cnn/fast/pool2dFast.ts); the tests hold the two together.
 */
import ndarray from 'ndarray';
import { PoolOptions, preparePool, preparePoolGradient } from '../pool2dArguments';
import { dtypeOf, Tensor, zeros } from '../tensor';

/**
 * pool2d written as the lecture's loops (same arguments, result and errors as `pool2d`): max or average
 * over f×f windows, each channel on its own, (m,H,W,C) or (H,W,C) → H' = ⌊(H − f)/s⌋ + 1.
 */
export function pool2dReference(x: Tensor, options: PoolOptions): Tensor {
  const { x4, g, batched } = preparePool('pool2dReference', x, options);
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
 * pool2dBackward as loops: dA has pool2d's output shape; returns dX with x's shape.
 * Max sends each gradient to the first maximum of its window (row by row, as PyTorch does);
 * average spreads it evenly over the f·f cells. Overlapping windows add up.
 */
export function pool2dBackwardReference(dA: Tensor, x: Tensor, options: PoolOptions): Tensor {
  const fn = 'pool2dBackwardReference';
  const prepared = preparePool(fn, x, options);
  const { x4, g, batched } = prepared;
  const { batch, inHeight, inWidth, channels: C, size: f, stride, mode, outHeight, outWidth } = g;
  const da = preparePoolGradient(fn, dA, x, prepared).data;
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
