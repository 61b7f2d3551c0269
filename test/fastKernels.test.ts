/**
 * The fast kernels (SIMD WebAssembly, src/cnn/fast/) case by case: each conv strategy on shapes that span
 * its blocks, the edge values of max pooling, the reference versions' errors, the strategy switch, and
 * matmul. Random shapes, dtypes and layouts for every op are test/properties.test.ts.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  conv2d,
  conv2dBackward,
  conv2dBackwardReference,
  conv2dReference,
  fastKernelsAvailable,
  full,
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
import { forcedStrategy, STRATEGIES, strategyFits, withStrategy } from '../src/cnn/fast/strategy';
import { expectClose } from './helpers/close';
import { asLayout, LAYOUTS } from './helpers/layouts';

describe('fast kernels, case by case', () => {
  it('the SIMD kernels are loaded (if not: npm run build:wasm)', () => {
    expect(fastKernelsAvailable()).to.equal(true);
  });

  for (const [xShape, wShape, pad] of [
    [[3, 40, 40, 3], [5, 5, 3, 7], 2],
    [[2, 30, 29, 1], [3, 3, 1, 5], 1],
    [[2, 13, 11, 4], [3, 3, 4, 9], 0],
  ] as const) {
    it(`x=[${xShape}] f=[${wShape}] s=1 p=${pad}: output rows not a multiple of 8 wide, 1-2 blocks, under every strategy`, () => {
      const x = randn([...xShape], 5, 1, 'float64');
      const w = randn([...wShape], 6, 1, 'float64');
      const b = randn([wShape[3]], 7, 1, 'float64');
      const options = { pad };
      const z = conv2dReference(x, w, b, options);
      const dZ = randn(z.shape, 8, 1, 'float64');
      const want = conv2dBackwardReference(dZ, x, w, b, options);
      for (const strategy of STRATEGIES.filter((s) => s !== 'reference')) {
        withStrategy(strategy, () => {
          expectClose(conv2d(x, w, b, options), z, { absolute: 1e-9 });
          if (!strategyFits(strategy, 'backward', 1)) return;
          const got = conv2dBackward(dZ, x, w, b, options);
          for (const key of ['dX', 'dW', 'db'] as const) expectClose(got[key], want[key], { absolute: 1e-9 });
        });
      }
    });
  }

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

  it('max-pool backward sends a tied window’s gradient to its first maximum only', () => {
    const x = zeros([1, 2, 2, 1], 'float64'); // all four cells tie
    const dX = pool2dBackward(full([1, 1, 1, 1], 5, 'float64'), x, { size: 2 });
    expect(Array.from(dX.data)).to.deep.equal([5, 0, 0, 0]);
  });

  it('a forced strategy that has no path for the conv is refused, and the picked path is back afterwards', () => {
    const x = randn([1, 5, 5, 1], 1, 1, 'float64');
    const w = randn([3, 3, 1, 1], 2, 1, 'float64');
    expect(() => withStrategy('planes', () => conv2d(x, w, null, { stride: 2 }))).to.throw(
      "withStrategy: strategy 'planes' has no forward path for stride 2",
    );
    const dZ = zeros([1, 3, 3, 1], 'float64');
    expect(() => withStrategy('channelsLast', () => conv2dBackward(dZ, x, w))).to.throw(
      "withStrategy: strategy 'channelsLast' has no backward path for stride 1",
    );
    expect(forcedStrategy()).to.equal(undefined);
    expectClose(conv2d(x, w, null, { stride: 2 }), conv2dReference(x, w, null, { stride: 2 }), {
      absolute: 1e-9,
    });
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
          dtype: fc.constantFrom('float64' as const, 'float32' as const),
          layout: fc.constantFrom(...LAYOUTS),
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
