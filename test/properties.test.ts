/**
 * Property tests: on random shapes, strides and pads, the library's kernels equal the plain reference
 * loops in test/helpers/naive.ts, and a strided view gives the same result as its copy.
 */
import fc from 'fast-check';
import {
  conv2d,
  conv2dBackward,
  copy,
  pool2d,
  pool2dBackward,
  randn,
  Tensor,
  zeros,
  assign,
  full,
} from '../src/index';
import { naiveConv2d, naiveConv2dBackward, naivePool2d, naivePool2dBackward } from './helpers/naive';
import { expectClose } from './helpers/close';

const tight = { absolute: 1e-9 };

/** A conv problem whose filter fits the padded input. */
const convCase = fc
  .record({
    m: fc.integer({ min: 1, max: 2 }),
    H: fc.integer({ min: 1, max: 7 }),
    W: fc.integer({ min: 1, max: 7 }),
    C: fc.integer({ min: 1, max: 3 }),
    K: fc.integer({ min: 1, max: 3 }),
    f: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 3 }),
    pad: fc.integer({ min: 0, max: 2 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .filter((c) => c.f <= c.H + 2 * c.pad && c.f <= c.W + 2 * c.pad);

const poolCase = fc
  .record({
    m: fc.integer({ min: 1, max: 2 }),
    H: fc.integer({ min: 1, max: 7 }),
    W: fc.integer({ min: 1, max: 7 }),
    C: fc.integer({ min: 1, max: 3 }),
    f: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 3 }),
    mode: fc.constantFrom('max' as const, 'avg' as const),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .filter((c) => c.f <= c.H && c.f <= c.W);

/** The same values as `a`, but stored transposed and read back through a transposing view. */
function asTransposedView(a: Tensor): Tensor {
  const order = [3, 2, 1, 0];
  const stored = copy(a.transpose(...order));
  return stored.transpose(...order);
}

describe('kernels equal the plain reference loops (fast-check)', () => {
  it('conv2d forward, random shapes/strides/pads', () => {
    fc.assert(
      fc.property(convCase, ({ m, H, W, C, K, f, stride, pad, seed }) => {
        const x = randn([m, H, W, C], seed, 1, 'float64');
        const w = randn([f, f, C, K], seed + 1, 1, 'float64');
        const b = randn([K], seed + 2, 1, 'float64');
        expectClose(conv2d(x, w, b, { stride, pad }), naiveConv2d(x, w, b, stride, pad), tight);
      }),
      { numRuns: 150 },
    );
  });

  it('conv2dBackward, random shapes/strides/pads', () => {
    fc.assert(
      fc.property(convCase, ({ m, H, W, C, K, f, stride, pad, seed }) => {
        const x = randn([m, H, W, C], seed, 1, 'float64');
        const w = randn([f, f, C, K], seed + 1, 1, 'float64');
        const b = randn([K], seed + 2, 1, 'float64');
        const z = conv2d(x, w, b, { stride, pad });
        const dZ = randn(z.shape, seed + 3, 1, 'float64');
        const got = conv2dBackward(dZ, x, w, b, { stride, pad });
        const want = naiveConv2dBackward(dZ, x, w, stride, pad);
        expectClose(got.dX, want.dX, tight);
        expectClose(got.dW, want.dW, tight);
        expectClose(got.db, want.db, tight);
      }),
      { numRuns: 150 },
    );
  });

  it('pool2d and pool2dBackward, max and avg, overlapping windows included', () => {
    fc.assert(
      fc.property(poolCase, ({ m, H, W, C, f, stride, mode, seed }) => {
        const x = randn([m, H, W, C], seed, 1, 'float64');
        const a = pool2d(x, { size: f, stride, mode });
        expectClose(a, naivePool2d(x, f, stride, mode), tight);
        const dA = randn(a.shape, seed + 1, 1, 'float64');
        expectClose(
          pool2dBackward(dA, x, { size: f, stride, mode }),
          naivePool2dBackward(dA, x, f, stride, mode),
          tight,
        );
      }),
      { numRuns: 150 },
    );
  });

  it('max-pool backward sends a tied window’s gradient to its first maximum only', () => {
    const x = zeros([1, 2, 2, 1], 'float64'); // all four cells tie
    const dX = pool2dBackward(full([1, 1, 1, 1], 5, 'float64'), x, { size: 2 });
    expectClose(
      dX,
      [
        [
          [[5], [0]],
          [[0], [0]],
        ],
      ],
      tight,
    );
  });
});

describe('views give the same results as copies', () => {
  const x = randn([2, 9, 8, 3], 7, 1, 'float64');
  const w = randn([3, 3, 3, 4], 8, 1, 'float64');
  const b = randn([4], 9, 1, 'float64');
  const views: Record<string, Tensor> = {
    'lo/hi window': x.lo(0, 1, 2, 0).hi(2, 7, 6, 3),
    'step 2 on rows and cols': x.step(1, 2, 2, 1),
    'negative step (flipped columns)': x.step(1, 1, -1, 1),
    'transposed storage': asTransposedView(x),
    'pick of one image': x.pick(1, null, null, null),
  };
  for (const [name, view] of Object.entries(views)) {
    it(`${name}: conv2d, conv2dBackward, pool2d, pool2dBackward`, () => {
      const dense = copy(view);
      const opts = { stride: 2, pad: 1 };
      expectClose(conv2d(view, w, b, opts), conv2d(dense, w, b, opts), tight);
      const dZ = randn(conv2d(dense, w, b, opts).shape, 3, 1, 'float64');
      const a = conv2dBackward(dZ, view, w, b, opts);
      const d = conv2dBackward(dZ, dense, w, b, opts);
      expectClose(a.dX, d.dX, tight);
      expectClose(a.dW, d.dW, tight);
      const poolOpts = { size: 2, stride: 1, mode: 'max' as const };
      expectClose(pool2d(view, poolOpts), pool2d(dense, poolOpts), tight);
      const dA = randn(pool2d(dense, poolOpts).shape, 4, 1, 'float64');
      expectClose(pool2dBackward(dA, view, poolOpts), pool2dBackward(dA, dense, poolOpts), tight);
    });
  }

  it('filter and bias given as views (a transposed filter bank, a strided bias)', () => {
    const wT = assign(zeros([4, 3, 3, 3], 'float64'), w.transpose(3, 2, 1, 0)).transpose(3, 2, 1, 0);
    const bigB = zeros([8], 'float64');
    for (let k = 0; k < 4; k++) bigB.set(2 * k, b.get(k));
    expectClose(conv2d(x, wT, bigB.step(2)), conv2d(x, w, b), tight);
  });
});
