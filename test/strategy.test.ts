/**
 * The strategies (src/cnn/fast/strategy.ts) and the plans (src/cnn/fast/plan.ts):
 * - which strategy the plan picks for the course's shapes, so that no test below or elsewhere silently
 *   runs another path than it says;
 * - each conv strategy forced by name in each direction it fits (forward, backward, weight gradients
 *   only), on contiguous and view inputs, float32 and float64, against the reference loops, on shapes
 *   that span several blocks;
 * - pooling's one SIMD kernel against the reference loops with ties, −∞ and NaN, on contiguous and view
 *   inputs, float32 and float64.
 */
import { expect } from 'chai';
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
  Tensor,
} from '../src/index';
import { planConvBackward, planConvForward, planPool } from '../src/cnn/fast/plan';
import { STRATEGIES, Strategy, strategyFits, withStrategy } from '../src/cnn/fast/strategy';
import { kernelsFor } from '../src/cnn/fast/wasmKernels';
import { convGeometry, poolGeometry } from '../src/cnn/shape';
import { expectClose } from './helpers/close';
import { asLayout, f64, Layout, tolerance } from './helpers/layouts';

const DTYPES: DType[] = ['float32', 'float64'];
/** Contiguous, and views: strided (every other element), and flipped (negative steps). */
const INPUT_LAYOUTS: Layout[] = ['contiguous', 'everyOther', 'flipped'];

/** The strategies the plans pick for x (m,H,W,C) and filters (f,f,C,K), forward and backward. */
function picked(
  xShape: number[],
  wShape: number[],
  options: { stride?: number; pad?: number },
  dtype: DType,
): [string, string] {
  const g = convGeometry('conv2d', xShape, wShape, options);
  return [planConvForward(g, dtype).strategy, planConvBackward(g, dtype).strategy];
}

