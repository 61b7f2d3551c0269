import { relu, reluBackward, softmax, softmaxBackward } from './activations';
import { conv2d, conv2dBackward, ConvOptions, conv2dWeightGradients } from './conv2d';
import { conv2dRelu, conv2dReluBackward } from './conv2dRelu';
import { ConvlabError } from './convlabError';
import { dense, denseBackward } from './dense';
import { Initializer, initWeights } from './init';
import { cached, chain, Layer } from './layer';
import { Activation, Conv2dConfig, DenseConfig, LayerSpec, PoolConfig } from './layers';
import { Parameter } from './optimizers';
import { pool2d, pool2dBackward } from './pool2d';
import { Random } from './random';
import { convGeometry, poolGeometry } from './shape';
import { DType, isContiguous, reshape, shapeString, sizeOf, Tensor, zeros } from './tensor';

// A LayerSpec and the shape coming in → the layers that compute. Activations are layers of their own.

/** What building needs besides the spec: where the weights' random numbers come from, and their dtype. */
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

/** relu as a layer: it remembers its input z, whose sign gives the slope. */
function reluLayer(name: string, shape: number[], fn = 'layers.relu'): Layer {
  let z: Tensor | null = null;
  return {
    name,
    outputShape: shape,
    parameters: [],
    forward: (input) => relu((z = input)),
    backward: (grad) => reluBackward(grad, cached(fn, name, z)),
  };
}

/** softmax as a layer: it remembers its output a, which its Jacobian is written in. */
function softmaxLayer(name: string, shape: number[], fn = 'layers.softmax'): Layer {
  let a: Tensor | null = null;
  return {
    name,
    outputShape: shape,
    parameters: [],
    forward: (input) => (a = softmax(input)),
    backward: (grad) => softmaxBackward(grad, cached(fn, name, a)),
  };
}

/**
 * relu right after its own dense layer (`activation: 'relu'`). Its output is a new array that nothing
 * else holds, so relu overwrites it instead of making another: writing fresh memory costs more than
 * relu's arithmetic (the system maps and zeroes each new page on first touch, about 21 µs a 4 KiB page on
 * this course's VM). It remembers a = relu(z): a > 0 exactly where z > 0, so reluBackward gets the same
 * slope from it. (A conv layer's relu goes further: fused, convReluLayer.)
 */
function ownedReluLayer(name: string, shape: number[], fn: string): Layer {
  let a: Tensor | null = null;
  return {
    name,
    outputShape: shape,
    parameters: [],
    forward(z) {
      if (!isContiguous(z)) return (a = relu(z));
      const zd = z.data;
      for (let i = 0; i < zd.length; i++) zd[i] = (zd[i] + Math.abs(zd[i])) * 0.5; // as relu does
      return (a = z);
    },
    backward: (grad) => reluBackward(grad, cached(fn, name, a)),
  };
}

/** A conv or dense layer's activation, as the layer after it (none for 'linear'); `fn` is the owner's. */
function activationLayers(activation: Activation, name: string, shape: number[], fn: string): Layer[] {
  if (activation === 'relu') return [ownedReluLayer(name, shape, fn)];
  if (activation === 'softmax') return [softmaxLayer(name, shape, fn)];
  return [];
}

/** W drawn for the activation that follows (He before relu, Glorot otherwise), b zeros. */
function weightsAndBiases(
  config: { activation?: Activation; init?: Initializer },
  shape: number[],
  fanIn: number,
  fanOut: number,
  context: BuildContext,
): [Parameter, Parameter] {
  const init = config.init ?? (config.activation === 'relu' ? 'he' : 'glorot');
  return [
    {
      name: `${context.name}.W`,
      value: initWeights(init, shape, fanIn, fanOut, context.rng, context.dtype),
      grad: null,
    },
    { name: `${context.name}.b`, value: zeros([shape[shape.length - 1]], context.dtype), grad: null },
  ];
}

function buildConv(config: Conv2dConfig, inputShape: number[], context: BuildContext): Layer[] {
  const fn = 'layers.conv2d';
  needsVolume(fn, inputShape);
  const { filters: K, size: f, stride = 1, pad = 0 } = config;
  const C = inputShape[2];
  const g = convGeometry(fn, [1, ...inputShape], [f, f, C, K], { stride, pad }, inputShape);
  const [W, b] = weightsAndBiases(config, [f, f, C, K], f * f * C, f * f * K, context);
  const options = { stride, pad };
  const outputShape = [g.outHeight, g.outWidth, K];
  if (config.activation === 'relu') return [convReluLayer(context.name, outputShape, [W, b], options)];
  let x: Tensor | null = null;
  const conv: Layer = {
    name: context.name,
    outputShape,
    parameters: [W, b],
    forward(input) {
      x = input;
      return conv2d(input, W.value, b.value, options);
    },
    backward(dZ, inputGradient = true) {
      const input = cached(fn, context.name, x);
      if (!inputGradient) {
        ({ dW: W.grad, db: b.grad } = conv2dWeightGradients(dZ, input, W.value, b.value, options));
        return null;
      }
      const { dX, dW, db } = conv2dBackward(dZ, input, W.value, b.value, options);
      W.grad = dW;
      b.grad = db;
      return dX;
    },
  };
  return [conv, ...activationLayers(config.activation ?? 'linear', context.name, outputShape, fn)];
}

