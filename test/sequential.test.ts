/**
 * sequential and its Model: the lecture's summary tables, a gradient check of a whole model, seeded training,
 * save/load, bad input.
 */
import { expect } from 'chai';
import {
  lenet5,
  accuracy,
  adam,
  crossEntropy,
  Labels,
  layers,
  loadModel,
  Model,
  randn,
  seededRandom,
  sequential,
  sgd,
  stepDecay,
  Tensor,
  toNested,
  zeros,
} from '../src/index';
import { expectClose } from './helpers/close';
import { expectGradientClose, numericalGradient, weightedSum } from './helpers/gradientCheck';

/** The lecture's "Neural network example" (LeNet-5 on 32×32×3). */
function lectureModel(): Model {
  return sequential(
    [32, 32, 3],
    [
      layers.conv2d({ filters: 8, size: 5, stride: 1, activation: 'relu' }),
      layers.maxPool({ size: 2, stride: 2 }),
      layers.conv2d({ filters: 16, size: 5, stride: 1, activation: 'relu' }),
      layers.maxPool({ size: 2, stride: 2 }),
      layers.dense({ units: 120, activation: 'relu' }),
      layers.dense({ units: 84, activation: 'relu' }),
      layers.dense({ units: 10, activation: 'softmax', name: 'Softmax' }),
    ],
  );
}

/**
 * 6×6 images of three kinds — a vertical bar, a horizontal bar, a 2×2 block — at random places, with noise.
 * A conv layer that learns bar detectors separates them.
 */
function barsDataset(n: number, seed: number): { x: Tensor; labels: Int32Array } {
  const rng = seededRandom(seed);
  const x = zeros([n, 6, 6, 1]);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const kind = i % 3;
    labels[i] = kind;
    const at = 1 + rng.int(4);
    for (let h = 0; h < 6; h++) {
      for (let w = 0; w < 6; w++) {
        const on =
          kind === 0 ? w === at : kind === 1 ? h === at : h >= at - 1 && h <= at && w >= at - 1 && w <= at;
        x.set(i, h, w, 0, (on ? 1 : 0) + 0.1 * rng.normal());
      }
    }
  }
  return { x, labels };
}