describe('strategies: what the plan picks', () => {
  it('W1, Sobel 3×3 pad 1 on one 512×512×1 image (one filter): planes both ways', () => {
    expect(picked([1, 512, 512, 1], [3, 3, 1, 1], { pad: 1 }, 'float32')).to.deep.equal(['planes', 'planes']);
  });

  it('LeNet conv1, 6@5×5 same on 64×28×28×1: channelsLast forward, planes backward (Wp 32 ≤ 1.3·28)', () => {
    for (const dtype of DTYPES) {
      expect(picked([64, 28, 28, 1], [5, 5, 1, 6], { pad: 2 }, dtype)).to.deep.equal([
        'channelsLast',
        'planes',
      ]);
    }
  });

  it('LeNet conv2, 16@5×5 valid on 64×14×14×6: channelsLast forward, im2col backward (Wp 14 > 1.3·10)', () => {
    for (const dtype of DTYPES) {
      expect(picked([64, 14, 14, 6], [5, 5, 6, 16], {}, dtype)).to.deep.equal(['channelsLast', 'im2col']);
    }
  });

  it('stride 2: im2col both ways', () => {
    expect(picked([8, 32, 32, 3], [3, 3, 3, 16], { stride: 2, pad: 1 }, 'float32')).to.deep.equal([
      'im2col',
      'im2col',
    ]);
  });

  it('fewer filters than a vector holds: planes where the padding is narrow, else im2col', () => {
    // float32 holds 4 values a vector, float64 2: three filters fill a float64 pair but not a float32 quad
    expect(picked([4, 28, 28, 3], [3, 3, 3, 3], { pad: 1 }, 'float32')).to.deep.equal(['planes', 'planes']);
    expect(picked([4, 28, 28, 3], [3, 3, 3, 3], { pad: 1 }, 'float64')).to.deep.equal([
      'channelsLast',
      'planes',
    ]);
    expect(picked([4, 8, 8, 3], [5, 5, 3, 2], {}, 'float32')).to.deep.equal(['im2col', 'im2col']);
  });

  it('a forced strategy is the plan’s, and one that does not fit is refused by name', () => {
    const g = convGeometry('conv2d', [2, 9, 9, 3], [3, 3, 3, 8], { pad: 1 });
    for (const strategy of ['channelsLast', 'planes', 'im2col'] as const) {
      expect(withStrategy(strategy, () => planConvForward(g, 'float32').strategy)).to.equal(strategy);
    }
    expect(withStrategy('im2col', () => planConvBackward(g, 'float32').strategy)).to.equal('im2col');
    expect(() => withStrategy('channelsLast', () => planConvBackward(g, 'float32'))).to.throw(
      "withStrategy: strategy 'channelsLast' has no backward path for stride 1",
    );
  });

  it('the plan’s record: padded sizes, window size, blocking', () => {
    const g = convGeometry('conv2d', [3, 40, 40, 3], [5, 5, 3, 7], { pad: 2 });
    const forward = withStrategy('planes', () => planConvForward(g, 'float32'));
    expect(forward.fields).to.include({ Hp: 44, Wp: 44, Kd: 75, kPadded: 8, pitch: 44, outH: 40, outW: 40 });
    // planes: blocks within one image, of the rows whose Zᵀ (kPadded × rows·Wp) holds up to 2^15 values:
    // all 40 (8·40·44 = 14080), with columns Wp apart
    expect(forward.blocks).to.deep.equal([
      { first: 0, count: 40 },
      { first: 40, count: 40 },
      { first: 80, count: 40 },
    ]);
    expect(forward.fields.ld).to.equal(40 * 44);
    // backward, planes: dCols has kdPadded = 76 rows, so 9 output rows a block (76·9·44 ≤ 2^15), 5 blocks
    // an image, the last of 4 rows; the 3 images in 3 groups
    const planes = withStrategy('planes', () => planConvBackward(g, 'float32'));
    expect(planes.groups.map((group) => group.map((b) => b.count))).to.deep.equal([
      [9, 9, 9, 9, 4],
      [9, 9, 9, 9, 4],
      [9, 9, 9, 9, 4],
    ]);
    expect(planes.fields.ld).to.equal(400); // 9·44 = 396 columns, rounded up to a multiple of 8
    const backward = withStrategy('im2col', () => planConvBackward(g, 'float32'));
    expect(backward.fields).to.include({ kdPadded: 76, kPair: 8, pitch: 40 });
    expect(backward.fields.ld).to.equal(Math.ceil((Math.floor(2 ** 15 / (75 * 40)) * 40) / 8) * 8);
    expect(backward.groups.flat().reduce((sum, b) => sum + b.count, 0)).to.equal(3 * 40);
    const pool = planPool(poolGeometry('pool2d', [2, 6, 6, 3], { size: 2, mode: 'avg' }), 'float32');
    expect(pool.fields).to.deep.equal({
      batch: 2,
      H: 6,
      W: 6,
      C: 3,
      f: 2,
      stride: 2,
      outH: 3,
      outW: 3,
      average: 1,
      tiled: 0,
    });
  });

  it('max pooling is tiled (its backward writes every cell) only where its windows cover x once', () => {
    const tiled = (x: number[], size: number, stride: number, dtype: DType, mode: 'max' | 'avg' = 'max') =>
      planPool(poolGeometry('pool2d', x, { size, stride, mode }), dtype).fields.tiled;
    expect(tiled([64, 28, 28, 6], 2, 2, 'float32')).to.equal(1); // LeNet's pool1
    expect(tiled([64, 10, 10, 16], 2, 2, 'float32')).to.equal(1); // and pool2
    expect(tiled([1, 6, 6, 2], 3, 3, 'float64')).to.equal(1); // a float64 vector is 2 channels
    expect(tiled([64, 28, 28, 6], 2, 2, 'float32', 'avg')).to.equal(0);
    expect(tiled([1, 28, 28, 6], 2, 1, 'float32')).to.equal(0); // windows overlap
    expect(tiled([1, 27, 28, 6], 2, 2, 'float32')).to.equal(0); // a row left over
    expect(tiled([1, 28, 27, 6], 2, 2, 'float32')).to.equal(0); // a column left over
    expect(tiled([1, 28, 28, 3], 2, 2, 'float32')).to.equal(0); // fewer channels than a vector
  });
});

/** Conv shapes: x, filters, options; each spans several blocks under some strategy. */
const CONV_CASES: { x: number[]; w: number[]; stride?: number; pad: number }[] = [
  { x: [3, 17, 19, 5], w: [3, 3, 5, 6], pad: 1 }, // a partial vector of filters in float32
  { x: [2, 30, 29, 1], w: [5, 5, 1, 3], pad: 2 }, // fewer filters than a float32 vector
  { x: [2, 40, 40, 3], w: [5, 5, 3, 7], pad: 2 }, // several blocks per image (planes backward, im2col)
  { x: [2, 13, 11, 4], w: [3, 3, 4, 9], stride: 2, pad: 1 }, // stride 2: im2col only
];

/** True when forcing `strategy` runs it: the plan says so, or the kernels step aside for 'reference'. */
function runs(strategy: Strategy, dtype: DType, plan: () => { strategy: string }): boolean {
  return withStrategy(strategy, () =>
    strategy === 'reference' ? kernelsFor(dtype) === null : plan().strategy === strategy,
  );
}

