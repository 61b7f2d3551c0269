import { matmul } from './fast/matmul';
import {
  allocate,
  checkTensor,
  contiguous,
  copy,
  dtypeOf,
  FloatArray,
  fromData,
  shapeString,
  Tensor,
} from './tensor';
import { ConvlabError } from './convlabError';

interface Prepared {
  x: FloatArray; // (m,n), row-major
  W: FloatArray; // (n,u), row-major
  b: FloatArray; // (u)
  m: number;
  n: number;
  u: number;
}

function prepare(fn: string, x: Tensor, W: Tensor, b: Tensor): Prepared {
  checkTensor(fn, 'x', x, [2]);
  checkTensor(fn, 'W', W, [2]);
  checkTensor(fn, 'b', b, [1]);
  const [m, n] = x.shape;
  const [wRows, u] = W.shape;
  const shapes = { x: x.shape, W: W.shape, b: b.shape };
  if (wRows !== n) {
    throw new ConvlabError(fn, `W has ${wRows} rows but x has ${n} features per example`, shapes);
  }
  if (b.shape[0] !== u) {
    throw new ConvlabError(fn, `b has ${b.shape[0]} values but W has ${u} units`, shapes);
  }
  return { x: contiguous(x).data, W: contiguous(W).data, b: contiguous(b).data, m, n, u };
}

/**
 * A fully connected layer: Z = x·W + b, x (m,n) examples in rows, W (n,u), b (u) → Z (m,u).
 * Z[example, unit] = b[unit] + Σ_input x[example, input] · W[input, unit]. Keeps x's dtype.
 * The product runs on `matmul` (the SIMD GEMM that conv2d uses); `matmul`'s fallback shows the plain loop.
 */
export function dense(x: Tensor, W: Tensor, b: Tensor): Tensor {
  const { b: bd, m, u } = prepare('dense', x, W, b);
  const z = matmul(x, W);
  const zd = z.data;
  for (let example = 0; example < m; example++) {
    for (let unit = 0; unit < u; unit++) zd[example * u + unit] += bd[unit];
  }
  return z;
}

export interface DenseGradients {
  dX: Tensor;
  dW: Tensor;
  db: Tensor;
}

/**
 * Gradients of dense: given dZ = ∂J/∂Z (m,u), returns dX = dZ·Wᵀ (m,n), dW = xᵀ·dZ (n,u) and
 * db = Σ_rows dZ (u), in x's dtype.
 */
export function denseBackward(dZ: Tensor, x: Tensor, W: Tensor, b: Tensor): DenseGradients {
  const fn = 'denseBackward';
  const { m, u } = prepare(fn, x, W, b);
  checkTensor(fn, 'dZ', dZ, [2]);
  if (dZ.shape[0] !== m || dZ.shape[1] !== u) {
    throw new ConvlabError(
      fn,
      `dZ has shape ${shapeString(dZ.shape)} but dense's output has shape ${shapeString([m, u])}`,
      { x: x.shape, W: W.shape },
    );
  }
  const dzd = contiguous(dZ).data;
  const db = new Float64Array(u); // summed in float64, rounded once
  for (let example = 0; example < m; example++) {
    for (let unit = 0; unit < u; unit++) db[unit] += dzd[example * u + unit];
  }
  const dbOut = allocate(dtypeOf(x), u);
  dbOut.set(db);
  // matmul computes in its first operand's dtype: keep x's
  const dZasX = dtypeOf(dZ) === dtypeOf(x) ? dZ : copy(dZ, dtypeOf(x));
  return {
    dX: matmul(dZasX, W, { transposeB: true }),
    dW: matmul(x, dZasX, { transposeA: true }),
    db: fromData(dbOut, [u]),
  };
}
