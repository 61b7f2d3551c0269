/**
 * conv2dRelu and conv2dReluBackward (src/cnn/conv2dRelu.ts), the fused conv + relu a conv layer with
 * `activation: 'relu'` runs: to the bit the values of the two steps, relu(conv2d(...)) and
 * conv2dBackward(reluBackward(...)), under every strategy (forced), in float32 and float64, on contiguous
 * and view inputs, on several threads, and without the kernels; with clear errors for bad shapes.
 */
import { expect } from 'chai';
import {
  conv2d,
  conv2dBackward,
  conv2dWeightGradients,
  DType,
  fromData,
  randn,
  relu,
  reluBackward,
  setThreads,
  Tensor,
} from '../src/index';
import { conv2dRelu, conv2dReluBackward } from '../src/cnn/conv2dRelu';
import { STRATEGIES, strategyFits, withStrategy } from '../src/cnn/fast/strategy';
import { withWorkPerThread } from '../src/cnn/fast/wasmKernels';
import { asLayout, Layout } from './helpers/layouts';

const DTYPES: DType[] = ['float32', 'float64'];
const LAYOUTS: Layout[] = ['contiguous', 'flipped'];

/** LeNet's two convs, a partial vector of filters, stride 2 (im2col only). */
const CASES = [
  { x: [3, 12, 12, 1], w: [5, 5, 1, 6], stride: 1, pad: 2 },
  { x: [3, 9, 9, 6], w: [5, 5, 6, 16], stride: 1, pad: 0 },
  { x: [2, 11, 13, 3], w: [3, 3, 3, 5], stride: 1, pad: 1 },
  { x: [2, 13, 11, 4], w: [3, 3, 4, 9], stride: 2, pad: 1 },
];

/** A tensor's values, for deep.equal: the same bits (no NaN among them; +0 and −0 differ). */
function values(t: Tensor | null): number[] {
  expect(t).to.not.equal(null);
  return Array.from((t as Tensor).data);
}

describe('conv2dRelu: the values of conv2d then relu, to the bit', () => {
  for (const c of CASES) {
    const options = { stride: c.stride, pad: c.pad };
    const name = `x=[${c.x}] w=[${c.w}] s=${c.stride} p=${c.pad}`;
    for (const strategy of STRATEGIES) {
      for (const dtype of DTYPES) {
        for (const layout of LAYOUTS) {
          const input = (shape: number[], seed: number): Tensor =>
            asLayout(randn(shape, seed, 1, dtype), layout);
          const label = `${strategy}, ${name}, ${dtype}, ${layout}`;
          if (strategyFits(strategy, 'forward', c.stride)) {
            it(`forward ${label}`, () => {
              const [x, w, b] = [input(c.x, 1), input(c.w, 2), input([c.w[3]], 3)];
              const a = withStrategy(strategy, () => conv2dRelu(x, w, b, options));
              const want = withStrategy(strategy, () => relu(conv2d(x, w, b, options)));
              expect(a.shape).to.deep.equal(want.shape);
              expect(values(a)).to.deep.equal(values(want));
              // a real mix: about half the values cut to 0
              const zeros = values(a).filter((v) => v === 0).length;
              expect(zeros).to.be.within(a.size * 0.2, a.size * 0.8);
            });
          }
          if (strategyFits(strategy, 'backward', c.stride)) {
            it(`backward ${label}: dX, dW, db, and the weight gradients alone`, () => {
              const [x, w, b] = [input(c.x, 4), input(c.w, 5), input([c.w[3]], 6)];
              const a = relu(conv2d(x, w, b, options));
              const dA = input(a.shape, 7);
              const got = withStrategy(strategy, () => conv2dReluBackward(dA, a, x, w, b, options));
              const dZ = reluBackward(dA, a);
              const want = withStrategy(strategy, () => conv2dBackward(dZ, x, w, b, options));
              for (const key of ['dX', 'dW', 'db'] as const) {
                expect(values(got[key]), key).to.deep.equal(values(want[key]));
              }
              const weights = withStrategy(strategy, () =>
                conv2dReluBackward(dA, a, x, w, b, options, false),
              );
              const wantWeights = withStrategy(strategy, () => conv2dWeightGradients(dZ, x, w, b, options));
              expect(weights.dX).to.equal(null);
              expect(values(weights.dW)).to.deep.equal(values(wantWeights.dW));
              expect(values(weights.db)).to.deep.equal(values(wantWeights.db));
            });
          }
        }
      }
    }
  }

  it('the mask is relu’s slope: dA passes where a > 0 and nowhere else (0 exactly gives 0)', () => {
    // one 1×1 filter of weight 1 on a 1×3×1 image: a = relu(x), dX = dA·[a > 0]
    const x = fromData(Float32Array.from([-1, 0, 2]), [1, 3, 1]);
    const w = fromData(Float32Array.from([1]), [1, 1, 1, 1]);
    const a = conv2dRelu(x, w);
    expect(values(a)).to.deep.equal([0, 0, 2]);
    const dA = fromData(Float32Array.from([5, 6, 7]), [1, 3, 1]);
    const { dX, dW, db } = conv2dReluBackward(dA, a, x, w);
    expect(values(dX)).to.deep.equal([0, 0, 7]);
    expect(values(dW)).to.deep.equal([14]);
    expect(values(db)).to.deep.equal([7]);
  });

  it('on 2 and 3 threads: the one-thread bits', () => {
    const c = { x: [5, 14, 14, 6], w: [5, 5, 6, 16] };
    const [x, w, b] = [randn(c.x, 1), randn(c.w, 2), randn([16], 3)];
    const a = conv2dRelu(x, w, b);
    const dA = randn(a.shape, 4);
    const one = conv2dReluBackward(dA, a, x, w, b);
    try {
      for (const n of [2, 3]) {
        setThreads(n);
        withWorkPerThread(1, () => {
          expect(values(conv2dRelu(x, w, b))).to.deep.equal(values(a));
          const many = conv2dReluBackward(dA, a, x, w, b);
          for (const key of ['dX', 'dW', 'db'] as const)
            expect(values(many[key])).to.deep.equal(values(one[key]));
        });
      }
    } finally {
      setThreads(1);
    }
  });

  it('names itself, the tensor and both shapes when a or dA has the wrong shape', () => {
    const [x, w] = [randn([2, 6, 6, 1], 1), randn([3, 3, 1, 2], 2)];
    const a = conv2dRelu(x, w);
    const wrong = randn([2, 4, 4, 3], 3);
    expect(() => conv2dReluBackward(a, wrong, x, w)).to.throw(
      "conv2dReluBackward: a has shape [2,4,4,3] but conv2d's output has shape [2,4,4,2] (input [2,6,6,1], filter [3,3,1,2])",
    );
    expect(() => conv2dReluBackward(wrong, a, x, w)).to.throw(
      "conv2dReluBackward: dA has shape [2,4,4,3] but conv2d's output has shape [2,4,4,2] (input [2,6,6,1], filter [3,3,1,2])",
    );
    expect(() => conv2dRelu(x, randn([3, 3, 2, 2], 4))).to.throw(/^conv2dRelu: /);
  });

  it('refuses an a of another dtype than x: rounding it could change the mask', () => {
    const [x, w] = [randn([2, 6, 6, 1], 1), randn([3, 3, 1, 2], 2)];
    const a = conv2dRelu(x, w);
    const a64 = fromData(Float64Array.from(a.data), a.shape);
    expect(() => conv2dReluBackward(a, a64, x, w)).to.throw(
      "conv2dReluBackward: a is float64 but x is float32 (a is conv2dRelu's output for x)",
    );
  });
});
