import ndarray from 'ndarray';
import { convGeometry, ConvGeometry, Pad } from './shape';
import { addBatchAxis, checkTensor, contiguous, dtypeOf, FloatArray, shapeString, Tensor, zeros, fromData, allocate } from './tensor';

export interface ConvOptions {
  /** Step between windows, a positive integer (default 1). */
  stride?: number;
  /** Zero padding: pixels, `'valid'` (0) or `'same'` ((f − 1)/2). Default 0. */
  pad?: Pad;
}

interface Prepared {
  x: Tensor; // always 4-D (a view when the input was 3-D)
  W: Tensor; // contiguous (f,f,C,K)
  b: FloatArray; // K values
  g: ConvGeometry;
  batched: boolean;
}

function prepare(fn: string, x: Tensor, W: Tensor, b: Tensor | null | undefined, options: ConvOptions): Prepared {
  checkTensor(fn, 'x', x, [3, 4]);
  checkTensor(fn, 'W', W, [4]);
  const batched = x.dimension === 4;
  const x4 = batched ? x : addBatchAxis(x);
  const g = convGeometry(fn, x4.shape, W.shape, options ?? {});
  let bias: FloatArray;
  if (b === undefined || b === null) {
    bias = new Float64Array(g.outChannels);
  } else {
    checkTensor(fn, 'b', b, [1, 2, 3, 4]);
    if (b.size !== g.outChannels) {
      throw new Error(
        `${fn}: bias has ${b.size} values but there are ${g.outChannels} filters (bias ${shapeString(b.shape)}, filter ${shapeString(W.shape)})`,
      );
    }
    bias = contiguous(b).data;
  }
  return { x: x4, W: contiguous(W), b: bias, g, batched };
}

/**
 * Convolution as ML uses the word (cross-correlation, no flip) over volumes:
 * x (m,H,W,C) or (H,W,C), W (f,f,C,K), b (K) → (m,H',W',K) or (H',W',K), H' = ⌊(H + 2p − f)/s⌋ + 1.
 * Z[b,h,w,k] = bias[k] + Σ_{i,j,c} x_padded[b, h·s + i, w·s + j, c] · W[i,j,c,k]. Keeps x's dtype.
 */
export function conv2d(x: Tensor, W: Tensor, b?: Tensor | null, options: ConvOptions = {}): Tensor {
  const { x: x4, W: w, b: bias, g, batched } = prepare('conv2d', x, W, b, options);
  const { batch, inHeight, inWidth, inChannels: C, filterSize: f, outChannels: K, stride, pad, outHeight, outWidth } = g;
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

export interface ConvGradients {
  dX: Tensor;
  dW: Tensor;
  db: Tensor;
}

/**
 * Gradients of conv2d: given dZ = ∂J/∂Z (the shape of conv2d's output), returns ∂J/∂x, ∂J/∂W, ∂J/∂b
 * with the shapes of x, W and b. The loop nest is conv2d's, scattering with `+=` where forward gathers.
 */
export function conv2dBackward(
  dZ: Tensor,
  x: Tensor,
  W: Tensor,
  b?: Tensor | null,
  options: ConvOptions = {},
): ConvGradients {
  const fn = 'conv2dBackward';
  const { x: x4, W: w, g, batched } = prepare(fn, x, W, b, options);
  const { batch, inHeight, inWidth, inChannels: C, filterSize: f, outChannels: K, stride, pad, outHeight, outWidth } = g;
  checkTensor(fn, 'dZ', dZ, [x.dimension]);
  const expected = batched ? [batch, outHeight, outWidth, K] : [outHeight, outWidth, K];
  if (dZ.shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `${fn}: dZ has shape ${shapeString(dZ.shape)} but conv2d's output has shape ${shapeString(expected)} (input ${shapeString(x.shape)}, filter ${shapeString(W.shape)})`,
    );
  }
  const dz4 = contiguous(batched ? dZ : addBatchAxis(dZ));
  const dzd = dz4.data;
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
