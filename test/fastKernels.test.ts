/**
 * Do the fast kernels (SIMD WebAssembly, src/cnn/fast/) give the teaching reference's values?
 * On random shapes, strides, pads and views (fast-check): float64 within 1e-9, float32 within 2e-4
 * relative of the float64 reference computed on the same float32 values.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  assign,
  conv2d,
  conv2dBackward,
  conv2dBackwardReference,
  conv2dWeightGradients,
  conv2dReference,
  copy,
  DType,
  fastKernelsAvailable,
  matmul,
  pool2d,
  pool2dBackward,
  pool2dBackwardReference,
  pool2dReference,
  randn,
  Tensor,
  tensor,
  zeros,
} from '../src/index';
import { expectClose } from './helpers/close';

/**
 * float64 is compared with 1e-9; float32 with 2e-4 of the values plus 2e-4 of the output's largest value,
 * and never less than 2e-4: the inputs are O(1), and a sum that cancels to almost 0 (a 1×1 dW, say) keeps
 * the float32 rounding of its O(1) terms.
 */
function tolerance(dtype: DType, expected: Tensor): { relative: number; absolute: number } {
  if (dtype === 'float64') return { relative: 0, absolute: 1e-9 };
  let largest = 1;
  for (let i = 0; i < expected.data.length; i++) largest = Math.max(largest, Math.abs(expected.data[i]));
  return { relative: 2e-4, absolute: 2e-4 * largest };
}

type Layout = 'contiguous' | 'window' | 'transposed';

/** The same values as `a`, stored as a window inside a larger array, or transposed and read back through a view. */
function asLayout(a: Tensor, layout: Layout): Tensor {
  if (layout === 'contiguous') return a;
  if (layout === 'transposed') {
    const order = [...a.shape.keys()].reverse();
    return copy(a.transpose(...order)).transpose(...order);
  }
  const big = zeros(
    a.shape.map((d) => d + 3),
    a.data instanceof Float64Array ? 'float64' : 'float32',
  );
  const window = big.lo(...a.shape.map(() => 1)).hi(...a.shape);
  assign(window, a);
  return window;
}

/** A float64 copy: the reference then sees exactly the float32 values the fast kernel saw. */
const f64 = (a: Tensor): Tensor => copy(a, 'float64');

const dtypes = fc.constantFrom('float64' as const, 'float32' as const);
const layouts = fc.constantFrom('contiguous' as const, 'window' as const, 'transposed' as const);

const convCase = fc
  .record({
    m: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 12 }),
    W: fc.integer({ min: 1, max: 12 }),
    C: fc.integer({ min: 1, max: 5 }),
    K: fc.integer({ min: 1, max: 9 }),
    f: fc.integer({ min: 1, max: 5 }),
    stride: fc.integer({ min: 1, max: 3 }),
    pad: fc.integer({ min: 0, max: 2 }),
    batched: fc.boolean(),
    dtype: dtypes,
    layout: layouts,
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .filter((c) => c.f <= c.H + 2 * c.pad && c.f <= c.W + 2 * c.pad);

type ConvCase = typeof convCase extends fc.Arbitrary<infer T> ? T : never;

function convInputs({ m, H, W, C, K, f, seed, batched, dtype, layout }: ConvCase): {
  x: Tensor;
  w: Tensor;
  b: Tensor;
} {
  const shape = batched ? [m, H, W, C] : [H, W, C];
  const x = asLayout(randn(shape, seed, 1, dtype), layout);
  const w = asLayout(randn([f, f, C, K], seed + 1, 1, dtype), layout);
  const b = randn([K], seed + 2, 1, dtype);
  return { x, w, b };
}