/**
 * A conv layer with its relu, as one layer: the kernels apply relu as they store the output and its
 * slope as they load the gradient (conv2dRelu.ts), where a relu layer of its own would make a pass over
 * the whole activation, twice a step. The values are those of conv2d then relu, to the bit (but for
 * z = −∞ and above half the largest float: conv2dRelu.ts).
 */
function convReluLayer(
  name: string,
  outputShape: number[],
  [W, b]: Parameter[],
  options: ConvOptions,
): Layer {
  const fn = 'layers.conv2d';
  let x: Tensor | null = null;
  let a: Tensor | null = null;
  return {
    name,
    outputShape,
    parameters: [W, b],
    forward(input) {
      x = input;
      return (a = conv2dRelu(input, W.value, b.value, options));
    },
    backward(dA, inputGradient = true) {
      const input = cached(fn, name, x);
      const g = conv2dReluBackward(dA, cached(fn, name, a), input, W.value, b.value, options, inputGradient);
      W.grad = g.dW;
      b.grad = g.db;
      return g.dX;
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
    name: context.name,
    outputShape: [g.outHeight, g.outWidth, g.channels],
    parameters: [],
    forward(input) {
      x = input;
      return pool2d(input, options);
    },
    backward(grad) {
      return pool2dBackward(grad, cached(fn, context.name, x), options);
    },
  };
}

/** (m, ...inputShape) → (m, n) in row-major (h, w, c) order; backward puts the shape back. */
function flattenLayer(name: string, inputShape: number[]): Layer {
  const n = sizeOf(inputShape);
  let xShape: number[] | null = null;
  return {
    name,
    outputShape: [n],
    parameters: [],
    forward(input) {
      xShape = input.shape.slice();
      return reshape(input, [input.shape[0], n]);
    },
    backward: (grad) => reshape(grad, cached('layers.flatten', name, xShape)),
  };
}

function buildDense(config: DenseConfig, inputShape: number[], context: BuildContext): Layer[] {
  const fn = 'layers.dense';
  const n = sizeOf(inputShape);
  const u = config.units;
  const [W, b] = weightsAndBiases(config, [n, u], n, u, context);
  let x: Tensor | null = null; // flattened to (m,n)
  let xShape: number[] = [];
  const fullyConnected: Layer = {
    name: context.name,
    outputShape: [u],
    parameters: [W, b],
    forward(input) {
      xShape = input.shape.slice();
      x = reshape(input, [input.shape[0], n]);
      return dense(x, W.value, b.value);
    },
    backward(dZ) {
      const { dX, dW, db } = denseBackward(dZ, cached(fn, context.name, x), W.value, b.value);
      W.grad = dW;
      b.grad = db;
      return reshape(dX, xShape);
    },
  };
  return [fullyConnected, ...activationLayers(config.activation ?? 'linear', context.name, [u], fn)];
}

/**
 * The layers a spec builds for inputs of `inputShape` (one example, no batch axis), in order: one, or two
 * when a conv2d or dense carries an activation (the activation is a layer of its own), except a conv2d's
 * relu, which the conv's kernels apply (convReluLayer). Output shapes come from `shape.ts`; initial
 * weights from `context.rng`.
 */
export function buildLayers(spec: LayerSpec, inputShape: readonly number[], context: BuildContext): Layer[] {
  const shape = inputShape.slice();
  switch (spec.type) {
    case 'conv2d':
      return buildConv(spec.config, shape, context);
    case 'maxPool':
    case 'avgPool':
      return [buildPool(spec.type, spec.config, shape, context)];
    case 'dense':
      return buildDense(spec.config, shape, context);
    case 'relu':
      return [reluLayer(context.name, shape)];
    case 'softmax':
      return [softmaxLayer(context.name, shape)];
    case 'flatten':
      return [flattenLayer(context.name, shape)];
    default:
      throw new ConvlabError(
        'buildLayer',
        `unknown layer type ${JSON.stringify((spec as { type: unknown }).type)}`,
      );
  }
}

/** The layer a spec describes, as one layer (one row of a model's summary): `buildLayers` chained. */
export function buildLayer(spec: LayerSpec, inputShape: readonly number[], context: BuildContext): Layer {
  const parts = buildLayers(spec, inputShape, context);
  return parts.length === 1 ? parts[0] : chain(context.name, parts);
}
