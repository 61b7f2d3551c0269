/**
 * conv2d and conv2dBackward, the library's convolution. Arguments are checked in conv2dArguments.ts; the
 * values come from the SIMD kernels (fast/conv2dFast.ts). The loops that say what those values are, line
 * by line, are the teaching reference in reference/conv2dReference.ts: read that one first.
 */
import {
  ConvGradients,
  convGradientTensors,
  ConvOptions,
  convOutput,
  prepareConv,
  prepareConvGradient,
} from './conv2dArguments';
import { conv2dBackwardFast, conv2dFast } from './fast/conv2dFast';
import { kernelsFor } from './fast/wasmKernels';
import { conv2dBackwardReference, conv2dReference } from './reference/conv2dReference';
import { dtypeOf, Tensor } from './tensor';

export type { ConvGradients, ConvOptions } from './conv2dArguments';
export { conv2dBackwardReference, conv2dReference } from './reference/conv2dReference';

/**
 * Convolution as ML uses the word (cross-correlation, no flip) over volumes:
 * x (m,H,W,C) or (H,W,C), W (f,f,C,K), b (K) → (m,H',W',K) or (H',W',K), H' = ⌊(H + 2p − f)/s⌋ + 1.
 * Z[b,h,w,k] = bias[k] + Σ_{i,j,c} x_padded[b, h·s + i, w·s + j, c] · W[i,j,c,k]. Keeps x's dtype.
 */
export function conv2d(x: Tensor, W: Tensor, b?: Tensor | null, options: ConvOptions = {}): Tensor {
  const prepared = prepareConv('conv2d', x, W, b, options);
  const dtype = dtypeOf(x);
  const kernels = kernelsFor(dtype);
  if (!kernels) return conv2dReference(x, W, b, options);
  const { x: x4, W: w, b: bias, g } = prepared;
  return convOutput(conv2dFast(kernels, dtype, x4, w, bias, g), prepared);
}

/**
 * Gradients of conv2d: given dZ = ∂J/∂Z (the shape of conv2d's output), returns ∂J/∂x, ∂J/∂W, ∂J/∂b
 * with the shapes of x, W and b, in x's dtype.
 */
export function conv2dBackward(
  dZ: Tensor,
  x: Tensor,
  W: Tensor,
  b?: Tensor | null,
  options: ConvOptions = {},
): ConvGradients {
  const fn = 'conv2dBackward';
  const prepared = prepareConv(fn, x, W, b, options);
  const dZ4 = prepareConvGradient(fn, dZ, x, W, prepared);
  const dtype = dtypeOf(x);
  const kernels = kernelsFor(dtype);
  if (!kernels) return conv2dBackwardReference(dZ, x, W, b, options);
  const gradients = conv2dBackwardFast(kernels, dtype, dZ4, prepared.x, prepared.W, prepared.g);
  const { dX, dW, db } = convGradientTensors(gradients, x, W, b, prepared);
  return { dX: dX as Tensor, dW, db };
}

/**
 * conv2dBackward's ∂J/∂W and ∂J/∂b without ∂J/∂x, for about half the work: what a network's first layer
 * needs, since nothing uses the gradient with respect to the images.
 */
export function conv2dWeightGradients(
  dZ: Tensor,
  x: Tensor,
  W: Tensor,
  b?: Tensor | null,
  options: ConvOptions = {},
): Omit<ConvGradients, 'dX'> {
  const fn = 'conv2dWeightGradients';
  const prepared = prepareConv(fn, x, W, b, options);
  const dZ4 = prepareConvGradient(fn, dZ, x, W, prepared);
  const dtype = dtypeOf(x);
  const kernels = kernelsFor(dtype);
  if (!kernels) {
    const { dW, db } = conv2dBackwardReference(dZ, x, W, b, options);
    return { dW, db };
  }
  const gradients = conv2dBackwardFast(kernels, dtype, dZ4, prepared.x, prepared.W, prepared.g, false);
  const { dW, db } = convGradientTensors(gradients, x, W, b, prepared);
  return { dW, db };
}
