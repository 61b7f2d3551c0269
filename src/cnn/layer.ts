import { ConvlabError } from './convlabError';
import { Parameter } from './optimizers';
import { Tensor } from './tensor';

/**
 * A layer knows only itself: forward, backward and its parameters. Nothing here knows about the loss or
 * the training loop; softmax + cross-entropy is a node of its own (softmaxCrossEntropy.ts).
 */
export interface Layer {
  /** Row name in the summary (CONV1, POOL1, …); its parameters are named after it (CONV1.W). */
  readonly name: string;
  /** Shape of one example coming out (no batch axis), e.g. [28, 28, 8]. */
  readonly outputShape: number[];
  /** Learnable tensors (W then b) with their gradients; empty for pool, relu, flatten, softmax. */
  readonly parameters: Parameter[];
  /** A batch (m, ...inputShape) → (m, ...outputShape). Remembers what backward needs. */
  forward(x: Tensor): Tensor;
  /**
   * ∂J/∂output → ∂J/∂input, storing ∂J/∂W and ∂J/∂b in `parameters`. With `inputGradient` false the
   * caller has no use for ∂J/∂input (the first layer in training: nothing is learned about the images),
   * and a layer may skip that work and return null: a conv layer saves about a third of its backward pass.
   */
  backward(grad: Tensor, inputGradient?: boolean): Tensor | null;
}

/**
 * Layers one after another as one layer (a dense layer and its relu make one row of the summary):
 * forward in order, backward in reverse order.
 */
export function chain(name: string, parts: readonly Layer[]): Layer {
  return {
    name,
    outputShape: parts[parts.length - 1].outputShape,
    parameters: parts.flatMap((part) => part.parameters),
    forward: (x) => parts.reduce((a, part) => part.forward(a), x),
    backward: (grad, inputGradient = true) => backwardThrough(parts, grad, inputGradient),
  };
}

/**
 * ∂J/∂output of the last layer → ∂J/∂input of the first, back through `layers` in reverse order; only
 * the first may skip its ∂J/∂input (see Layer.backward).
 */
export function backwardThrough(layers: readonly Layer[], grad: Tensor, inputGradient = true): Tensor | null {
  let g: Tensor | null = grad;
  for (let i = layers.length - 1; i >= 0; i--) g = layers[i].backward(g as Tensor, i > 0 || inputGradient);
  return g;
}

/** What forward remembered, or an error naming the layer when backward comes first. */
export function cached<T>(fn: string, name: string, value: T | null): T {
  if (value === null)
    throw new ConvlabError(fn, `layer ${name} has no forward pass to go back through; call forward first`);
  return value;
}
