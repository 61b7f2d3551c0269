import { layers } from './layers';
import { Model, sequential, SequentialOptions } from './sequential';

/**
 * The LeNet-5 this course trains on 28×28×1 digits: conv 6@5×5 'same' + relu → max-pool 2 →
 * conv 16@5×5 + relu → max-pool 2 → dense 120 relu → dense 84 relu → dense 10 softmax (61,706
 * parameters). Notebooks spell the layers out to teach them; the example, the bench and the tests
 * share this one definition.
 */
export function lenet5(options: SequentialOptions = {}): Model {
  return sequential(
    [28, 28, 1],
    [
      layers.conv2d({ filters: 6, size: 5, pad: 'same', activation: 'relu' }),
      layers.maxPool({ size: 2, stride: 2 }),
      layers.conv2d({ filters: 16, size: 5, activation: 'relu' }),
      layers.maxPool({ size: 2, stride: 2 }),
      layers.dense({ units: 120, activation: 'relu' }),
      layers.dense({ units: 84, activation: 'relu' }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
    options,
  );
}
