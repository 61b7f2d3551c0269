/**
 * The property suite: on random shapes, strides and pads (fast-check), every op × dtype × layout ×
 * implementation gives the teaching reference loops' values (src/cnn/reference/, themselves held to
 * PyTorch by test/fixtures.test.ts).
 *   op: conv2d, conv2dBackward (and conv2dWeightGradients), pool2d, pool2dBackward
 *   dtype: float64 within 1e-9; float32 within 2e-4 of the float64 reference run on the same float32 values
 *   layout: every input (x, W, b, dZ, dA) contiguous or a view: a window, every other element, flipped,
 *     stored transposed, or one slice picked out of a larger array
 *   implementation: the path conv2d picks, or a strategy forced by name (src/cnn/fast/strategy.ts)
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  conv2d,
  conv2dBackward,
  conv2dBackwardReference,
  conv2dReference,
  conv2dWeightGradients,
  DType,
  pool2d,
  pool2dBackward,
  pool2dBackwardReference,
  pool2dReference,
  randn,
} from '../src/index';
import { STRATEGIES, strategyFits, withStrategy } from '../src/cnn/fast/strategy';
import { expectClose } from './helpers/close';
import { asLayout, f64, LAYOUTS, tolerance } from './helpers/layouts';

/** Runs `body` under an implementation: 'picked' forces nothing. */
function under<T>(implementation: 'picked' | (typeof STRATEGIES)[number], body: () => T): T {
  return implementation === 'picked' ? body() : withStrategy(implementation, body);
}

/**
 * What conv and pool cases both draw: a batch of m images H×W×C (or one image, unbatched), an f×f window
 * with its stride, the dtype, the layout of every input, and a seed for the values.
 */
const volume = {
  m: fc.integer({ min: 1, max: 3 }),
  H: fc.integer({ min: 1, max: 12 }),
  W: fc.integer({ min: 1, max: 12 }),
  C: fc.integer({ min: 1, max: 11 }),
  f: fc.integer({ min: 1, max: 5 }),
  stride: fc.integer({ min: 1, max: 3 }),
  batched: fc.boolean(),
  dtype: fc.constantFrom<DType>('float64', 'float32'),
  layout: fc.constantFrom(...LAYOUTS),
  seed: fc.integer({ min: 0, max: 1e6 }),
};

/** A conv problem whose filter fits the padded input, with an implementation that has a path for it. */
function convCase(direction: 'forward' | 'backward') {
  return fc
    .record({
      ...volume,
      K: fc.integer({ min: 1, max: 9 }),
      pad: fc.integer({ min: 0, max: 2 }),
      implementation: fc.constantFrom('picked' as const, ...STRATEGIES),
    })
    .filter((c) => c.f <= c.H + 2 * c.pad && c.f <= c.W + 2 * c.pad)
    .filter((c) => c.implementation === 'picked' || strategyFits(c.implementation, direction, c.stride));
}

type ConvCase = ReturnType<typeof convCase> extends fc.Arbitrary<infer T> ? T : never;

function convInputs({ m, H, W, C, K, f, seed, batched, dtype, layout }: ConvCase) {
  const shape = batched ? [m, H, W, C] : [H, W, C];
  return {
    x: asLayout(randn(shape, seed, 1, dtype), layout),
    w: asLayout(randn([f, f, C, K], seed + 1, 1, dtype), layout),
    b: asLayout(randn([K], seed + 2, 1, dtype), layout),
  };
}

const poolCase = fc
  .record({
    ...volume,
    mode: fc.constantFrom('max' as const, 'avg' as const),
    ties: fc.boolean(),
    // pooling has one SIMD kernel (the picked path) and the reference loops
    implementation: fc.constantFrom('picked' as const, 'reference' as const),
  })
  .filter((c) => c.f <= c.H && c.f <= c.W);

const arrayType = (dtype: DType) => (dtype === 'float64' ? Float64Array : Float32Array);

describe('every op × dtype × layout × implementation equals the reference loops (fast-check)', () => {
  it('conv2d', () => {
    fc.assert(
      fc.property(convCase('forward'), (c) => {
        const { x, w, b } = convInputs(c);
        const options = { stride: c.stride, pad: c.pad };
        const got = under(c.implementation, () => conv2d(x, w, b, options));
        const want = conv2dReference(f64(x), f64(w), f64(b), options);
        expect(got.data).to.be.instanceOf(arrayType(c.dtype));
        expectClose(got, want, tolerance(c.dtype, want));
      }),
      { numRuns: 300 },
    );
  });

  it('conv2dBackward and conv2dWeightGradients: dX, dW, db', () => {
    fc.assert(
      fc.property(convCase('backward'), (c) => {
        const { x, w, b } = convInputs(c);
        const options = { stride: c.stride, pad: c.pad };
        const zShape = conv2dReference(x, w, b, options).shape;
        const dZ = asLayout(randn(zShape, c.seed + 3, 1, c.dtype), c.layout);
        const got = under(c.implementation, () => conv2dBackward(dZ, x, w, b, options));
        const want = conv2dBackwardReference(f64(dZ), f64(x), f64(w), f64(b), options);
        for (const key of ['dX', 'dW', 'db'] as const) {
          expect(got[key].data, key).to.be.instanceOf(arrayType(c.dtype));
          expect(got[key].shape, key).to.deep.equal(want[key].shape);
          expectClose(got[key], want[key], tolerance(c.dtype, want[key]));
        }
        // the first layer's shortcut: the same dW and db, no dX
        const weights = under(c.implementation, () => conv2dWeightGradients(dZ, x, w, b, options));
        expect(Object.keys(weights).sort()).to.deep.equal(['dW', 'db']);
        for (const key of ['dW', 'db'] as const) {
          expectClose(weights[key], want[key], tolerance(c.dtype, want[key]));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('pool2d and pool2dBackward: max and avg, overlapping windows, ties', () => {
    fc.assert(
      fc.property(
        poolCase,
        ({ m, H, W, C, f, stride, mode, ties, batched, dtype, layout, implementation, seed }) => {
          const shape = batched ? [m, H, W, C] : [H, W, C];
          const values = randn(shape, seed, 1, dtype);
          // whole numbers in [-2, 2] make many windows with several equal maxima: the first must win
          if (ties) values.data.forEach((v, i) => (values.data[i] = Math.round(v * 1.5)));
          const x = asLayout(values, layout);
          const options = { size: f, stride, mode };
          const a = under(implementation, () => pool2d(x, options));
          const wantA = pool2dReference(f64(x), options);
          expectClose(a, wantA, tolerance(dtype, wantA));
          const dA = asLayout(randn(a.shape, seed + 1, 1, dtype), layout);
          const dX = under(implementation, () => pool2dBackward(dA, x, options));
          const wantDX = pool2dBackwardReference(f64(dA), f64(x), options);
          expect(dX.data).to.be.instanceOf(arrayType(dtype));
          expectClose(dX, wantDX, tolerance(dtype, wantDX));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('each layout holds the values it was given, and all but contiguous are views with other strides', () => {
    const a = randn([2, 3, 4], 1, 1, 'float64');
    for (const layout of LAYOUTS) {
      const view = asLayout(a, layout);
      expectClose(view, a, { absolute: 0 });
      const plain = view.offset === 0 && view.data.length === a.size && view.stride.join() === '12,4,1';
      expect(plain, layout).to.equal(layout === 'contiguous');
    }
  });
});
