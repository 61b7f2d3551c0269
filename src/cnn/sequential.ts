import { fitGroups, releaseLargeFitWorkers } from './fitGroups';
import { reusingBuffers, StepBuffers } from './stepBuffers';
import { accuracy, checkLabels, crossEntropy, Labels } from './crossEntropy';
import { backwardThrough, chain, Layer } from './layer';
import { buildLayers } from './buildLayers';
import { layers as layerFactories, LayerSpec } from './layers';
import { Optimizer, Parameter } from './optimizers';
import { seededRandom } from './random';
import { softmaxCrossEntropy } from './softmaxCrossEntropy';
import {
  allocate,
  checkTensor,
  contiguous,
  copy,
  DType,
  dtypeOf,
  fromData,
  shapeString,
  sizeOf,
  Tensor,
} from './tensor';
import { ConvlabError } from './convlabError';
import { isPositiveInteger, positiveInteger } from './positiveInteger';

/** One row of `model.summary()`, as in the lecture's table. */
export interface SummaryRow {
  name: string;
  /** Activation shape of one example, e.g. [28, 28, 8]; a dense layer's is [units]. */
  outputShape: number[];
  /** Activation size: the product of outputShape. */
  size: number;
  /** Number of learnable parameters (weights + biases). */
  params: number;
}

/** One mini-batch of training. Epochs and batches count from 0. */
export interface BatchRecord {
  epoch: number;
  batch: number;
  /** Cross-entropy J of this batch, before the update. */
  cost: number;
  accuracy: number;
}

/** One epoch of training: the mean cost and accuracy over its batches (weights change as it goes). */
export interface EpochRecord {
  epoch: number;
  cost: number;
  accuracy: number;
  learningRate: number;
  /** On the validation set after the epoch, when `validation` was given. */
  validationCost?: number;
  validationAccuracy?: number;
}

export interface History {
  epochs: EpochRecord[];
  batches: BatchRecord[];
}

export interface FitOptions {
  epochs: number;
  /** Examples per gradient step (default 32). */
  batchSize?: number;
  optimizer: Optimizer;
  /** Seeds the order of the examples, so that a run can be repeated exactly. */
  seed?: number;
  /** Shuffle the examples each epoch (default true). */
  shuffle?: boolean;
  /** Examples kept out of training, evaluated after each epoch. */
  validation?: { x: Tensor; labels: Labels };
  /** The learning rate for an epoch (from 0), set on the optimizer before the epoch starts; see `stepDecay`. */
  learningRateSchedule?: (epoch: number) => number;
  /** Called after every batch, e.g. to draw a progress bar. */
  onBatch?: (record: BatchRecord, progress: { epochs: number; batchesPerEpoch: number }) => void;
  /** Called after every epoch, e.g. to redraw a live plot of the cost. */
  onEpoch?: (record: EpochRecord, history: History) => void;
}

/** A saved model: layer specs and weights as plain numbers (`JSON.stringify(model)` gives this). */
export interface ModelJSON {
  format: 'convlab.sequential';
  version: 1;
  inputShape: number[];
  dtype: DType;
  layers: Array<LayerSpec & { parameters: Array<{ name: string; shape: number[]; values: number[] }> }>;
}

export interface SequentialOptions {
  /** Seeds the initial weights (default 0). */
  seed?: number;
  /** Element type of the weights and of the computation (default float32; float64 for gradient checks). */
  dtype?: DType;
}

