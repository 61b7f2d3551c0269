/** crossEntropy, the softmaxCrossEntropy loss and its fused gradient, argmax, accuracy: values by hand, gradient check, bad labels. */
import { expect } from 'chai';
import {
  accuracy,
  argmax,
  crossEntropy,
  randn,
  softmax,
  softmaxBackward,
  softmaxCrossEntropy,
  softmaxCrossEntropyBackward,
  tensor,
  toNested,
  zeros,
} from '../src/index';
import { expectClose } from './helpers/close';
import { expectGradientClose, numericalGradient } from './helpers/gradientCheck';

describe('crossEntropy', () => {
  const probs = tensor(
    [
      [0.5, 0.25, 0.25],
      [0.1, 0.8, 0.1],
    ],
    'float64',
  );

  it('probs=[[.5,.25,.25],[.1,.8,.1]] labels=[0,1] → J = −(ln .5 + ln .8)/2', () => {
    expect(crossEntropy(probs, [0, 1])).to.be.closeTo(-(Math.log(0.5) + Math.log(0.8)) / 2, 1e-15);
  });

  it('labels may be an Int32Array: labels=[2,2] → J = −(ln .25 + ln .1)/2', () => {
    expect(crossEntropy(probs, new Int32Array([2, 2]))).to.be.closeTo(
      -(Math.log(0.25) + Math.log(0.1)) / 2,
      1e-15,
    );
  });

  it('a certain right answer costs 0; a probability of exactly 0 costs a large finite number, not Infinity', () => {
    expect(crossEntropy(tensor([[0, 1]]), [1])).to.equal(0);
    const cost = crossEntropy(tensor([[0, 1]]), [0]);
    expect(cost).to.be.closeTo(-Math.log(1e-15), 1e-9);
  });

  it('combined gradient by hand: (probs − onehot)/m', () => {
    const dZ = softmaxCrossEntropyBackward(probs, [0, 1]);
    expectClose(
      dZ,
      [
        [-0.25, 0.125, 0.125],
        [0.05, -0.1, 0.05],
      ],
      { absolute: 1e-16 },
    );
  });

  it('combined gradient matches centred differences of J(z) = crossEntropy(softmax(z)), 5 rows × 4 classes', () => {
    const z = randn([5, 4], 31, 2, 'float64');
    const labels = [3, 0, 1, 1, 2];
    const numeric = numericalGradient(() => crossEntropy(softmax(z), labels), z);
    expectGradientClose(softmaxCrossEntropyBackward(softmax(z), labels), numeric, 'dZ');
  });

  it('combined gradient equals softmaxBackward of ∂J/∂p = −onehot/(m·p)', () => {
    const p = softmax(randn([3, 4], 32, 1, 'float64'));
    const labels = [1, 3, 0];
    const dP = zeros([3, 4], 'float64');
    labels.forEach((label, i) => dP.set(i, label, -1 / (3 * p.get(i, label))));
    expectClose(softmaxBackward(dP, p), softmaxCrossEntropyBackward(p, labels), { absolute: 1e-15 });
  });

  it('throws naming the function, the label and K for a label out of range or not an integer', () => {
    expect(() => crossEntropy(probs, [0, 3])).to.throw(
      Error,
      'crossEntropy: label 3 at index 1 is not a class number 0…2 (K=3 classes)',
    );
    expect(() => crossEntropy(probs, [-1, 0])).to.throw(Error, /^crossEntropy: label -1 at index 0 .*K=3/);
    expect(() => crossEntropy(probs, [0, 1.5])).to.throw(Error, /^crossEntropy: label 1.5 at index 1 .*K=3/);
    expect(() => crossEntropy(probs, [Number.NaN, 1])).to.throw(
      Error,
      /^crossEntropy: label NaN at index 0 .*K=3/,
    );
    expect(() => softmaxCrossEntropyBackward(probs, [0, 7])).to.throw(
      Error,
      'softmaxCrossEntropyBackward: label 7 at index 1 is not a class number 0…2 (K=3 classes)',
    );
  });

  it('throws naming crossEntropy for the wrong number of labels, or probs that are not (m,K)', () => {
    expect(() => crossEntropy(probs, [0])).to.throw(Error, 'crossEntropy: got 1 labels for 2 examples');
    expect(() => crossEntropy(probs, ['0', 1] as never)).to.throw(
      Error,
      /^crossEntropy: label "0" at index 0 .*K=3/,
    );
    expect(() => crossEntropy(probs, 'abc' as never)).to.throw(
      Error,
      /^crossEntropy: labels must be an array/,
    );
    expect(() => crossEntropy(zeros([2, 3, 1]), [0, 1])).to.throw(
      Error,
      'crossEntropy: probs must have 2 dimensions, got 3 (probs [2,3,1])',
    );
  });
});

describe('argmax and accuracy', () => {
  it('argmax picks each row’s largest, the first one on a tie', () => {
    expect(
      Array.from(
        argmax(
          tensor([
            [0.1, 0.7, 0.2],
            [0.4, 0.4, 0.2],
            [0, 0, 1],
          ]),
        ),
      ),
    ).to.deep.equal([1, 0, 2]);
  });

  it('accuracy: 2 of 3 rows right → 2/3', () => {
    const probs = tensor([
      [0.1, 0.7, 0.2],
      [0.5, 0.3, 0.2],
      [0.3, 0.3, 0.4],
    ]);
    expect(accuracy(probs, [1, 0, 0])).to.equal(2 / 3);
  });

  it('accuracy throws naming itself for a bad label', () => {
    expect(() => accuracy(tensor([[0.5, 0.5]]), [2])).to.throw(
      Error,
      'accuracy: label 2 at index 0 is not a class number 0…1 (K=2 classes)',
    );
  });

  it('toNested of the combined gradient keeps float32 for float32 probs', () => {
    const dZ = softmaxCrossEntropyBackward(tensor([[0.25, 0.75]]), [1]);
    expect(dZ.data).to.be.instanceOf(Float32Array);
    expect(toNested(dZ)).to.deep.equal([[0.25, -0.25]]);
  });
});

describe('softmaxCrossEntropy: the loss node (scores in, cost out, ∂J/∂scores back)', () => {
  const z = randn([5, 4], 33, 2, 'float64');
  const labels = [3, 0, 1, 1, 2];

  it('forward gives J = crossEntropy(softmax(z)) and the probabilities softmax(z)', () => {
    const { cost, probabilities } = softmaxCrossEntropy().forward(z, labels);
    expect(cost).to.equal(crossEntropy(softmax(z), labels));
    expectClose(probabilities, softmax(z), { absolute: 0 });
  });

  it('backward is the fused gradient and matches centred differences of J(z), 5 rows × 4 classes', () => {
    const loss = softmaxCrossEntropy();
    loss.forward(z, labels);
    const dZ = loss.backward();
    expectClose(dZ, softmaxCrossEntropyBackward(softmax(z), labels), { absolute: 0 });
    const numeric = numericalGradient(() => softmaxCrossEntropy().forward(z, labels).cost, z);
    expectGradientClose(dZ, numeric, 'dZ');
  });

  it('backward before forward throws naming softmaxCrossEntropy; bad labels name crossEntropy', () => {
    expect(() => softmaxCrossEntropy().backward()).to.throw(
      Error,
      'softmaxCrossEntropy: no forward pass to go back through; call forward first',
    );
    expect(() => softmaxCrossEntropy().forward(z, [0, 1])).to.throw(
      Error,
      'crossEntropy: got 2 labels for 5 examples',
    );
  });
});
