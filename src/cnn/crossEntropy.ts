import { checkTensor, contiguous, Tensor } from './tensor';
import { ConvlabError } from './convlabError';

/** Class labels, one per example: integers 0 … K−1. */
export type Labels = readonly number[] | Int32Array | Uint8Array | Uint16Array;

/** Smallest probability the cost takes the log of, so a confident wrong answer costs ~34.5, not Infinity. */
const MIN_PROBABILITY = 1e-15;

/**
 * Checks labels against m examples and K classes; `fn` names the public function in the message.
 * A label out of range or not an integer would silently read the wrong probability, so it throws.
 */
export function checkLabels(fn: string, labels: unknown, m: number, K: number): Labels {
  const isTyped =
    labels instanceof Int32Array || labels instanceof Uint8Array || labels instanceof Uint16Array;
  if (!Array.isArray(labels) && !isTyped) {
    throw new ConvlabError(fn, `labels must be an array of class numbers 0…${K - 1}, got ${typeof labels}`);
  }
  const list = labels as Labels;
  if (list.length !== m) {
    throw new ConvlabError(fn, `got ${list.length} labels for ${m} examples`);
  }
  for (let i = 0; i < list.length; i++) {
    const label = list[i];
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= K) {
      throw new ConvlabError(
        fn,
        `label ${typeof label === 'number' ? label : JSON.stringify(label)} at index ${i} is not a class number 0…${K - 1} (K=${K} classes)`,
      );
    }
  }
  return list;
}

/** Checks (m,K) probabilities (or scores) and returns [m, K]; `fn` names the public function in the message. */
export function checkProbs(fn: string, probs: Tensor): [number, number] {
  checkTensor(fn, 'probs', probs, [2]);
  const [m, K] = probs.shape;
  if (m === 0 || K === 0) throw new ConvlabError(fn, 'probs is empty', { probs: probs.shape });
  return [m, K];
}

/**
 * The cost J = −(1/m) Σ_i log p_i[y_i]: probs (m,K) from softmax, labels y (m).
 * The mean, not the sum, so that the learning rate does not depend on the batch size.
 */
export function crossEntropy(probs: Tensor, labels: Labels): number {
  const fn = 'crossEntropy';
  const [m, K] = checkProbs(fn, probs);
  checkLabels(fn, labels, m, K);
  const p = contiguous(probs).data;
  let sum = 0;
  for (let i = 0; i < m; i++) sum -= Math.log(Math.max(p[i * K + labels[i]], MIN_PROBABILITY));
  return sum / m;
}

/** The class with the highest probability in each row of (m,K) scores or probabilities. */
export function argmax(probs: Tensor): Int32Array {
  const [m, K] = checkProbs('argmax', probs);
  const p = contiguous(probs).data;
  const classes = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[i * K + k] > p[i * K + best]) best = k;
    classes[i] = best;
  }
  return classes;
}

/** Fraction of rows whose highest probability is at the true label (ties go to the first class). */
export function accuracy(probs: Tensor, labels: Labels): number {
  const fn = 'accuracy';
  const [m, K] = checkProbs(fn, probs);
  checkLabels(fn, labels, m, K);
  const predicted = argmax(probs);
  let right = 0;
  for (let i = 0; i < m; i++) if (predicted[i] === labels[i]) right++;
  return right / m;
}