/** A stack of layers, each feeding the next; trained with softmax + cross-entropy. */
export interface Model {
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly dtype: DType;
  readonly layers: readonly Layer[];
  /** A batch (m,H,W,C) — or one example (H,W,C) — through every layer; remembers what backward needs. */
  forward(x: Tensor): Tensor;
  /**
   * Back through every layer after a forward pass, filling each parameter's `grad`. Given labels, J is the mean
   * cross-entropy and the model must end in softmax; given a tensor, it is ∂J/∂output for any J. Returns ∂J/∂x.
   */
  backward(target: Labels | Tensor): Tensor;
  /** Class probabilities (m,K) — or (K) for one example — computed in batches. */
  predict(x: Tensor, options?: { batchSize?: number }): Tensor;
  /** Mean cross-entropy cost J and the fraction classified right. */
  evaluate(x: Tensor, labels: Labels, options?: { batchSize?: number }): { cost: number; accuracy: number };
  /** Mini-batch gradient descent on J; returns the cost and accuracy of every epoch and batch. */
  fit(x: Tensor, labels: Labels, options: FitOptions): History;
  /** Every learnable tensor, in layer order (W then b). */
  parameters(): Parameter[];
  parameterCount(): number;
  /** One row per layer: name, activation shape, activation size, number of parameters. */
  summary(): SummaryRow[];
  /** The summary as a text table with the input row and the total, for `console.log`. */
  summaryTable(): string;
  toJSON(): ModelJSON;
}

/** The lecture's names: l counts conv and FC layers (CONV1, POOL1, CONV2, POOL2, FC3, FC4, …). */
function defaultName(spec: LayerSpec, l: number): string {
  const names: Record<LayerSpec['type'], string> = {
    conv2d: `CONV${l}`,
    maxPool: `POOL${l}`,
    avgPool: `POOL${l}`,
    relu: `RELU${l}`,
    flatten: 'FLATTEN',
    dense: `FC${l}`,
    softmax: 'SOFTMAX',
  };
  return names[spec.type];
}

function checkSpec(fn: string, spec: unknown, index: number): LayerSpec {
  const s = spec as LayerSpec;
  if (!s || typeof s !== 'object' || typeof s.type !== 'string' || !(s.type in layerFactories)) {
    throw new ConvlabError(
      fn,
      `layer ${index + 1} is not a layer (use layers.conv2d({...}), layers.dense({...}), …), got ${JSON.stringify(spec)}`,
    );
  }
  // run the factory again: a spec read from JSON gets the same checks as one written in code
  const factory = layerFactories[s.type] as (config: unknown) => LayerSpec;
  return factory(s.config ?? {});
}

function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

/** Whether a spec's output is a softmax: a classifier's last layer, whose softmax trains inside the loss. */
function endsInSoftmax(spec: LayerSpec): boolean {
  return spec.type === 'softmax' || ('activation' in spec.config && spec.config.activation === 'softmax');
}

class SequentialModel implements Model {
  /** One per spec, as the summary lists them (a dense with relu is one layer: the two chained). */
  readonly layers: Layer[];
  readonly outputShape: number[];
  /** The layers one by one up to the scores: all of them unless the model ends in softmax. */
  private readonly toScores: Layer[];
  /** The final softmax, when there is one; in training the loss stands in for it. */
  private readonly finalSoftmax: Layer | null;
  private readonly loss = softmaxCrossEntropy();
  /** The arrays of a training step, handed to the next (stepBuffers.ts). */
  private readonly stepBuffers = new StepBuffers();
  /** The last forward pass's scores (the final softmax's input), for backward. */
  private last: { scores: Tensor; single: boolean } | null = null;

  constructor(
    readonly inputShape: number[],
    private readonly specs: LayerSpec[],
    readonly dtype: DType,
    seed: number,
  ) {
    const rng = seededRandom(seed);
    this.layers = [];
    const parts: Layer[] = [];
    let shape = inputShape;
    let l = 0;
    for (const [index, spec] of specs.entries()) {
      if (spec.type === 'conv2d' || spec.type === 'dense') l++;
      const name = spec.config.name ?? defaultName(spec, l);
      try {
        const built = buildLayers(spec, shape, { name, rng, dtype });
        this.layers.push(built.length === 1 ? built[0] : chain(name, built));
        parts.push(...built);
        shape = built[built.length - 1].outputShape;
      } catch (e) {
        if (!(e instanceof ConvlabError)) throw e;
        throw new ConvlabError(
          'sequential',
          `layer ${index + 1} (${name}) cannot take input ${shapeString(shape)}: ${e.message}`,
          {},
          { cause: e },
        );
      }
    }
    this.outputShape = shape;
    this.finalSoftmax = endsInSoftmax(specs[specs.length - 1]) ? parts.pop()! : null;
    this.toScores = parts;
  }