describe('fast kernels equal the teaching reference', () => {
  it('the SIMD kernels are loaded (if not: npm run build:wasm)', () => {
    expect(fastKernelsAvailable()).to.equal(true);
  });

  it('conv2d vs conv2dReference: random shapes, strides, pads, views, float64 and float32', () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const { x, w, b } = convInputs(c);
        const options = { stride: c.stride, pad: c.pad };
        const got = conv2d(x, w, b, options);
        const want = conv2dReference(f64(x), f64(w), f64(b), options);
        expect(got.data).to.be.instanceOf(c.dtype === 'float64' ? Float64Array : Float32Array);
        expectClose(got, want, tolerance(c.dtype, want));
      }),
      { numRuns: 200 },
    );
  });

  it('conv2dBackward (and conv2dWeightGradients) vs conv2dBackwardReference: dX, dW, db on random shapes, strides, pads, views', () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const { x, w, b } = convInputs(c);
        const options = { stride: c.stride, pad: c.pad };
        const zShape = conv2dReference(x, w, b, options).shape;
        const dZ = asLayout(randn(zShape, c.seed + 3, 1, c.dtype), c.layout);
        const got = conv2dBackward(dZ, x, w, b, options);
        const want = conv2dBackwardReference(f64(dZ), f64(x), f64(w), f64(b), options);
        for (const key of ['dX', 'dW', 'db'] as const) {
          expect(got[key].data, key).to.be.instanceOf(c.dtype === 'float64' ? Float64Array : Float32Array);
          expectClose(got[key], want[key], tolerance(c.dtype, want[key]));
        }
        // the first layer's shortcut: the same dW and db, no dX
        const weights = conv2dWeightGradients(dZ, x, w, b, options);
        expect(Object.keys(weights).sort()).to.deep.equal(['dW', 'db']);
        for (const key of ['dW', 'db'] as const) {
          expectClose(weights[key], want[key], tolerance(c.dtype, want[key]));
        }
      }),
      { numRuns: 200 },
    );
  });

  for (const [xShape, wShape, pad] of [
    [[3, 40, 40, 3], [5, 5, 3, 7], 2],
    [[2, 30, 29, 1], [3, 3, 1, 5], 1],
    [[2, 13, 11, 4], [3, 3, 4, 9], 0],
  ] as const) {
    it(`x=[${xShape}] f=[${wShape}] s=1 p=${pad}: output rows not a multiple of 8 wide (windows read from the planes, or copied by im2col), 1-2 blocks`, () => {
      const x = randn([...xShape], 5, 1, 'float64');
      const w = randn([...wShape], 6, 1, 'float64');
      const b = randn([wShape[3]], 7, 1, 'float64');
      const options = { pad };
      const z = conv2d(x, w, b, options);
      expectClose(z, conv2dReference(x, w, b, options), { absolute: 1e-9 });
      const dZ = randn(z.shape, 8, 1, 'float64');
      const got = conv2dBackward(dZ, x, w, b, options);
      const want = conv2dBackwardReference(dZ, x, w, b, options);
      expectClose(got.dX, want.dX, { absolute: 1e-9 });
      expectClose(got.dW, want.dW, { absolute: 1e-9 });
      expectClose(got.db, want.db, { absolute: 1e-9 });
    });
  }

  const poolCase = fc
    .record({
      m: fc.integer({ min: 1, max: 3 }),
      H: fc.integer({ min: 1, max: 10 }),
      W: fc.integer({ min: 1, max: 10 }),
      C: fc.integer({ min: 1, max: 11 }),
      f: fc.integer({ min: 1, max: 4 }),
      stride: fc.integer({ min: 1, max: 3 }),
      mode: fc.constantFrom('max' as const, 'avg' as const),
      ties: fc.boolean(),
      batched: fc.boolean(),
      dtype: dtypes,
      layout: layouts,
      seed: fc.integer({ min: 0, max: 1e6 }),
    })
    .filter((c) => c.f <= c.H && c.f <= c.W);

  it('pool2d and pool2dBackward vs the reference: max and avg, overlapping windows, ties, views', () => {
    fc.assert(
      fc.property(poolCase, ({ m, H, W, C, f, stride, mode, ties, batched, dtype, layout, seed }) => {
        const shape = batched ? [m, H, W, C] : [H, W, C];
        const values = randn(shape, seed, 1, dtype);
        // whole numbers in [-2, 2] make many windows with several equal maxima: the first must win
        if (ties) values.data.forEach((v, i) => (values.data[i] = Math.round(v * 1.5)));
        const x = asLayout(values, layout);
        const options = { size: f, stride, mode };
        const a = pool2d(x, options);
        const wantA = pool2dReference(f64(x), options);
        expectClose(a, wantA, tolerance(dtype, wantA));
        const dA = asLayout(randn(a.shape, seed + 1, 1, dtype), layout);
        const dX = pool2dBackward(dA, x, options);
        const wantDX = pool2dBackwardReference(f64(dA), f64(x), options);
        expect(dX.data).to.be.instanceOf(dtype === 'float64' ? Float64Array : Float32Array);
        expectClose(dX, wantDX, tolerance(dtype, wantDX));
      }),
      { numRuns: 300 },
    );
  });

  it('max pool (2,2,5), vector and scalar lanes: NaN never wins; a window of −∞ sends its gradient to its first cell', () => {
    const x = zeros([2, 2, 5]);
    const cells = [NaN, 1, -Infinity, -Infinity]; // (0,0), (0,1), (1,0), (1,1)
    for (let c = 0; c < 5; c++) cells.forEach((v, i) => x.set(i >> 1, i & 1, c, v));
    expect(Array.from(pool2d(x, { size: 2 }).data)).to.deep.equal([1, 1, 1, 1, 1]);
    const minusInfinity = zeros([2, 2, 5]);
    minusInfinity.data.fill(-Infinity);
    const dA = tensor([[[1, 2, 3, 4, 5]]]);
    const dX = pool2dBackward(dA, minusInfinity, { size: 2 });
    expect(Array.from(dX.pick(0, 0, null).data.slice(0, 5))).to.deep.equal([1, 2, 3, 4, 5]);
    expect(Array.from(dX.data).reduce((sum, v) => sum + v, 0)).to.equal(15);
  });

  it('the reference versions name themselves in errors', () => {
    expect(() => conv2dReference(zeros([1, 6, 6, 1]), zeros([3, 3, 3, 8]))).to.throw(
      'conv2dReference: filter has 3 input channels but the input has 1 (input [1,6,6,1], filter [3,3,3,8])',
    );
    expect(() =>
      conv2dBackwardReference(zeros([1, 3, 3, 8]), zeros([1, 6, 6, 1]), zeros([3, 3, 1, 8])),
    ).to.throw(
      "conv2dBackwardReference: dZ has shape [1,3,3,8] but conv2d's output has shape [1,4,4,8] (input [1,6,6,1], filter [3,3,1,8])",
    );
    expect(() => pool2dReference(zeros([1, 6, 6, 1]), { size: 7 })).to.throw(
      'pool2dReference: window 7×7 is larger than the input 6×6 (input [1,6,6,1])',
    );
    expect(() => pool2dBackwardReference(zeros([1, 2, 2, 1]), zeros([1, 6, 6, 1]), { size: 2 })).to.throw(
      "pool2dBackwardReference: dA has shape [1,2,2,1] but pool2d's output has shape [1,3,3,1] (input [1,6,6,1], size 2, stride 2)",
    );
  });
});