describe('strategies: each forced, against the reference loops', () => {
  for (const c of CONV_CASES) {
    const options = { stride: c.stride ?? 1, pad: c.pad };
    const name = `x=[${c.x}] w=[${c.w}] s=${options.stride} p=${c.pad}`;
    const g = convGeometry('conv2d', c.x, c.w, options);
    for (const strategy of STRATEGIES) {
      for (const dtype of DTYPES) {
        for (const layout of INPUT_LAYOUTS) {
          const input = (shape: number[], seed: number): Tensor =>
            asLayout(randn(shape, seed, 1, dtype), layout);
          const label = `${strategy}, ${name}, ${dtype}, ${layout}`;
          if (strategyFits(strategy, 'forward', options.stride)) {
            it(`conv2d ${label}`, () => {
              expect(runs(strategy, dtype, () => planConvForward(g, dtype))).to.equal(true);
              const [x, w, b] = [input(c.x, 1), input(c.w, 2), input([c.w[3]], 3)];
              const want = conv2dReference(f64(x), f64(w), f64(b), options);
              const got = withStrategy(strategy, () => conv2d(x, w, b, options));
              expect(got.data).to.be.instanceOf(dtype === 'float64' ? Float64Array : Float32Array);
              expectClose(got, want, tolerance(dtype, want));
            });
          }
          if (strategyFits(strategy, 'backward', options.stride)) {
            it(`conv2dBackward and conv2dWeightGradients ${label}`, () => {
              expect(runs(strategy, dtype, () => planConvBackward(g, dtype))).to.equal(true);
              const [x, w, b] = [input(c.x, 4), input(c.w, 5), input([c.w[3]], 6)];
              const dZ = input(conv2dReference(x, w, b, options).shape, 7);
              const want = conv2dBackwardReference(f64(dZ), f64(x), f64(w), f64(b), options);
              const got = withStrategy(strategy, () => conv2dBackward(dZ, x, w, b, options));
              const weights = withStrategy(strategy, () => conv2dWeightGradients(dZ, x, w, b, options));
              for (const key of ['dX', 'dW', 'db'] as const) {
                expectClose(got[key], want[key], tolerance(dtype, want[key]));
              }
              for (const key of ['dW', 'db'] as const) {
                expectClose(weights[key], want[key], tolerance(dtype, want[key]));
              }
            });
          }
        }
      }
    }
  }
});

describe('strategies: pooling against the reference loops, ties, −∞ and NaN', () => {
  /**
   * Whole numbers in [−2, 2] (most windows tie); for max, −∞ and NaN sprinkled in, and the first 2×2
   * windows of image 0's channels 0 and 1 all −∞, and all NaN and −∞ (max gives −∞; the gradient goes to
   * the first cell).
   */
  function poolInput(shape: number[], dtype: DType, specials: boolean): Tensor {
    const x = randn(shape, 11, 1, dtype);
    x.data.forEach((v, i) => {
      x.data[i] = Math.round(v * 1.5);
      if (specials && i % 7 === 3) x.data[i] = -Infinity;
      if (specials && i % 11 === 5) x.data[i] = NaN;
    });
    if (specials) {
      for (const [h, w] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ]) {
        x.set(0, h, w, 0, -Infinity);
        x.set(0, h, w, 1, h === 1 && w === 0 ? -Infinity : NaN);
      }
    }
    return x;
  }

  for (const implementation of ['picked', 'reference'] as const) {
    const under = <T>(body: () => T): T =>
      implementation === 'picked' ? body() : withStrategy(implementation, body);
    for (const dtype of DTYPES) {
      for (const layout of INPUT_LAYOUTS) {
        for (const [C, size, stride, mode, H] of [
          [5, 2, 2, 'max', 9], // a vector of channels and a partial one (float32), non-overlapping
          [5, 2, 2, 'max', 8], // the same, windows covering x exactly: tiled (planPool)
          [3, 3, 2, 'max', 9], // fewer channels than a vector, overlapping windows
          [6, 3, 1, 'avg', 9],
        ] as const) {
          const options = { size, stride, mode };
          const specials = mode === 'max' && stride === size; // −∞ and NaN where windows do not overlap
          it(`pool2d and pool2dBackward ${implementation}, x=[2,${H},8,${C}] size ${size} stride ${stride} ${mode}${specials ? ' with −∞ and NaN' : ''}, ${dtype}, ${layout}`, () => {
            const x = asLayout(poolInput([2, H, 8, C], dtype, specials), layout);
            const a = under(() => pool2d(x, options));
            const wantA = pool2dReference(f64(x), options);
            const dA = asLayout(randn(a.shape, 12, 1, dtype), layout);
            const dX = under(() => pool2dBackward(dA, x, options));
            const wantDX = pool2dBackwardReference(f64(dA), f64(x), options);
            if (specials) {
              // max picks a value and sends each gradient to one cell: the same values exactly
              expect(Array.from(a.data)).to.deep.equal(Array.from(wantA.data).map((v) => cast(v, dtype)));
              expect(Array.from(dX.data)).to.deep.equal(Array.from(wantDX.data).map((v) => cast(v, dtype)));
              expect(Array.from(a.data)).to.include(-Infinity);
              expect(Array.from(a.data).some(Number.isNaN)).to.equal(false);
            } else {
              expectClose(a, wantA, tolerance(dtype, wantA));
              expectClose(dX, wantDX, tolerance(dtype, wantDX));
            }
          });
        }
      }
    }
  }
});

/** v as the dtype stores it. */
function cast(v: number, dtype: DType): number {
  return dtype === 'float32' ? Math.fround(v) : v;
}