  /** Checks x against the input shape; returns a batch in the model's dtype and whether x was one example. */
  private asBatch(fn: string, x: Tensor): { batch: Tensor; single: boolean } {
    checkTensor(fn, 'x', x);
    const n = this.inputShape.length;
    const single = x.dimension === n;
    const perExample = single ? x.shape : x.shape.slice(1);
    if ((x.dimension !== n && x.dimension !== n + 1) || perExample.some((d, i) => d !== this.inputShape[i])) {
      throw new ConvlabError(
        fn,
        `x has shape ${shapeString(x.shape)} but the model takes ${shapeString(this.inputShape)} per example (a batch is [m,${this.inputShape.join(',')}])`,
      );
    }
    let batch = single ? fromData(contiguous(x).data, [1, ...x.shape]) : x;
    if (dtypeOf(batch) !== this.dtype) batch = copy(batch, this.dtype);
    return { batch, single };
  }

  private scores(batch: Tensor): Tensor {
    return this.toScores.reduce((a, layer) => layer.forward(a), batch);
  }

  forward(x: Tensor): Tensor {
    const { batch, single } = this.asBatch('model.forward', x);
    const scores = this.scores(batch);
    const a = this.finalSoftmax ? this.finalSoftmax.forward(scores) : scores;
    this.last = { scores, single };
    return single ? fromData(contiguous(a).data, this.outputShape) : a;
  }

  backward(target: Labels | Tensor): Tensor {
    const fn = 'model.backward';
    const last = this.last;
    if (!last) throw new ConvlabError(fn, 'call forward first; there is no forward pass to go back through');
    const m = last.scores.shape[0];
    let grad: Tensor;
    if (Array.isArray(target) || ArrayBuffer.isView(target)) {
      this.checkClassifier(fn);
      checkLabels(fn, target, m, this.outputShape[0]);
      this.loss.forward(last.scores, target as Labels);
      grad = this.loss.backward();
    } else {
      checkTensor(fn, 'target', target);
      const t = target as Tensor;
      const expected = last.single ? this.outputShape : [m, ...this.outputShape];
      if (t.dimension !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
        throw new ConvlabError(
          fn,
          `the gradient has shape ${shapeString(t.shape)} but the output has shape ${shapeString(expected)}`,
        );
      }
      grad = fromData(copy(t, this.dtype).data, [m, ...this.outputShape]);
      if (this.finalSoftmax) grad = this.finalSoftmax.backward(grad) as Tensor; // a tensor: inputGradient is true
    }
    const dX = this.backThroughScores(grad) as Tensor;
    return last.single ? fromData(contiguous(dX).data, this.inputShape) : dX;
  }

  /**
   * ∂J/∂scores → ∂J/∂x, filling every parameter's gradient on the way. Training passes
   * `inputGradient` false: nothing uses ∂J/∂x there, and the first conv layer then skips it.
   */
  private backThroughScores(grad: Tensor, inputGradient = true): Tensor | null {
    return backwardThrough(this.toScores, grad, inputGradient);
  }

  private checkClassifier(fn: string): void {
    const last = this.layers[this.layers.length - 1];
    if (!this.finalSoftmax || this.outputShape.length !== 1) {
      throw new ConvlabError(
        fn,
        `the model must end in softmax over classes (layers.softmax() or dense with activation 'softmax'); its output is ${shapeString(this.outputShape)}${last ? ` from ${last.name}` : ''}`,
      );
    }
  }

  predict(x: Tensor, options: { batchSize?: number } = {}): Tensor {
    const fn = 'model.predict';
    this.checkClassifier(fn);
    const { batch, single } = this.asBatch(fn, x);
    const probs = this.inBatches(fn, batch, options.batchSize ?? 256);
    return single ? fromData(probs.data, this.outputShape) : probs;
  }