describe('matmul (the GEMM kernel dense can use)', () => {
  /** Σ_t A[i,t]·B[t,j] with plain loops over views, in float64. */
  function naive(A: Tensor, B: Tensor): number[][] {
    const [m, n] = A.shape;
    const p = B.shape[1];
    return Array.from({ length: m }, (_, i) =>
      Array.from({ length: p }, (_, j) => {
        let sum = 0;
        for (let t = 0; t < n; t++) sum += A.get(i, t) * B.get(t, j);
        return sum;
      }),
    );
  }

  it('random sizes, transposes and views, float64 within 1e-9 and float32 within 2e-4', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 1, max: 13 }),
          n: fc.integer({ min: 1, max: 21 }),
          p: fc.integer({ min: 1, max: 19 }),
          transposeA: fc.boolean(),
          transposeB: fc.boolean(),
          dtype: dtypes,
          layout: layouts,
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        ({ m, n, p, transposeA, transposeB, dtype, layout, seed }) => {
          const a = asLayout(randn(transposeA ? [n, m] : [m, n], seed, 1, dtype), layout);
          const b = asLayout(randn(transposeB ? [p, n] : [n, p], seed + 1, 1, dtype), layout);
          const got = matmul(a, b, { transposeA, transposeB });
          const want = naive(transposeA ? a.transpose(1, 0) : a, transposeB ? b.transpose(1, 0) : b);
          expect(got.shape).to.deep.equal([m, p]);
          expect(got.data).to.be.instanceOf(dtype === 'float64' ? Float64Array : Float32Array);
          const scale = Math.max(...want.flat().map(Math.abs));
          expectClose(
            got,
            want,
            dtype === 'float64' ? { absolute: 1e-9 } : { relative: 2e-4, absolute: 2e-4 * scale },
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('[[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]', () => {
    const c = matmul(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([
        [5, 6],
        [7, 8],
      ]),
    );
    expect(c.shape).to.deep.equal([2, 2]);
    expect(Array.from(c.data)).to.deep.equal([19, 22, 43, 50]);
  });

  it('mismatched inner sizes name both shapes; a 1-D operand is refused', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).to.throw(
      'matmul: a [2,3] has 3 columns but b [4,5] has 4 rows (a [2,3], b [4,5])',
    );
    expect(() => matmul(zeros([2, 3]), zeros([4, 3]), { transposeB: false })).to.throw(
      /^matmul: a \[2,3\] has 3 columns/,
    );
    expect(() => matmul(zeros([3, 2]), zeros([4, 5]), { transposeA: true })).to.throw(
      'matmul: aᵀ [2,3] has 3 columns but b [4,5] has 4 rows (a [3,2], b [4,5])',
    );
    expect(() => matmul(zeros([3]), zeros([3, 1]))).to.throw(
      'matmul: a must have 2 dimensions, got 1 (a [3])',
    );
  });
});
