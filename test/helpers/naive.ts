/**
 * Plain reference loops written the way the lecture describes them (pad, slice a window, multiply and
 * sum), with ndarray get/set everywhere. Slow and obvious on purpose: the library's kernels are checked
 * against these on random shapes.
 */
import { Tensor, zeros, dtypeOf, zeroPad, outputSize } from '../../src/index';

export function naiveConv2d(x: Tensor, W: Tensor, b: Tensor, stride: number, pad: number): Tensor {
  const [m, H, Wd, C] = x.shape;
  const [f, , , K] = W.shape;
  const xp = zeroPad(x, pad);
  const oH = outputSize(H, f, pad, stride);
  const oW = outputSize(Wd, f, pad, stride);
  const z = zeros([m, oH, oW, K], dtypeOf(x));
  for (let i = 0; i < m; i++)
    for (let h = 0; h < oH; h++)
      for (let w = 0; w < oW; w++)
        for (let k = 0; k < K; k++) {
          let sum = b.get(k);
          for (let di = 0; di < f; di++)
            for (let dj = 0; dj < f; dj++)
              for (let c = 0; c < C; c++)
                sum += xp.get(i, h * stride + di, w * stride + dj, c) * W.get(di, dj, c, k);
          z.set(i, h, w, k, sum);
        }
  return z;
}

export function naiveConv2dBackward(dZ: Tensor, x: Tensor, W: Tensor, stride: number, pad: number) {
  const [m, H, Wd, C] = x.shape;
  const [f, , , K] = W.shape;
  const xp = zeroPad(x, pad);
  const dXp = zeros(xp.shape, 'float64');
  const dW = zeros(W.shape, 'float64');
  const db = zeros([K], 'float64');
  const [, oH, oW] = dZ.shape;
  for (let i = 0; i < m; i++)
    for (let h = 0; h < oH; h++)
      for (let w = 0; w < oW; w++)
        for (let k = 0; k < K; k++) {
          const g = dZ.get(i, h, w, k);
          db.set(k, db.get(k) + g);
          for (let di = 0; di < f; di++)
            for (let dj = 0; dj < f; dj++)
              for (let c = 0; c < C; c++) {
                const r = h * stride + di;
                const s = w * stride + dj;
                dXp.set(i, r, s, c, dXp.get(i, r, s, c) + W.get(di, dj, c, k) * g);
                dW.set(di, dj, c, k, dW.get(di, dj, c, k) + xp.get(i, r, s, c) * g);
              }
        }
  const dX = dXp.lo(0, pad, pad, 0).hi(m, H, Wd, C);
  return { dX, dW, db };
}

export function naivePool2d(x: Tensor, f: number, stride: number, mode: 'max' | 'avg'): Tensor {
  const [m, H, Wd, C] = x.shape;
  const oH = outputSize(H, f, 0, stride);
  const oW = outputSize(Wd, f, 0, stride);
  const a = zeros([m, oH, oW, C], dtypeOf(x));
  for (let i = 0; i < m; i++)
    for (let h = 0; h < oH; h++)
      for (let w = 0; w < oW; w++)
        for (let c = 0; c < C; c++) {
          const window: number[] = [];
          for (let di = 0; di < f; di++)
            for (let dj = 0; dj < f; dj++) window.push(x.get(i, h * stride + di, w * stride + dj, c));
          a.set(
            i,
            h,
            w,
            c,
            mode === 'max' ? Math.max(...window) : window.reduce((p, v) => p + v, 0) / window.length,
          );
        }
  return a;
}

export function naivePool2dBackward(
  dA: Tensor,
  x: Tensor,
  f: number,
  stride: number,
  mode: 'max' | 'avg',
): Tensor {
  const [m, , , C] = x.shape;
  const [, oH, oW] = dA.shape;
  const dX = zeros(x.shape, 'float64');
  for (let i = 0; i < m; i++)
    for (let h = 0; h < oH; h++)
      for (let w = 0; w < oW; w++)
        for (let c = 0; c < C; c++) {
          const g = dA.get(i, h, w, c);
          let best = -Infinity;
          let at: [number, number] = [h * stride, w * stride];
          for (let di = 0; di < f; di++)
            for (let dj = 0; dj < f; dj++) {
              const r = h * stride + di;
              const s = w * stride + dj;
              if (mode === 'avg') dX.set(i, r, s, c, dX.get(i, r, s, c) + g / (f * f));
              else if (x.get(i, r, s, c) > best) {
                best = x.get(i, r, s, c);
                at = [r, s];
              }
            }
          if (mode === 'max') dX.set(i, at[0], at[1], c, dX.get(i, at[0], at[1], c) + g);
        }
  return dX;
}
