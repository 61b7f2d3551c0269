/**
 * Edge values through the fused conv + relu (conv2dRelu.ts) and the tiled max-pool backward pass
 * (PoolPlan.tiled), the cases the other suites do not feed them (first written by an independent review):
 * conv2dReluBackward against conv2dBackward(reluBackward(...)) with NaN, ±∞ and −0 among the gradients,
 * NaN and ∞ among the inputs, 3-D inputs, strides, padding and views, on 1 and 3 threads; the tiled
 * pool backward against the reference with ties, −∞ windows, NaN, float64 and channel counts around
 * the vector width, after a call that left NaN in the workspace; LeNet's layers one by one as
 * notebook 13 runs them, and through a save and load.
 */
import { expect } from 'chai';
import {
  conv2d,
  conv2dBackward,
  conv2dWeightGradients,
  DType,
  lenet5,
  loadModel,
  pool2d,
  pool2dBackward,
  randn,
  relu,
  reluBackward,
  setThreads,
  Tensor,
} from '../src/index';
import { conv2dRelu, conv2dReluBackward } from '../src/cnn/conv2dRelu';
import { STRATEGIES, strategyFits, withStrategy } from '../src/cnn/fast/strategy';
import { planPool } from '../src/cnn/fast/plan';
import { withWorkPerThread } from '../src/cnn/fast/wasmKernels';
import { pool2dBackwardReference, pool2dReference } from '../src/cnn/reference/pool2dReference';
import { asLayout, Layout } from './helpers/layouts';

const DTYPES: DType[] = ['float32', 'float64'];

/** A tensor's values as strings, for deep.equal to the bit: −0 and NaN spelled out. */
function bits(t: Tensor | null): string[] {
  expect(t).to.not.equal(null);
  return Array.from((t as Tensor).data, (v) => (Object.is(v, -0) ? '-0' : String(v)));
}

/** randn values with `specials` written over some of them (every 7th cell from the 3rd, wrapping). */
function withSpecials(shape: number[], seed: number, dtype: DType, specials: number[]): Tensor {
  const t = randn(shape, seed, 1, dtype);
  specials.forEach((v, i) => (t.data[(i * 7 + 3) % t.size] = v));
  return t;
}

/** Runs `body` on 1 thread, then on `threads` with every call split as far as it goes. */
function onThreads(threads: number, body: () => void): void {
  if (threads === 1) return body();
  try {
    setThreads(threads);
    withWorkPerThread(1, body);
  } finally {
    setThreads(1);
  }
}

describe('edge values: conv2dReluBackward with NaN, ±∞ and −0, to the bit of the two steps', () => {
  const CASES = [
    { x: [2, 7, 9, 3], w: [3, 3, 3, 8], stride: 1, pad: 1 },
    { x: [7, 9, 3], w: [3, 3, 3, 8], stride: 1, pad: 2 }, // one example, no batch axis
    { x: [2, 7, 9, 3], w: [3, 3, 3, 5], stride: 2, pad: 0 },
    { x: [1, 5, 4, 2], w: [2, 2, 2, 1], stride: 3, pad: 1 }, // one filter, windows past the edge
  ];
  const GRADIENT_SPECIALS = [NaN, Infinity, -Infinity, -0, 0, NaN, -0, -0, 1e30];
  for (const threads of [1, 3]) {
    for (const dtype of DTYPES) {
      for (const strategy of STRATEGIES) {
        for (const c of CASES) {
          if (!strategyFits(strategy, 'backward', c.stride)) continue;
          for (const layout of ['contiguous', 'transposed'] as Layout[]) {
            const options = { stride: c.stride, pad: c.pad };
            it(`${threads} thread(s), ${dtype}, ${strategy}, x=[${c.x}] w=[${c.w}] s=${c.stride} p=${c.pad}, ${layout}`, () => {
              const x = asLayout(withSpecials(c.x, 1, dtype, [NaN, Infinity, -0]), layout);
              const w = asLayout(withSpecials(c.w, 2, dtype, [-0]), layout);
              const b = randn([c.w[3]], 3, 1, dtype);
              const a = withStrategy('reference', () => relu(conv2d(x, w, b, options)));
              const dA = asLayout(withSpecials(a.shape, 4, dtype, GRADIENT_SPECIALS), layout);
              const dZ = reluBackward(dA, a);
              onThreads(threads, () => {
                const got = withStrategy(strategy, () => conv2dReluBackward(dA, a, x, w, b, options));
                const want = withStrategy(strategy, () => conv2dBackward(dZ, x, w, b, options));
                for (const key of ['dX', 'dW', 'db'] as const)
                  expect(bits(got[key]), key).to.deep.equal(bits(want[key]));
                const weights = withStrategy(strategy, () =>
                  conv2dReluBackward(dA, a, x, w, b, options, false),
                );
                const wantWeights = withStrategy(strategy, () => conv2dWeightGradients(dZ, x, w, b, options));
                expect(bits(weights.dW)).to.deep.equal(bits(wantWeights.dW));
                expect(bits(weights.db)).to.deep.equal(bits(wantWeights.db));
              });
            });
          }
        }
      }
    }
  }

  it('forward: NaN and −0 among x, W and b give relu(conv2d)’s bits under every strategy', () => {
    for (const dtype of DTYPES) {
      const x = withSpecials([2, 6, 7, 3], 5, dtype, [NaN, -0, -0]);
      const w = withSpecials([3, 3, 3, 8], 6, dtype, [-0]);
      const b = withSpecials([8], 7, dtype, [-0]);
      for (const strategy of STRATEGIES) {
        if (!strategyFits(strategy, 'forward', 1)) continue;
        const got = withStrategy(strategy, () => conv2dRelu(x, w, b, { pad: 1 }));
        const want = withStrategy(strategy, () => relu(conv2d(x, w, b, { pad: 1 })));
        expect(bits(got), `${dtype} ${strategy}`).to.deep.equal(bits(want));
        expect(bits(got).filter((v) => v === 'NaN').length, 'NaN reaches the output').to.be.above(0);
      }
    }
  });
});

