import { Initializer } from './init';
import { checkStride, Pad, resolvePad } from './shape';
import { ConvlabError } from './convlabError';
import { positiveInteger } from './positiveInteger';

export type { Layer } from './layer';

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
  positiveInteger(fn, 'size', config.size);
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
    positiveInteger(fn, 'filters', config.filters);
    positiveInteger(fn, 'size', config.size);
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
    positiveInteger(fn, 'units', config.units);
    checkCommon(fn, config);
    return { type: 'dense', config: { ...config } };
  },
  /** Softmax over the last axis: scores → class probabilities. No parameters. */
  softmax(config?: NameConfig): LayerSpec {
    return nameOnly('softmax', config);
  },
};
