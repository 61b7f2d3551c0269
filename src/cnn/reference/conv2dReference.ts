/**
 * The teaching reference for conv2d: plain loops, one multiply-add at a time, in float64.
 * `conv2d` and `conv2dBackward` compute the same values faster (src/cnn/fast/conv2dFast.ts);
 * the tests hold the two together.
 */
import ndarray from 'ndarray';
import { ConvGradients, ConvOptions, prepareConv, prepareConvGradient } from '../conv2dArguments';
import { allocate, dtypeOf, FloatArray, fromData, Tensor, zeros } from '../tensor';

/**
 * conv2d written as the lecture's loops (same arguments, result and errors as `conv2d`):
 * Z[b,h,w,k] = bias[k] + Σ_{i,j,c} x_padded[b, h·s + i, w·s + j, c] · W[i,j,c,k]. Keeps x's dtype.
 */
export function conv2dReference(x: Tensor, W: Tensor, b?: Tensor | null, options: ConvOptions = {}): Tensor {
  const { x: x4, W: w, b: bias, g, batched } = prepareConv('conv2dReference', x, W, b, options);
  const {
    batch,
    inHeight,
    inWidth,
    inChannels: C,
    filterSize: f,
    outChannels: K,
    stride,
    pad,
    outHeight,
    outWidth,
  } = g;
  const out = zeros([batch, outHeight, outWidth, K], dtypeOf(x));
  const z = out.data;
  const xd = x4.data;
  const wd = w.data;
  const [sB, sH, sW, sC] = x4.stride;
  const acc = new Float64Array(K); // accumulate in float64, round once
  for (let n = 0; n < batch; n++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const xRCorner = yR * stride - pad;
      for (let yC = 0; yC < outWidth; yC++) {
        const xCCorner = yC * stride - pad;
        for (let k = 0; k < K; k++) acc[k] = bias[k];
        for (let wR = 0; wR < f; wR++) {
          const xR = xRCorner + wR;
          if (xR < 0 || xR >= inHeight) continue; // a zero of the padding
          for (let wC = 0; wC < f; wC++) {
            const xC = xCCorner + wC;
            if (xC < 0 || xC >= inWidth) continue;
            const xBase = x4.offset + n * sB + xR * sH + xC * sW;
            const wBase = (wR * f + wC) * C * K;
            for (let c = 0; c < C; c++) {
              const xv = xd[xBase + c * sC];
              const wRow = wBase + c * K;
              for (let k = 0; k < K; k++) acc[k] += xv * wd[wRow + k];
            }
          }
        }
        const zBase = ((n * outHeight + yR) * outWidth + yC) * K;
        for (let k = 0; k < K; k++) z[zBase + k] = acc[k];
      }
    }
  }
  return batched ? out : ndarray(z, [outHeight, outWidth, K]);
}

/**
 * conv2dBackward as loops: given dZ = ∂J/∂Z (the shape of conv2d's output), returns ∂J/∂x, ∂J/∂W, ∂J/∂b
 * with the shapes of x, W and b. The loop nest is conv2dReference's, scattering with `+=` where forward
 * gathers.
 */
export function conv2dBackwardReference(
  dZ: Tensor,
  x: Tensor,
  W: Tensor,
  b?: Tensor | null,
  options: ConvOptions = {},
): ConvGradients {
  const fn = 'conv2dBackwardReference';
  const prepared = prepareConv(fn, x, W, b, options);
  const { x: x4, W: w, g } = prepared;
  const {
    batch,
    inHeight,
    inWidth,
    inChannels: C,
    filterSize: f,
    outChannels: K,
    stride,
    pad,
    outHeight,
    outWidth,
  } = g;
  const dzd = prepareConvGradient(fn, dZ, x, W, prepared).data;
  const xd = x4.data;
  const wd = w.data;
  const [sB, sH, sW, sC] = x4.stride;
  // gradients accumulate in float64 and are rounded to x's dtype at the end
  const dX = new Float64Array(batch * inHeight * inWidth * C);
  const dW = new Float64Array(f * f * C * K);
  const db = new Float64Array(K);
  for (let n = 0; n < batch; n++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const xRCorner = yR * stride - pad;
      for (let yC = 0; yC < outWidth; yC++) {
        const xCCorner = yC * stride - pad;
        const zBase = ((n * outHeight + yR) * outWidth + yC) * K;
        for (let k = 0; k < K; k++) db[k] += dzd[zBase + k];
        for (let wR = 0; wR < f; wR++) {
          const xR = xRCorner + wR;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < f; wC++) {
            const xC = xCCorner + wC;
            if (xC < 0 || xC >= inWidth) continue;
            const xBase = x4.offset + n * sB + xR * sH + xC * sW;
            const dxBase = ((n * inHeight + xR) * inWidth + xC) * C;
            const wBase = (wR * f + wC) * C * K;
            for (let c = 0; c < C; c++) {
              const xv = xd[xBase + c * sC];
              const wRow = wBase + c * K;
              let sum = 0;
              for (let k = 0; k < K; k++) {
                const grad = dzd[zBase + k];
                dW[wRow + k] += xv * grad;
                sum += wd[wRow + k] * grad;
              }
              dX[dxBase + c] += sum;
            }
          }
        }
      }
    }
  }
  const dtype = dtypeOf(x);
  const asDType = (values: Float64Array): FloatArray => {
    const out = allocate(dtype, values.length);
    out.set(values);
    return out;
  };
  return {
    dX: fromData(asDType(dX), x.shape),
    dW: fromData(asDType(dW), W.shape),
    db: fromData(asDType(db), b ? b.shape : [K]),
  };
}