describe('edge values: max-pool backward, tiled (every dX cell written, no zeroing) = the reference', () => {
  // C around the vector width (4 lanes of float32, 2 of float64); H and W tiled exactly by f
  const SHAPES = [
    [3, 4, 6, 1],
    [3, 4, 6, 2],
    [3, 4, 6, 4],
    [3, 4, 6, 5],
    [2, 28, 28, 6],
    [2, 6, 6, 9],
  ];
  for (const threads of [1, 2]) {
    for (const dtype of DTYPES) {
      for (const shape of SHAPES) {
        for (const f of [1, 2, 3]) {
          if (shape[1] % f !== 0 || shape[2] % f !== 0) continue;
          const C = shape[3];
          const lanes = dtype === 'float64' ? 2 : 4;
          const g = {
            batch: shape[0],
            inHeight: shape[1],
            inWidth: shape[2],
            channels: C,
            size: f,
            stride: f,
            outHeight: shape[1] / f,
            outWidth: shape[2] / f,
            mode: 'max' as const,
          };
          it(`${threads} thread(s), ${dtype}, x=[${shape}] f=${f}: tiled ${C >= lanes}`, () => {
            expect(planPool(g, dtype).fields.tiled).to.equal(C >= lanes ? 1 : 0);
            // integers: many ties, first maximum wins; NaN never wins; a window of −∞ sends to its first cell
            const x = randn(shape, 11, 1, dtype);
            x.data.forEach((v, i) => (x.data[i] = Math.round(v)));
            [NaN, -Infinity, -Infinity, Infinity, NaN].forEach((v, i) => (x.data[(i * 5 + 2) % x.size] = v));
            for (let c = 0; c < C; c++) x.data[c] = x.data[C + c] = -Infinity;
            if (f > 1)
              for (let c = 0; c < C; c++)
                x.data[shape[2] * C + c] = x.data[(shape[2] + 1) * C + c] = -Infinity;
            const options = { size: f, stride: f };
            const dA = randn(pool2dReference(x, options).shape, 12, 1, dtype);
            // −0 too: the reference adds it onto 0, which gives +0
            [NaN, Infinity, -Infinity, -0, -0].forEach((v, i) => (dA.data[(i * 3 + 1) % dA.size] = v));
            onThreads(threads, () => {
              // leave NaN all over the workspace: a larger average-pool backward pass first
              const junk = randn([shape[0] + 2, shape[1] * 2, shape[2] * 2, C], 13, 1, dtype);
              junk.data.fill(NaN);
              pool2dBackward(pool2d(junk, { size: 2, mode: 'avg' }), junk, { size: 2, mode: 'avg' });
              expect(bits(pool2d(x, options))).to.deep.equal(bits(pool2dReference(x, options)));
              expect(bits(pool2dBackward(dA, x, options))).to.deep.equal(
                bits(pool2dBackwardReference(dA, x, options)),
              );
            });
          });
        }
      }
    }
  }
});

describe('edge values: LeNet layer by layer, as notebook 13 runs it', () => {
  it('layers[0] is conv + relu (28×28×6), layers[2](layers[1](·)) CONV2’s 10×10×16 maps; the same after a save and load', () => {
    const model = lenet5({ seed: 4 });
    const digit = randn([1, 28, 28, 1], 5);
    const conv1 = model.layers[0];
    const [W, b] = conv1.parameters;
    const maps = conv1.forward(digit);
    expect(maps.shape).to.deep.equal([1, 28, 28, 6]);
    expect(bits(maps)).to.deep.equal(bits(relu(conv2d(digit, W.value, b.value, { pad: 2 }))));
    const conv2Maps = model.layers[2].forward(model.layers[1].forward(maps));
    expect(conv2Maps.shape).to.deep.equal([1, 10, 10, 16]);
    expect(model.summary().map((r) => r.name)).to.deep.equal([
      'CONV1',
      'POOL1',
      'CONV2',
      'POOL2',
      'FC3',
      'FC4',
      'FC5',
    ]);
    const loaded = loadModel(JSON.stringify(model));
    const again = loaded.layers[2].forward(loaded.layers[1].forward(loaded.layers[0].forward(digit)));
    expect(bits(again)).to.deep.equal(bits(conv2Maps));
    expect(bits(loaded.forward(digit))).to.deep.equal(bits(model.forward(digit)));
  });
});