  /** Forward in slices of `batchSize` examples, so a large set does not hold every activation at once. */
  private inBatches(fn: string, x: Tensor, batchSize: number): Tensor {
    positiveInteger(fn, 'batchSize', batchSize);
    const m = x.shape[0];
    const K = sizeOf(this.outputShape);
    const out = allocate(this.dtype, m * K);
    for (let start = 0; start < m; start += batchSize) {
      const end = Math.min(m, start + batchSize);
      let a = x.lo(start).hi(end - start);
      for (const layer of this.layers) a = layer.forward(a);
      out.set(contiguous(a).data, start * K);
    }
    // the layers now remember these slices, not the last forward pass: backward must not pair them up
    this.last = null;
    return fromData(out, [m, ...this.outputShape]);
  }

  evaluate(
    x: Tensor,
    labels: Labels,
    options: { batchSize?: number } = {},
  ): { cost: number; accuracy: number } {
    const fn = 'model.evaluate';
    this.checkClassifier(fn);
    const { batch } = this.asBatch(fn, x);
    checkLabels(fn, labels, batch.shape[0], this.outputShape[0]);
    const probs = this.inBatches(fn, batch, options.batchSize ?? 256);
    return { cost: crossEntropy(probs, labels), accuracy: accuracy(probs, labels) };
  }

  fit(x: Tensor, labels: Labels, options: FitOptions): History {
    const fn = 'model.fit';
    this.checkClassifier(fn);
    const { epochs, batchSize, optimizer, seed, shuffle, validation } = checkFitOptions(fn, options);
    // contiguous once, so that picking each mini-batch's rows copies no more than the rows
    const data = contiguous(this.asBatch(fn, x).batch);
    const m = data.shape[0];
    checkLabels(fn, labels, m, this.outputShape[0]);
    if (validation) {
      this.asBatch(`${fn} (validation)`, validation.x);
      checkLabels(`${fn} (validation)`, validation.labels, validation.x.shape[0], this.outputShape[0]);
    }
    const batchesPerEpoch = Math.ceil(m / batchSize);
    const rng = seededRandom(seed);
    const parameters = this.parameters();
    const history: History = { epochs: [], batches: [] };
    // batches larger than a group are computed in groups, on every core (fitGroups.ts)
    const inGroups = fitGroups(
      {
        inputShape: this.inputShape,
        dtype: this.dtype,
        specs: this.specs,
        parameters: () => parameters,
        forwardWork: this.forwardWork(),
      },
      Math.min(batchSize, m),
    );
    const gradients = (examples: number[]) => {
      const { xb, yb } = pickExamples(data, labels, examples);
      return this.gradientStep(xb, yb);
    };
    // the layers will remember training batches, not the last forward pass: backward must not pair them up
    this.last = null;
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (options.learningRateSchedule) optimizer.learningRate = options.learningRateSchedule(epoch);
      const order = shuffle ? rng.permutation(m) : Array.from({ length: m }, (_, i) => i);
      let costSum = 0;
      let rightSum = 0;
      for (let batchIndex = 0; batchIndex < batchesPerEpoch; batchIndex++) {
        const picked = order.slice(batchIndex * batchSize, (batchIndex + 1) * batchSize);
        const { cost, accuracy: batchAccuracy } = inGroups
          ? inGroups(data, labels, picked, gradients)
          : gradients(picked);
        if (!Number.isFinite(cost)) {
          throw new ConvlabError(
            fn,
            `the cost became ${cost} at epoch ${epoch}, batch ${batchIndex}; the learning rate (${optimizer.learningRate}) may be too high`,
          );
        }
        optimizer.step(parameters);
        costSum += cost * picked.length;
        rightSum += batchAccuracy * picked.length;
        const record: BatchRecord = { epoch, batch: batchIndex, cost, accuracy: batchAccuracy };
        history.batches.push(record);
        options.onBatch?.(record, { epochs, batchesPerEpoch });
      }
      const record: EpochRecord = {
        epoch,
        cost: costSum / m,
        accuracy: rightSum / m,
        learningRate: optimizer.learningRate,
      };
      if (validation) {
        const result = this.evaluate(validation.x, validation.labels);
        record.validationCost = result.cost;
        record.validationAccuracy = result.accuracy;
      }
      history.epochs.push(record);
      options.onEpoch?.(record, history);
    }
    releaseLargeFitWorkers();
    return history;
  }

  /**
   * One training step's gradients for a batch: forward, the loss, backward (skipping the images'
   * gradient), leaving ∂J/∂W and ∂J/∂b in the parameters; the batch's mean cost and accuracy. Its arrays
   * are the last step's, reused (stepBuffers.ts). fit and its worker threads (fitGroups.ts) call it.
   */
  gradientStep(xb: Tensor, yb: Int32Array): { cost: number; accuracy: number } {
    // the layers will remember this batch, not the last forward pass: backward must not pair them up
    // (also when a callback of fit's ran forward in between)
    this.last = null;
    return reusingBuffers(this.stepBuffers, () => {
      const { cost, probabilities } = this.loss.forward(this.scores(xb), yb);
      if (Number.isFinite(cost)) this.backThroughScores(this.loss.backward(), false);
      return { cost, accuracy: accuracy(probabilities, yb) };
    });
  }

  parameters(): Parameter[] {
    return this.layers.flatMap((layer) => layer.parameters);
  }

  /** Forward multiply-adds per example, from the summary: a conv's weights meet every output position. */
  private forwardWork(): number {
    return this.summary().reduce((sum, row) => {
      const positions = row.outputShape.length === 3 ? row.outputShape[0] * row.outputShape[1] : 1;
      return sum + row.params * positions;
    }, 0);
  }

  parameterCount(): number {
    return this.parameters().reduce((sum, p) => sum + p.value.size, 0);
  }

  summary(): SummaryRow[] {
    return this.layers.map((layer) => ({
      name: layer.name,
      outputShape: layer.outputShape.slice(),
      size: sizeOf(layer.outputShape),
      params: layer.parameters.reduce((sum, p) => sum + p.value.size, 0),
    }));
  }

  summaryTable(): string {
    const number = (n: number): string => n.toLocaleString('en-US');
    const rows = [
      ['', 'Activation shape', 'Activation size', '# parameters'],
      ['Input', formatShape(this.inputShape), number(sizeOf(this.inputShape)), '0'],
      ...this.summary().map((r) => [r.name, formatShape(r.outputShape), number(r.size), number(r.params)]),
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    const line = (row: string[]): string =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
        .join('   ');
    const rule = '-'.repeat(line(rows[0]).length);
    return [
      line(rows[0]),
      rule,
      ...rows.slice(1).map(line),
      rule,
      `Total parameters: ${number(this.parameterCount())}`,
    ].join('\n');
  }

  toJSON(): ModelJSON {
    return {
      format: 'convlab.sequential',
      version: 1,
      inputShape: this.inputShape.slice(),
      dtype: this.dtype,
      layers: this.layers.map((layer, index) => ({
        ...this.specs[index],
        parameters: layer.parameters.map((p) => ({
          name: p.name,
          shape: p.value.shape.slice(),
          values: Array.from(contiguous(p.value).data),
        })),
      })),
    };
  }
}

