import { contiguous, FloatArray, isContiguous, shapeString, Tensor } from './tensor';
import { ConvlabError } from './convlabError';
import { positiveInteger } from './positiveInteger';

/** A learnable tensor and the gradient of the cost with respect to it (null before the first backward pass). */
export interface Parameter {
  /** e.g. `'CONV1.W'`, for messages and saved models. */
  name: string;
  value: Tensor;
  /**
   * The last backward pass's gradient. Inside model.fit each training step writes it into the same array
   * (stepBuffers.ts): copy it (`cl.copy(p.grad)`) to keep one step's.
   */
  grad: Tensor | null;
}

/** Updates parameters in place from their gradients. `learningRate` may be changed between steps (schedules). */
export interface Optimizer {
  readonly name: 'sgd' | 'adam';
  learningRate: number;
  /** One update of every parameter from its `grad`. */
  step(parameters: readonly Parameter[]): void;
}

function checkNumber(
  fn: string,
  name: string,
  value: unknown,
  low: number,
  high: number,
  lowOpen: boolean,
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (lowOpen ? value > low : value >= low) &&
    value < high;
  if (!ok) {
    const range = `${lowOpen ? '(' : '['}${low}, ${high === Infinity ? '∞' : high})`;
    throw new ConvlabError(fn, `${name} must be a number in ${range}, got ${JSON.stringify(value)}`);
  }
  return value as number;
}

/** Checks a parameter before updating it and returns its storage and its gradient's (both contiguous). */
function prepare(fn: string, parameter: Parameter): { value: FloatArray; grad: FloatArray } {
  const { name, value, grad } = parameter;
  if (!grad) throw new ConvlabError(fn, `parameter ${name} has no gradient yet; run a backward pass first`);
  if (grad.size !== value.size || grad.shape.some((d, i) => d !== value.shape[i])) {
    throw new ConvlabError(
      fn,
      `gradient of ${name} has shape ${shapeString(grad.shape)} but the parameter has ${shapeString(value.shape)}`,
    );
  }
  // updating in place needs the values in row-major order from 0, so that value[i] pairs with grad[i]
  if (!isContiguous(value))
    throw new ConvlabError(fn, `parameter ${name} must be a contiguous tensor to update in place`);
  return { value: value.data, grad: contiguous(grad).data };
}

/**
 * Stochastic gradient descent, with optional momentum (PyTorch's form):
 * v ← momentum·v + g;  θ ← θ − learningRate·v. momentum 0 is plain gradient descent, θ ← θ − α·g.
 */
export function sgd(options: { learningRate: number; momentum?: number }): Optimizer {
  const fn = 'sgd';
  if (!options || typeof options !== 'object')
    throw new ConvlabError(fn, 'options { learningRate, momentum? } are required');
  let learningRate = checkNumber(fn, 'learningRate', options.learningRate, 0, Infinity, true);
  const momentum = checkNumber(fn, 'momentum', options.momentum ?? 0, 0, 1, false);
  const velocity = new Map<Tensor, Float64Array>();
  return {
    name: 'sgd',
    get learningRate() {
      return learningRate;
    },
    set learningRate(value: number) {
      learningRate = checkNumber(fn, 'learningRate', value, 0, Infinity, true);
    },
    step(parameters) {
      for (const parameter of parameters) {
        const { value, grad } = prepare(fn, parameter);
        if (momentum === 0) {
          for (let i = 0; i < value.length; i++) value[i] -= learningRate * grad[i];
          continue;
        }
        let v = velocity.get(parameter.value);
        if (!v) velocity.set(parameter.value, (v = new Float64Array(value.length)));
        for (let i = 0; i < value.length; i++) {
          v[i] = momentum * v[i] + grad[i];
          value[i] -= learningRate * v[i];
        }
      }
    },
  };
}

/**
 * Adam (Kingma & Ba): running means of the gradient (m) and of its square (v), bias-corrected for the
 * first steps, θ ← θ − α·m̂/(√v̂ + ε). Each parameter gets its own step size, so one learning rate
 * (default 0.001) works across layers of very different scales.
 */
export function adam(
  options: { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number } = {},
): Optimizer {
  const fn = 'adam';
  if (!options || typeof options !== 'object') throw new ConvlabError(fn, 'options must be an object');
  let learningRate = checkNumber(fn, 'learningRate', options.learningRate ?? 0.001, 0, Infinity, true);
  const beta1 = checkNumber(fn, 'beta1', options.beta1 ?? 0.9, 0, 1, false);
  const beta2 = checkNumber(fn, 'beta2', options.beta2 ?? 0.999, 0, 1, false);
  const epsilon = checkNumber(fn, 'epsilon', options.epsilon ?? 1e-8, 0, Infinity, true);
  const moments = new Map<Tensor, { m: Float64Array; v: Float64Array }>();
  let t = 0; // steps taken, for the bias correction
  return {
    name: 'adam',
    get learningRate() {
      return learningRate;
    },
    set learningRate(value: number) {
      learningRate = checkNumber(fn, 'learningRate', value, 0, Infinity, true);
    },
    step(parameters) {
      t++;
      const correction1 = 1 - beta1 ** t;
      const correction2 = 1 - beta2 ** t;
      for (const parameter of parameters) {
        const { value, grad } = prepare(fn, parameter);
        let state = moments.get(parameter.value);
        if (!state) {
          state = { m: new Float64Array(value.length), v: new Float64Array(value.length) };
          moments.set(parameter.value, state);
        }
        const { m, v } = state;
        for (let i = 0; i < value.length; i++) {
          const g = grad[i];
          m[i] = beta1 * m[i] + (1 - beta1) * g;
          v[i] = beta2 * v[i] + (1 - beta2) * g * g;
          value[i] -= (learningRate * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon);
        }
      }
    },
  };
}

/**
 * A step schedule for `fit`'s `learningRateSchedule`: the initial rate times `factor` every `every` epochs,
 * e.g. stepDecay(0.001, { factor: 0.5, every: 2 }) gives 0.001, 0.001, 0.0005, 0.0005, 0.00025, …
 */
export function stepDecay(
  initial: number,
  options: { factor: number; every: number },
): (epoch: number) => number {
  const fn = 'stepDecay';
  checkNumber(fn, 'initial', initial, 0, Infinity, true);
  if (!options || typeof options !== 'object')
    throw new ConvlabError(fn, 'options { factor, every } are required');
  const factor = checkNumber(fn, 'factor', options.factor, 0, Infinity, true);
  const every = positiveInteger(fn, 'every', options.every, { unit: 'epochs' });
  // rounded to 12 digits so that 0.01·0.2² prints as 0.0004, not 0.0004000000000000001
  return (epoch: number) => Number((initial * factor ** Math.floor(epoch / every)).toPrecision(12));
}
