import { relu, reluBackward, softmax, softmaxBackward } from './activations';
import { conv2d, conv2dBackward, conv2dWeightGradients } from './conv2d';
import { dense, denseBackward } from './dense';
import { Initializer, initWeights } from './init';
import { Parameter } from './optimizers';
import { pool2d, pool2dBackward } from './pool2d';
import { Random } from './random';
import { checkStride, convGeometry, Pad, poolGeometry, resolvePad } from './shape';
import { DType, reshape, shapeString, sizeOf, Tensor, zeros } from './tensor';
import { ConvlabError } from './convlabError';

/** What a conv or dense layer applies to its output: relu, softmax (over the last axis) or nothing. */
export type Activation = 'relu' | 'softmax' | 'linear';

export interface Conv2dConfig {
  /** Number of filters K, the output's channels n_C. */
  filters: number;
  /** Filter size f (f×f). */
  size: number;
  /** Step s between windows (default 1). */
  stride?: number;
  /** Zero padding p: pixels, `'valid'` (0, the default) or `'same'`. */
  pad?: Pad;
  activation?: Activation;
  /** Weight initialisation (default: `'he'` before relu, `'glorot'` otherwise). */
  init?: Initializer;
  /** Row name in the summary (default: the lecture's CONV1, POOL1, …, FC3). */
  name?: string;
}

export interface PoolConfig {
  /** Window size f (f×f). */
  size: number;
  /** Step s between windows (default: the window size). */
  stride?: number;
  name?: string;
}

export interface DenseConfig {
  /** Number of units u. */
  units: number;
  activation?: Activation;
  init?: Initializer;
  name?: string;
}

export interface NameConfig {
  name?: string;
}

/** A layer as written down: its type and its configuration (plain data, so a model can be saved). */
export type LayerSpec =
  | { type: 'conv2d'; config: Conv2dConfig }
  | { type: 'maxPool'; config: PoolConfig }
  | { type: 'avgPool'; config: PoolConfig }
  | { type: 'relu'; config: NameConfig }
  | { type: 'flatten'; config: NameConfig }
  | { type: 'dense'; config: DenseConfig }
  | { type: 'softmax'; config: NameConfig };

export type LayerType = LayerSpec['type'];

/** A layer inside a model: built for its input shape, with its parameters and the cache backward needs. */
export interface Layer {
  readonly spec: LayerSpec;
  readonly name: string;
  /** Shape of one example going in and coming out (no batch axis), e.g. [28, 28, 8]. */
  readonly inputShape: number[];
  readonly outputShape: number[];
  /** Learnable tensors (W then b) with their gradients; empty for pool, relu, flatten, softmax. */
  readonly parameters: Parameter[];
  /** Whether the layer's output is a softmax (so the model may use the combined cross-entropy gradient). */
  readonly endsInSoftmax: boolean;
  /** A batch (m, ...inputShape) → (m, ...outputShape). Remembers what backward needs. */
  forward(x: Tensor): Tensor;
  /**
   * ∂J/∂output → ∂J/∂input, storing ∂J/∂W and ∂J/∂b in `parameters`. With `skipSoftmax`, `grad` is already
   * ∂J/∂Z of the scores going into this layer's softmax (softmax + cross-entropy combined).
   */
  backward(grad: Tensor, options?: { skipSoftmax?: boolean }): Tensor;
  /**
   * backward's parameter gradients without ∂J/∂input, on layers where skipping it saves work (conv2d):
   * for a model's first layer, whose input gradient nothing in training uses.
   */
  parameterBackward?(grad: Tensor, options?: { skipSoftmax?: boolean }): void;
}

// ---------------------------------------------------------------------------------------------------
// The factories: check a configuration once, where the student writes it, and return a LayerSpec.

const ACTIVATIONS: readonly Activation[] = ['relu', 'softmax', 'linear'];