function barsModel(seed = 0): Model {
  return sequential(
    [6, 6, 1],
    [
      layers.conv2d({ filters: 4, size: 3, activation: 'relu' }),
      layers.maxPool({ size: 2 }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    { seed },
  );
}

describe('model.summary', () => {
  it("reproduces the lecture's 32×32×3 table (sizes and parameters)", () => {
    expect(lectureModel().summary()).to.deep.equal([
      { name: 'CONV1', outputShape: [28, 28, 8], size: 6272, params: 608 },
      { name: 'POOL1', outputShape: [14, 14, 8], size: 1568, params: 0 },
      { name: 'CONV2', outputShape: [10, 10, 16], size: 1600, params: 3216 },
      { name: 'POOL2', outputShape: [5, 5, 16], size: 400, params: 0 },
      { name: 'FC3', outputShape: [120], size: 120, params: 48120 },
      { name: 'FC4', outputShape: [84], size: 84, params: 10164 },
      { name: 'Softmax', outputShape: [10], size: 10, params: 850 },
    ]);
    expect(lectureModel().parameterCount()).to.equal(608 + 3216 + 48120 + 10164 + 850);
  });

  it('prints the lecture table with the input row and the total', () => {
    expect(lectureModel().summaryTable().split('\n')).to.deep.equal([
      '          Activation shape   Activation size   # parameters',
      '-----------------------------------------------------------',
      'Input          (32, 32, 3)             3,072              0',
      'CONV1          (28, 28, 8)             6,272            608',
      'POOL1          (14, 14, 8)             1,568              0',
      'CONV2         (10, 10, 16)             1,600          3,216',
      'POOL2           (5, 5, 16)               400              0',
      'FC3                  (120)               120         48,120',
      'FC4                   (84)                84         10,164',
      'Softmax               (10)                10            850',
      '-----------------------------------------------------------',
      'Total parameters: 62,958',
    ]);
  });

  it("reproduces the lecture's 39×39×3 ConvNet: 37×37×10 → 17×17×20 → 7×7×40 → 1,960", () => {
    const model = sequential(
      [39, 39, 3],
      [
        layers.conv2d({ filters: 10, size: 3, stride: 1 }),
        layers.conv2d({ filters: 20, size: 5, stride: 2 }),
        layers.conv2d({ filters: 40, size: 5, stride: 2 }),
        layers.flatten(),
      ],
    );
    expect(model.summary().map((r) => [r.outputShape, r.size])).to.deep.equal([
      [[37, 37, 10], 13690],
      [[17, 17, 20], 5780],
      [[7, 7, 40], 1960],
      [[1960], 1960],
    ]);
  });

  it('10 filters of 3×3×3 = 280 parameters', () => {
    const model = sequential([32, 32, 3], [layers.conv2d({ filters: 10, size: 3 })]);
    expect(model.summary()[0].params).to.equal(280);
    expect(model.parameterCount()).to.equal(280);
  });
});

describe('model.backward: the gradient of J with respect to every parameter (float64, centred differences)', () => {
  // conv → relu → pool → flatten → dense → softmax, as the lecture builds it
  const model = sequential(
    [6, 6, 2],
    [
      layers.conv2d({ filters: 3, size: 3, stride: 1, pad: 1 }),
      layers.relu(),
      layers.maxPool({ size: 2, stride: 2 }),
      layers.flatten(),
      layers.dense({ units: 4 }),
      layers.softmax(),
    ],
    { seed: 3, dtype: 'float64' },
  );
  model.parameters()[1].value.data.set([0.1, -0.1, 0.2]); // conv biases away from zero
  const x = randn([3, 6, 6, 2], 4, 1, 'float64');
  const labels = [2, 0, 3];

  it('keeps the random input clear of relu’s kink at 0', () => {
    const z = model.layers[0].forward(x);
    expect(Math.min(...Array.from(z.data, Math.abs))).to.be.greaterThan(1e-3);
  });

  it('J = cross-entropy: backward(labels) gives ∂J/∂W, ∂J/∂b of conv and dense, and ∂J/∂x', () => {
    const J = (): number => crossEntropy(model.forward(x), labels);
    model.forward(x);
    const dX = model.backward(labels);
    const analytic = model.parameters().map((p) => p.grad!);
    expect(model.parameters().map((p) => p.name)).to.deep.equal(['CONV1.W', 'CONV1.b', 'FC2.W', 'FC2.b']);
    model
      .parameters()
      .forEach((p, i) => expectGradientClose(analytic[i], numericalGradient(J, p.value), p.name));
    expectGradientClose(dX, numericalGradient(J, x), 'x');
  });

  it('J = Σ output ⊙ R: backward(R) goes through softmax’s own Jacobian', () => {
    const R = randn([3, 4], 5, 1, 'float64');
    const J = (): number => weightedSum(model.forward(x), R);
    model.forward(x);
    model.backward(R);
    const analytic = model.parameters().map((p) => p.grad!);
    model
      .parameters()
      .forEach((p, i) => expectGradientClose(analytic[i], numericalGradient(J, p.value), p.name));
  });

  it('backward with labels that do not fit the batch throws naming model.backward', () => {
    model.forward(x);
    expect(() => model.backward([0, 1])).to.throw(Error, 'model.backward: got 2 labels for 3 examples');
    expect(() => model.backward([0, 1, 4])).to.throw(
      Error,
      'model.backward: label 4 at index 2 is not a class number 0…3 (K=4 classes)',
    );
  });

  it('backward before forward, or after predict, throws naming model.backward', () => {
    const fresh = barsModel();
    expect(() => fresh.backward([0])).to.throw(Error, /^model.backward: call forward first/);
    fresh.forward(zeros([2, 6, 6, 1]));
    fresh.predict(zeros([5, 6, 6, 1]));
    expect(() => fresh.backward([0, 1])).to.throw(Error, /^model.backward: call forward first/);
  });
});

describe('model.fit', () => {
  const train = barsDataset(90, 1);
  const test = barsDataset(60, 2);
  const options = () => ({
    epochs: 8,
    batchSize: 10,
    optimizer: adam({ learningRate: 0.02 }),
    seed: 5,
    validation: { x: test.x, labels: test.labels },
  });

  it('bars, 90 images, 8 epochs of Adam: the cost falls below a third of the first epoch’s and held-out accuracy reaches 95%', () => {
    const history = barsModel().fit(train.x, train.labels, options());
    const costs = history.epochs.map((e) => e.cost);
    expect(costs[costs.length - 1]).to.be.lessThan(costs[0] / 3);
    expect(history.epochs[history.epochs.length - 1].validationAccuracy).to.be.at.least(0.95);
    expect(history.batches).to.have.length(8 * 9);
  });

  it('two runs with the same seeds give identical histories and weights; another shuffle seed does not', () => {
    const a = barsModel();
    const b = barsModel();
    const historyA = a.fit(train.x, train.labels, options());
    expect(b.fit(train.x, train.labels, options())).to.deep.equal(historyA);
    expect(toNested(b.parameters()[0].value)).to.deep.equal(toNested(a.parameters()[0].value));
    const other = barsModel().fit(train.x, train.labels, { ...options(), seed: 6 });
    expect(other.batches.map((r) => r.cost)).not.to.deep.equal(historyA.batches.map((r) => r.cost));
  });

  it('the epoch cost is the example-weighted mean of its batch costs (last batch smaller: 25 = 10 + 10 + 5)', () => {
    const history = barsModel().fit(train.x.hi(25), train.labels.subarray(0, 25), {
      ...options(),
      epochs: 1,
    });
    const [b0, b1, b2] = history.batches.map((r) => r.cost);
    expect(history.epochs[0].cost).to.be.closeTo((10 * b0 + 10 * b1 + 5 * b2) / 25, 1e-12);
  });

  it('calls onBatch and onEpoch as it goes, and sets the scheduled learning rate each epoch', () => {
    const seen: string[] = [];
    const history = barsModel().fit(train.x, train.labels, {
      epochs: 3,
      batchSize: 45,
      optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
      learningRateSchedule: stepDecay(0.1, { factor: 0.1, every: 1 }),
      onBatch: (r, progress) => seen.push(`b${r.epoch}.${r.batch}/${progress.batchesPerEpoch}`),
      onEpoch: (r, h) => seen.push(`e${r.epoch}:${h.epochs.length}`),
    });
    expect(seen).to.deep.equal([
      'b0.0/2',
      'b0.1/2',
      'e0:1',
      'b1.0/2',
      'b1.1/2',
      'e1:2',
      'b2.0/2',
      'b2.1/2',
      'e2:3',
    ]);
    history.epochs.forEach((e, i) => expect(e.learningRate).to.be.closeTo(0.1 * 0.1 ** i, 1e-15));
  });

  it('one fit step is forward, the loss, backward(labels), one optimizer step: the same costs and weights by hand', () => {
    const fitted = barsModel(2);
    const byHand = barsModel(2);
    const optimizer = sgd({ learningRate: 0.1, momentum: 0.9 });
    const history = fitted.fit(train.x, train.labels, {
      epochs: 3,
      batchSize: 90,
      shuffle: false,
      optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
    });
    const costs = [0, 1, 2].map(() => {
      const cost = crossEntropy(byHand.forward(train.x), train.labels);
      byHand.backward(train.labels);
      optimizer.step(byHand.parameters());
      return cost;
    });
    expect(history.batches.map((r) => r.cost)).to.deep.equal(costs);
    byHand
      .parameters()
      .forEach((p, i) => expectClose(fitted.parameters()[i].value, p.value, { absolute: 0 }));
  });

  it('after fit, backward needs a forward pass of its own (the layers remember training batches)', () => {
    const model = barsModel();
    model.forward(train.x.hi(4));
    model.fit(train.x, train.labels, { epochs: 1, batchSize: 30, optimizer: sgd({ learningRate: 0.1 }) });
    expect(() => model.backward([0, 1, 2, 0])).to.throw(Error, /^model.backward: call forward first/);
  });

  it('a forward pass inside onBatch, then more training: backward after fit needs a forward of its own', () => {
    const model = barsModel();
    model.fit(train.x, train.labels, {
      epochs: 1,
      batchSize: 30,
      optimizer: sgd({ learningRate: 0.1 }),
      onBatch: (record) => {
        if (record.batch === 0) model.forward(train.x.hi(4)); // the layers then train on two more batches
      },
    });
    expect(() => model.backward([0, 1, 2, 0])).to.throw(Error, /^model.backward: call forward first/);
  });

  it('stops with an Error naming model.fit when the cost blows up (learning rate far too high)', () => {
    expect(() =>
      barsModel().fit(train.x, train.labels, {
        epochs: 5,
        batchSize: 10,
        optimizer: sgd({ learningRate: 1e30 }),
      }),
    ).to.throw(
      Error,
      /^model.fit: the cost became NaN at epoch \d+, batch \d+; the learning rate \(1e\+30\) may be too high/,
    );
  });
});

describe('predict, evaluate, save and load', () => {
  const data = barsDataset(30, 7);
  const model = barsModel(1);
  model.fit(data.x, data.labels, {
    epochs: 2,
    batchSize: 10,
    optimizer: adam({ learningRate: 0.01 }),
    seed: 0,
  });

  it('predict gives rows of probabilities; one (H,W,C) example gives (K)', () => {
    const probs = model.predict(data.x);
    expect(probs.shape).to.deep.equal([30, 3]);
    for (let i = 0; i < 30; i++)
      expect(probs.get(i, 0) + probs.get(i, 1) + probs.get(i, 2)).to.be.closeTo(1, 1e-6);
    const one = model.predict(data.x.pick(4));
    expect(one.shape).to.deep.equal([3]);
    expectClose(one, toNested(probs.pick(4)), { absolute: 0 });
  });

  it('predict in batches of 7 equals predict in one batch', () => {
    expectClose(model.predict(data.x, { batchSize: 7 }), model.predict(data.x, { batchSize: 100 }), {
      absolute: 0,
    });
  });

  it('evaluate = crossEntropy and accuracy of predict', () => {
    const probs = model.predict(data.x);
    expect(model.evaluate(data.x, data.labels)).to.deep.equal({
      cost: crossEntropy(probs, data.labels),
      accuracy: accuracy(probs, data.labels),
    });
  });

  it('JSON.stringify → loadModel / sequential.fromJSON predicts exactly the same, with weights as plain numbers', () => {
    const text = JSON.stringify(model);
    const saved = JSON.parse(text);
    expect(saved.layers[0].parameters[0].values.every((v: unknown) => typeof v === 'number')).to.equal(true);
    const loaded = loadModel(text);
    expect(toNested(loaded.predict(data.x))).to.deep.equal(toNested(model.predict(data.x)));
    expect(loaded.summary()).to.deep.equal(model.summary());
    expect(toNested(sequential.fromJSON(saved).predict(data.x))).to.deep.equal(
      toNested(model.predict(data.x)),
    );
  });

  it('loadModel throws naming itself for something that is not a saved model, or weights that do not fit', () => {
    expect(() => loadModel('{oops')).to.throw(Error, /^loadModel: not valid JSON/);
    expect(() => loadModel({ format: 'keras' } as never)).to.throw(
      Error,
      /^loadModel: expected a saved convlab model/,
    );
    const saved = model.toJSON();
    saved.layers[0].parameters[1].values = [1, 2];
    expect(() => loadModel(saved)).to.throw(
      Error,
      'loadModel: saved CONV1.b has shape [4] and 2 values, but the layer needs [4]',
    );
  });
});

describe('sequential: bad input', () => {
  it('throws naming sequential for a bad input shape, no layers, or something that is not a layer', () => {
    expect(() => sequential([28, 28] as never, 'x' as never)).to.throw(
      Error,
      /^sequential: layers must be a non-empty list/,
    );
    expect(() => sequential([28, 0, 1], [layers.flatten()])).to.throw(
      Error,
      'sequential: inputShape must be a list of positive integers such as [28, 28, 1], got [28,0,1]',
    );
    expect(() => sequential([4, 4, 1], [{ units: 3 } as never])).to.throw(
      Error,
      /^sequential: layer 1 is not a layer/,
    );
  });

  it('throws naming the layer that cannot take its input', () => {
    expect(() => sequential([8, 8, 1], [layers.flatten(), layers.conv2d({ filters: 2, size: 3 })])).to.throw(
      Error,
      'sequential: layer 2 (CONV1) cannot take input [64]: layers.conv2d: needs an (H,W,C) volume per example but gets [64]; put it before flatten/dense',
    );
    expect(() => sequential([4, 4, 1], [layers.conv2d({ filters: 2, size: 5 })])).to.throw(
      Error,
      /^sequential: layer 1 \(CONV1\) cannot take input \[4,4,1\]: layers.conv2d: filter 5×5 is larger than the padded input 4×4/,
    );
  });

  it('forward throws naming model.forward and both shapes when x does not fit', () => {
    expect(() => barsModel().forward(zeros([2, 5, 6, 1]))).to.throw(
      Error,
      'model.forward: x has shape [2,5,6,1] but the model takes [6,6,1] per example (a batch is [m,6,6,1])',
    );
  });

  it('fit throws naming model.fit for a bad label, missing optimizer, or bad batch size', () => {
    const { x } = barsDataset(3, 1);
    const optimizer = sgd({ learningRate: 0.1 });
    expect(() => barsModel().fit(x, [0, 1, 3], { epochs: 1, optimizer })).to.throw(
      Error,
      'model.fit: label 3 at index 2 is not a class number 0…2 (K=3 classes)',
    );
    expect(() => barsModel().fit(x, [0, 1, 2] as Labels, { epochs: 1 } as never)).to.throw(
      Error,
      /^model.fit: optimizer must be/,
    );
    expect(() => barsModel().fit(x, [0, 1, 2], { epochs: 1, optimizer, batchSize: 0 })).to.throw(
      Error,
      'model.fit: batchSize must be a positive integer, got 0',
    );
    expect(() => barsModel().fit(x, [0, 1], { epochs: 1, optimizer })).to.throw(
      Error,
      'model.fit: got 2 labels for 3 examples',
    );
  });

  it('evaluate and fit need a model that ends in softmax', () => {
    const scores = sequential([4], [layers.dense({ units: 3 })]);
    expect(() => scores.evaluate(zeros([2, 4]), [0, 1])).to.throw(
      Error,
      "model.evaluate: the model must end in softmax over classes (layers.softmax() or dense with activation 'softmax'); its output is [3] from FC1",
    );
  });
});

describe('lenet5', () => {
  it('is the course’s LeNet-5: 28×28×1 → 10 classes, 61,706 parameters, seeded', () => {
    const model = lenet5({ seed: 3 });
    expect(model.summary().map((row) => row.params)).to.deep.equal([156, 0, 2416, 0, 48120, 10164, 850]);
    expect(model.parameterCount()).to.equal(61706);
    expect(model.summary().at(-1)!.outputShape).to.deep.equal([10]);
    expect(JSON.stringify(lenet5({ seed: 3 }))).to.equal(JSON.stringify(model));
  });
});