/** fit's options checked, with their defaults filled in. */
function checkFitOptions(
  fn: string,
  options: FitOptions,
): Required<Pick<FitOptions, 'epochs' | 'batchSize' | 'optimizer' | 'seed' | 'shuffle'>> &
  Pick<FitOptions, 'validation'> {
  if (!options || typeof options !== 'object') {
    throw new ConvlabError(fn, 'options { epochs, batchSize?, optimizer, seed?, … } are required');
  }
  const { epochs, batchSize = 32, optimizer, seed = 0, shuffle = true, validation } = options;
  positiveInteger(fn, 'epochs', epochs);
  positiveInteger(fn, 'batchSize', batchSize);
  if (!optimizer || typeof optimizer.step !== 'function') {
    throw new ConvlabError(
      fn,
      `optimizer must be sgd({...}) or adam({...}), got ${JSON.stringify(optimizer)}`,
    );
  }
  return { epochs, batchSize, optimizer, seed, shuffle, validation };
}

/** The examples at `picked` (rows of a batch) and their labels, copied into a mini-batch. */
function pickExamples(data: Tensor, labels: Labels, picked: number[]): { xb: Tensor; yb: Int32Array } {
  const xd = contiguous(data).data;
  const exampleSize = sizeOf(data.shape.slice(1));
  const xb = allocate(dtypeOf(data), picked.length * exampleSize);
  const yb = new Int32Array(picked.length);
  picked.forEach((example, row) => {
    xb.set(xd.subarray(example * exampleSize, (example + 1) * exampleSize), row * exampleSize);
    yb[row] = labels[example];
  });
  return { xb: fromData(xb, [picked.length, ...data.shape.slice(1)]), yb };
}