function checkOptions(
  fn: string,
  config: unknown,
  allowed: readonly string[],
  required: readonly string[],
): void {
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConvlabError(
      fn,
      `expected an options object { ${allowed.join(', ')} }, got ${JSON.stringify(config)}`,
    );
  }
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw new ConvlabError(
        fn,
        `unknown option ${JSON.stringify(key)}; the options are ${allowed.join(', ')}`,
      );
    }
  }
  for (const key of required) {
    if ((config as Record<string, unknown>)[key] === undefined)
      throw new ConvlabError(fn, `option ${key} is required`);
  }
}

function checkPositiveInteger(fn: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConvlabError(fn, `${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
}

function checkCommon(fn: string, config: { activation?: unknown; init?: unknown; name?: unknown }): void {
  if (config.activation !== undefined && !ACTIVATIONS.includes(config.activation as Activation)) {
    throw new ConvlabError(
      fn,
      `unknown activation ${JSON.stringify(config.activation)}; use ${ACTIVATIONS.join(', ')}`,
    );
  }
  if (config.init !== undefined && config.init !== 'he' && config.init !== 'glorot') {
    throw new ConvlabError(fn, `unknown init ${JSON.stringify(config.init)}; use 'he' or 'glorot'`);
  }
  if (config.name !== undefined && (typeof config.name !== 'string' || config.name === '')) {
    throw new ConvlabError(fn, `name must be a non-empty string, got ${JSON.stringify(config.name)}`);
  }
}

function pool(type: 'maxPool' | 'avgPool', config: PoolConfig): LayerSpec {
  const fn = `layers.${type}`;
  checkOptions(fn, config, ['size', 'stride', 'name'], ['size']);
  checkPositiveInteger(fn, 'size', config.size);
  if (config.stride !== undefined) checkStride(fn, config.stride);
  checkCommon(fn, config);
  return { type, config: { ...config } };
}

function nameOnly(type: 'relu' | 'flatten' | 'softmax', config: NameConfig = {}): LayerSpec {
  const fn = `layers.${type}`;
  checkOptions(fn, config, ['name'], []);
  checkCommon(fn, config);
  return { type, config: { ...config } };
}

/** Layer factories with the lecture's words, for `sequential(inputShape, [...])`. */
export const layers = {
  /** A convolutional layer: K filters of f×f×n_C_prev plus K biases, then the activation (default none). */
  conv2d(config: Conv2dConfig): LayerSpec {
    const fn = 'layers.conv2d';
    checkOptions(
      fn,
      config,
      ['filters', 'size', 'stride', 'pad', 'activation', 'init', 'name'],
      ['filters', 'size'],
    );
    checkPositiveInteger(fn, 'filters', config.filters);
    checkPositiveInteger(fn, 'size', config.size);
    if (config.stride !== undefined) checkStride(fn, config.stride);
    if (config.pad !== undefined) resolvePad(fn, config.pad, config.size);
    checkCommon(fn, config);
    return { type: 'conv2d', config: { ...config } };
  },
  /** Max pooling over f×f windows (stride defaults to f). No parameters. */
  maxPool(config: PoolConfig): LayerSpec {
    return pool('maxPool', config);
  },
  /** Average pooling over f×f windows (stride defaults to f). No parameters. */
  avgPool(config: PoolConfig): LayerSpec {
    return pool('avgPool', config);
  },
  /** ReLU as a layer of its own (conv2d and dense can also take `activation: 'relu'`). */
  relu(config?: NameConfig): LayerSpec {
    return nameOnly('relu', config);
  },
  /** (H,W,C) → (H·W·C), in row-major (h, w, c) order. */
  flatten(config?: NameConfig): LayerSpec {
    return nameOnly('flatten', config);
  },
  /** A fully connected layer of u units; a volume going in is flattened first, as the lecture's FC3 does. */
  dense(config: DenseConfig): LayerSpec {
    const fn = 'layers.dense';
    checkOptions(fn, config, ['units', 'activation', 'init', 'name'], ['units']);
    checkPositiveInteger(fn, 'units', config.units);
    checkCommon(fn, config);
    return { type: 'dense', config: { ...config } };
  },
  /** Softmax over the last axis: scores → class probabilities. No parameters. */
  softmax(config?: NameConfig): LayerSpec {
    return nameOnly('softmax', config);
  },
};

// ---------------------------------------------------------------------------------------------------
// Building: a LayerSpec and the shape coming in → a Layer that computes.

/** What `buildLayer` needs besides the spec: where the weights' random numbers come from, and their dtype. */
export interface BuildContext {
  name: string;
  rng: Random;
  dtype: DType;
}

function needsVolume(fn: string, inputShape: readonly number[]): void {
  if (inputShape.length !== 3) {
    throw new ConvlabError(
      fn,
      `needs an (H,W,C) volume per example but gets ${shapeString(inputShape)}; put it before flatten/dense`,
    );
  }
}

function activate(activation: Activation, z: Tensor): Tensor {
  if (activation === 'relu') return relu(z);
  if (activation === 'softmax') return softmax(z);
  return z;
}

function activateBackward(
  activation: Activation,
  dA: Tensor,
  z: Tensor,
  a: Tensor,
  skipSoftmax: boolean,
): Tensor {
  if (activation === 'relu') return reluBackward(dA, z);
  if (activation === 'softmax' && !skipSoftmax) return softmaxBackward(dA, a);
  return dA;
}

function cached(fn: string, name: string, value: Tensor | null): Tensor {
  if (!value)
    throw new ConvlabError(fn, `layer ${name} has no forward pass to go back through; call forward first`);
  return value;
}

function buildConv(config: Conv2dConfig, inputShape: number[], context: BuildContext): Layer {
  const fn = 'layers.conv2d';
  needsVolume(fn, inputShape);
  const { filters: K, size: f, stride = 1, pad = 0 } = config;
  const activation = config.activation ?? 'linear';
  const C = inputShape[2];
  const g = convGeometry(fn, [1, ...inputShape], [f, f, C, K], { stride, pad }, inputShape);
  const init = config.init ?? (activation === 'relu' ? 'he' : 'glorot');
  const W: Parameter = {
    name: `${context.name}.W`,
    value: initWeights(init, [f, f, C, K], f * f * C, f * f * K, context.rng, context.dtype),
    grad: null,
  };
  const b: Parameter = { name: `${context.name}.b`, value: zeros([K], context.dtype), grad: null };
  const options = { stride, pad };
  let x: Tensor | null = null;
  let z: Tensor | null = null;
  let a: Tensor | null = null;
  const input = (): Tensor => cached(fn, context.name, x);
  const dZof = (grad: Tensor, skipSoftmax: boolean): Tensor =>
    activateBackward(activation, grad, cached(fn, context.name, z), cached(fn, context.name, a), skipSoftmax);
  return {
    spec: { type: 'conv2d', config },
    name: context.name,
    inputShape,
    outputShape: [g.outHeight, g.outWidth, K],
    parameters: [W, b],
    endsInSoftmax: activation === 'softmax',
    forward(input) {
      x = input;
      z = conv2d(input, W.value, b.value, options);
      a = activate(activation, z);
      return a;
    },
    backward(grad, { skipSoftmax = false } = {}) {
      const { dX, dW, db } = conv2dBackward(dZof(grad, skipSoftmax), input(), W.value, b.value, options);
      W.grad = dW;
      b.grad = db;
      return dX;
    },
    parameterBackward(grad, { skipSoftmax = false } = {}) {
      const { dW, db } = conv2dWeightGradients(dZof(grad, skipSoftmax), input(), W.value, b.value, options);
      W.grad = dW;
      b.grad = db;
    },
  };
}

function buildPool(
  type: 'maxPool' | 'avgPool',
  config: PoolConfig,
  inputShape: number[],
  context: BuildContext,
): Layer {
  const fn = `layers.${type}`;
  needsVolume(fn, inputShape);
  const options = {
    size: config.size,
    stride: config.stride ?? config.size,
    mode: type === 'maxPool' ? 'max' : 'avg',
  } as const;
  const g = poolGeometry(fn, [1, ...inputShape], options, inputShape);
  let x: Tensor | null = null;
  return {
    spec: { type, config },
    name: context.name,
    inputShape,
    outputShape: [g.outHeight, g.outWidth, g.channels],
    parameters: [],
    endsInSoftmax: false,
    forward(input) {
      x = input;
      return pool2d(input, options);
    },
    backward(grad) {
      return pool2dBackward(grad, cached(fn, context.name, x), options);
    },
  };
}

function buildDense(config: DenseConfig, inputShape: number[], context: BuildContext): Layer {
  const fn = 'layers.dense';
  const n = sizeOf(inputShape);
  const u = config.units;
  const activation = config.activation ?? 'linear';
  const init = config.init ?? (activation === 'relu' ? 'he' : 'glorot');
  const W: Parameter = {
    name: `${context.name}.W`,
    value: initWeights(init, [n, u], n, u, context.rng, context.dtype),
    grad: null,
  };
  const b: Parameter = { name: `${context.name}.b`, value: zeros([u], context.dtype), grad: null };
  let x: Tensor | null = null; // flattened to (m,n)
  let xShape: number[] = [];
  let z: Tensor | null = null;
  let a: Tensor | null = null;
  return {
    spec: { type: 'dense', config },
    name: context.name,
    inputShape,
    outputShape: [u],
    parameters: [W, b],
    endsInSoftmax: activation === 'softmax',
    forward(input) {
      xShape = input.shape.slice();
      x = reshape(input, [input.shape[0], n]);
      z = dense(x, W.value, b.value);
      a = activate(activation, z);
      return a;
    },
    backward(grad, { skipSoftmax = false } = {}) {
      const dZ = activateBackward(
        activation,
        grad,
        cached(fn, context.name, z),
        cached(fn, context.name, a),
        skipSoftmax,
      );
      const { dX, dW, db } = denseBackward(dZ, cached(fn, context.name, x), W.value, b.value);
      W.grad = dW;
      b.grad = db;
      return reshape(dX, xShape);
    },
  };
}

function buildStateless(spec: LayerSpec, inputShape: number[], context: BuildContext): Layer {
  const fn = `layers.${spec.type}`;
  let saved: Tensor | null = null; // relu: its input z; softmax: its output a; flatten: its input
  const base = { spec, name: context.name, inputShape, parameters: [] };
  if (spec.type === 'relu') {
    return {
      ...base,
      outputShape: inputShape,
      endsInSoftmax: false,
      forward: (input) => relu((saved = input)),
      backward: (grad) => reluBackward(grad, cached(fn, context.name, saved)),
    };
  }
  if (spec.type === 'softmax') {
    return {
      ...base,
      outputShape: inputShape,
      endsInSoftmax: true,
      forward: (input) => (saved = softmax(input)),
      backward: (grad, { skipSoftmax = false } = {}) =>
        skipSoftmax ? grad : softmaxBackward(grad, cached(fn, context.name, saved)),
    };
  }
  const size = sizeOf(inputShape);
  return {
    ...base,
    outputShape: [size],
    endsInSoftmax: false,
    forward: (input) => reshape((saved = input), [input.shape[0], size]),
    backward: (grad) => reshape(grad, cached(fn, context.name, saved).shape),
  };
}

/**
 * Builds the layer a spec describes for inputs of `inputShape` (one example, no batch axis):
 * works out its output shape with `shape.ts` and draws its initial weights from `context.rng`.
 */
export function buildLayer(spec: LayerSpec, inputShape: readonly number[], context: BuildContext): Layer {
  const shape = inputShape.slice();
  switch (spec.type) {
    case 'conv2d':
      return buildConv(spec.config, shape, context);
    case 'maxPool':
    case 'avgPool':
      return buildPool(spec.type, spec.config, shape, context);
    case 'dense':
      return buildDense(spec.config, shape, context);
    case 'relu':
    case 'softmax':
    case 'flatten':
      return buildStateless(spec, shape, context);
    default:
      throw new ConvlabError(
        'buildLayer',
        `unknown layer type ${JSON.stringify((spec as { type: unknown }).type)}`,
      );
  }
}
