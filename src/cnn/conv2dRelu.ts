/**
 * conv2d followed by relu, in one pass: what a conv layer with `activation: 'relu'` runs (buildLayers.ts).
 * The kernels apply max(0, ·) as they store conv2d's output, and relu's slope (∂J/∂z = ∂J/∂a where a > 0)
 * as they load the gradient. Written as two steps, relu and reluBackward are each a pass of JavaScript
 * over the whole activation on one core (LeNet's first layer at batch 64: 1.2 MB, about 0.9 ms a
 * training step on this course's VM); fused, they cost a comparison inside kernels that run on every
 * core. The values are those of the two steps, relu(conv2d(...)) and conv2dBackward(reluBackward(...)),
 * to the bit, but where z = −∞ or is above half the largest float: there the kernels' max(0, z) gives 0 and
 * z, as PyTorch's relu does, where relu's branchless (z + |z|)/2 gives NaN and ∞ (activations.ts).
 */
import { relu, reluBackward } from './activations';
import { conv2d, conv2dBackward, conv2dWeightGradients } from './conv2d';
import {
  convGradientTensors,
  ConvOptions,
  convOutput,
  prepareConv,
  prepareConvGradient,
} from './conv2dArguments';
import { ConvlabError } from './convlabError';
import { conv2dBackwardFast, conv2dFast } from './fast/conv2dFast';
import { kernelsFor } from './fast/wasmKernels';
import { dtypeOf, Tensor } from './tensor';

/** a = relu(conv2d(x, W, b, options)), with conv2d's shapes and checks. */
export function conv2dRelu(x: Tensor, W: Tensor, b?: Tensor | null, options: ConvOptions = {}): Tensor {
  const prepared = prepareConv('conv2dRelu', x, W, b, options);
  const dtype = dtypeOf(x);
  const kernels = kernelsFor(dtype);
  if (!kernels) return relu(conv2d(x, W, b, options));
  const { x: x4, W: w, b: bias, g } = prepared;
  return convOutput(conv2dFast(kernels, dtype, x4, w, bias, g, true), prepared);
}

/**
 * The gradients of conv2dRelu from dA = ∂J/∂a and its output a: conv2dBackward of dZ = reluBackward(dA, a)
 * (a > 0 exactly where z > 0). Without `inputGradient`, dX is null and about half the work is skipped
 * (conv2dWeightGradients).
 */
export function conv2dReluBackward(
  dA: Tensor,
  a: Tensor,
  x: Tensor,
  W: Tensor,
  b?: Tensor | null,
  options: ConvOptions = {},
  inputGradient = true,
): { dX: Tensor | null; dW: Tensor; db: Tensor } {
  const fn = 'conv2dReluBackward';
  const prepared = prepareConv(fn, x, W, b, options);
  const dA4 = prepareConvGradient(fn, dA, x, W, prepared, 'dA');
  const a4 = prepareConvGradient(fn, a, x, W, prepared, 'a');
  const dtype = dtypeOf(x);
  if (dtypeOf(a) !== dtype) {
    // rounded to x's dtype, a tiny positive value would become 0 and change the mask
    throw new ConvlabError(fn, `a is ${dtypeOf(a)} but x is ${dtype} (a is conv2dRelu's output for x)`);
  }
  const kernels = kernelsFor(dtype);
  if (!kernels) {
    const dZ = reluBackward(dA, a);
    if (inputGradient) return conv2dBackward(dZ, x, W, b, options);
    return { dX: null, ...conv2dWeightGradients(dZ, x, W, b, options) };
  }
  const { x: x4, W: w, g } = prepared;
  const gradients = conv2dBackwardFast(kernels, dtype, dA4, x4, w, g, inputGradient, a4);
  return convGradientTensors(gradients, x, W, b, prepared);
}