function checkInputShape(fn: string, inputShape: unknown): number[] {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every(isPositiveInteger)) {
    throw new ConvlabError(
      fn,
      `inputShape must be a list of positive integers such as [28, 28, 1], got ${JSON.stringify(inputShape)}`,
    );
  }
  return inputShape.slice();
}

/**
 * A model from an input shape (one example, e.g. [32, 32, 3]) and a list of layers, e.g.
 * `sequential([28, 28, 1], [layers.conv2d({ filters: 6, size: 5, pad: 'same', activation: 'relu' }), …])`.
 * Every layer's output shape is worked out here, so a wrong size fails now, naming the layer.
 */
export function sequential(
  inputShape: number[],
  layerList: LayerSpec[],
  options: SequentialOptions = {},
): Model {
  const fn = 'sequential';
  const shape = checkInputShape(fn, inputShape);
  if (!Array.isArray(layerList) || layerList.length === 0) {
    throw new ConvlabError(
      fn,
      `layers must be a non-empty list such as [layers.dense({ units: 10 })], got ${JSON.stringify(layerList)}`,
    );
  }
  const specs = layerList.map((spec, index) => checkSpec(fn, spec, index));
  const { seed = 0, dtype = 'float32' } = options ?? {};
  if (!Number.isFinite(seed)) throw new ConvlabError(fn, `seed must be a finite number, got ${seed}`);
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ConvlabError(fn, `dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
  return new SequentialModel(shape, specs, dtype, seed);
}

/** A model saved with `JSON.stringify(model)` (or `model.toJSON()`), given as that string or object. */
export function loadModel(json: string | ModelJSON): Model {
  const fn = 'loadModel';
  let saved: ModelJSON;
  try {
    saved = typeof json === 'string' ? (JSON.parse(json) as ModelJSON) : json;
  } catch (e) {
    throw new ConvlabError(fn, `not valid JSON: ${(e as Error).message}`, {}, { cause: e });
  }
  if (
    !saved ||
    saved.format !== 'convlab.sequential' ||
    saved.version !== 1 ||
    !Array.isArray(saved.layers)
  ) {
    throw new ConvlabError(fn, `expected a saved convlab model (format 'convlab.sequential', version 1)`);
  }
  const model = sequential(
    saved.inputShape,
    saved.layers.map(({ type, config }) => ({ type, config }) as LayerSpec),
    { dtype: saved.dtype },
  );
  model.layers.forEach((layer, index) => {
    const stored = saved.layers[index].parameters ?? [];
    if (stored.length !== layer.parameters.length) {
      throw new ConvlabError(
        fn,
        `layer ${layer.name} has ${layer.parameters.length} parameter tensors but ${stored.length} were saved`,
      );
    }
    layer.parameters.forEach((parameter, p) => {
      const { shape, values } = stored[p];
      if (
        !Array.isArray(values) ||
        values.length !== parameter.value.size ||
        shapeString(shape) !== shapeString(parameter.value.shape)
      ) {
        throw new ConvlabError(
          fn,
          `saved ${parameter.name} has shape ${shapeString(shape ?? [])} and ${values?.length} values, but the layer needs ${shapeString(parameter.value.shape)}`,
        );
      }
      const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0)
        throw new ConvlabError(
          fn,
          `saved ${parameter.name} has ${JSON.stringify(values[bad])} at index ${bad}`,
        );
      parameter.value.data.set(values);
    });
  });
  return model;
}

/** `sequential.fromJSON(json)` is `loadModel(json)`. */
sequential.fromJSON = loadModel;
