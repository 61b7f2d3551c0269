import { softmax } from './activations';
import { checkLabels, checkProbs, crossEntropy, Labels } from './crossEntropy';
import { ConvlabError } from './convlabError';
import { allocate, contiguous, dtypeOf, fromData, Tensor } from './tensor';

/**
 * ∂J/∂Z for softmax followed by cross-entropy, Z being the scores softmax was given:
 * (probs − onehot(labels))/m. The two Jacobians multiply out to this, so the model never divides by p.
 */
export function softmaxCrossEntropyBackward(probs: Tensor, labels: Labels): Tensor {
  const fn = 'softmaxCrossEntropyBackward';
  const [m, K] = checkProbs(fn, probs);
  checkLabels(fn, labels, m, K);
  const p = contiguous(probs).data;
  const dZ = allocate(dtypeOf(probs), m * K);
  for (let i = 0; i < m * K; i++) dZ[i] = p[i] / m;
  for (let i = 0; i < m; i++) dZ[i * K + labels[i]] -= 1 / m;
  return fromData(dZ, [m, K]);
}

/** The loss node a classifier trains with: scores in, the cost out, and back the gradient of the scores. */
export interface SoftmaxCrossEntropy {
  /**
   * J = mean cross-entropy of softmax(scores) (m,K) against the labels; remembers the probabilities
   * and labels backward needs, and returns the probabilities too (for the accuracy).
   */
  forward(scores: Tensor, labels: Labels): { cost: number; probabilities: Tensor };
  /** ∂J/∂scores of the last forward, the fused gradient (p − onehot(y))/m. */
  backward(): Tensor;
}

/**
 * Softmax and cross-entropy as one loss, as PyTorch's CrossEntropyLoss takes logits: the model's final
 * softmax layer is not gone back through in training, its gradient and the cost's are one step here.
 */
export function softmaxCrossEntropy(): SoftmaxCrossEntropy {
  let saved: { probabilities: Tensor; labels: Labels } | null = null;
  return {
    forward(scores, labels) {
      const probabilities = softmax(scores);
      const cost = crossEntropy(probabilities, labels);
      saved = { probabilities, labels };
      return { cost, probabilities };
    },
    backward() {
      if (!saved)
        throw new ConvlabError(
          'softmaxCrossEntropy',
          'no forward pass to go back through; call forward first',
        );
      return softmaxCrossEntropyBackward(saved.probabilities, saved.labels);
    },
  };
}
