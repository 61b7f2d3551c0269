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
  /** ∂J/∂output → ∂J/∂input, storing ∂J/∂W and ∂J/∂b in `parameters`. */
  backward(grad: Tensor): Tensor;
}

/**
 * Layers one after another as one layer (a conv2d and its relu make one row of the summary):
 * forward in order, backward in reverse order.
 */
export function chain(name: string, parts: readonly Layer[]): Layer {
  return {
    name,
    outputShape: parts[parts.length - 1].outputShape,
    parameters: parts.flatMap((part) => part.parameters),
    forward: (x) => parts.reduce((a, part) => part.forward(a), x),
    backward: (grad) => parts.reduceRight((g, part) => part.backward(g), grad),
  };
}

/** What forward remembered, or an error naming the layer when backward comes first. */
export function cached<T>(fn: string, name: string, value: T | null): T {
  if (value === null)
    throw new ConvlabError(fn, `layer ${name} has no forward pass to go back through; call forward first`);
  return value;
}
