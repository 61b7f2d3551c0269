import {
  allocate,
  checkTensor,
  contiguous,
  dtypeOf,
  FloatArray,
  fromData,
  shapeString,
  Tensor,
} from './tensor';

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
  const shapes = `(x ${shapeString(x.shape)}, W ${shapeString(W.shape)}, b ${shapeString(b.shape)})`;
  if (wRows !== n) {
    throw new Error(`${fn}: W has ${wRows} rows but x has ${n} features per example ${shapes}`);
  }
  if (b.shape[0] !== u) {
    throw new Error(`${fn}: b has ${b.shape[0]} values but W has ${u} units ${shapes}`);
  }
  return { x: contiguous(x).data, W: contiguous(W).data, b: contiguous(b).data, m, n, u };
}

/**
 * A fully connected layer: Z = x·W + b, x (m,n) examples in rows, W (n,u), b (u) → Z (m,u).
 * Z[example, unit] = b[unit] + Σ_input x[example, input] · W[input, unit]. Keeps x's dtype.
 */
export function dense(x: Tensor, W: Tensor, b: Tensor): Tensor {
  const { x: xd, W: wd, b: bd, m, n, u } = prepare('dense', x, W, b);
  const z = allocate(dtypeOf(x), m * u);
  const acc = new Float64Array(u); // accumulate in float64, round once
  for (let example = 0; example < m; example++) {
    for (let unit = 0; unit < u; unit++) acc[unit] = bd[unit];
    for (let input = 0; input < n; input++) {
      const xv = xd[example * n + input];
      const wRow = input * u;
      for (let unit = 0; unit < u; unit++) acc[unit] += xv * wd[wRow + unit];
    }
    z.set(acc, example * u);
  }
  return fromData(z, [m, u]);
}

export interface DenseGradients {
  dX: Tensor;
  dW: Tensor;
  db: Tensor;
}

/**
 * Gradients of dense: given dZ = ∂J/∂Z (m,u), returns dX = dZ·Wᵀ (m,n), dW = xᵀ·dZ (n,u), db = Σ_rows dZ (u),
 * in x's dtype. The loop nest is dense's, scattering with `+=` where forward gathers.
 */
export function denseBackward(dZ: Tensor, x: Tensor, W: Tensor, b: Tensor): DenseGradients {
  const fn = 'denseBackward';
  const { x: xd, W: wd, m, n, u } = prepare(fn, x, W, b);
  checkTensor(fn, 'dZ', dZ, [2]);
  if (dZ.shape[0] !== m || dZ.shape[1] !== u) {
    throw new Error(
      `${fn}: dZ has shape ${shapeString(dZ.shape)} but dense's output has shape ${shapeString([m, u])} (x ${shapeString(x.shape)}, W ${shapeString(W.shape)})`,
    );
  }
  const dzd = contiguous(dZ).data;
  const dtype = dtypeOf(x);
  const dX = allocate(dtype, m * n);
  const dW = new Float64Array(n * u);
  const db = new Float64Array(u);
  for (let example = 0; example < m; example++) {
    const zRow = example * u;
    for (let unit = 0; unit < u; unit++) db[unit] += dzd[zRow + unit];
    for (let input = 0; input < n; input++) {
      const xv = xd[example * n + input];
      const wRow = input * u;
      let sum = 0;
      for (let unit = 0; unit < u; unit++) {
        const grad = dzd[zRow + unit];
        dW[wRow + unit] += xv * grad;
        sum += wd[wRow + unit] * grad;
      }
      dX[example * n + input] = sum;
    }
  }
  const asDType = (values: Float64Array): FloatArray => {
    const out = allocate(dtype, values.length);
    out.set(values);
    return out;
  };
  return { dX: fromData(dX, [m, n]), dW: fromData(asDType(dW), [n, u]), db: fromData(asDType(db), [u]) };
}
