import { Random, seededRandom } from './random';
import { DType, Tensor, zeros } from './tensor';
import { ConvlabError } from './convlabError';
import { positiveInteger } from './positiveInteger';

/** How a layer's weights start: `'he'` for layers followed by relu, `'glorot'` otherwise. */
export type Initializer = 'he' | 'glorot';

function checkFans(fn: string, shape: readonly number[], fans: Record<string, number>): void {
  for (const [name, value] of Object.entries(fans)) positiveInteger(fn, name, value, { shapes: { shape } });
}

function generator(rng: Random | number): Random {
  return typeof rng === 'number' ? seededRandom(rng) : rng;
}

/**
 * He initialisation: normal with standard deviation √(2/fanIn). A relu zeroes about half its inputs,
 * and the factor 2 makes up for it, so activations keep their size from layer to layer.
 * fanIn is the number of inputs of one unit: f·f·C for a conv filter, n for a dense unit.
 */
export function heNormal(
  shape: readonly number[],
  fanIn: number,
  rng: Random | number,
  dtype: DType = 'float32',
): Tensor {
  checkFans('heNormal', shape, { fanIn });
  const random = generator(rng);
  const std = Math.sqrt(2 / fanIn);
  const t = zeros(shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = random.normal() * std;
  return t;
}

/**
 * Glorot (Xavier) initialisation: uniform in ±√(6/(fanIn + fanOut)), which keeps the variance of both the
 * activations going forward and the gradients going back about constant (for tanh-like or linear units).
 */
export function glorotUniform(
  shape: readonly number[],
  fanIn: number,
  fanOut: number,
  rng: Random | number,
  dtype: DType = 'float32',
): Tensor {
  checkFans('glorotUniform', shape, { fanIn, fanOut });
  const random = generator(rng);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const t = zeros(shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = (2 * random.uniform() - 1) * limit;
  return t;
}

/** Weights of the given shape by name: `'he'` → heNormal, `'glorot'` → glorotUniform. */
export function initWeights(
  kind: Initializer,
  shape: readonly number[],
  fanIn: number,
  fanOut: number,
  rng: Random | number,
  dtype: DType = 'float32',
): Tensor {
  if (kind === 'he') return heNormal(shape, fanIn, rng, dtype);
  if (kind === 'glorot') return glorotUniform(shape, fanIn, fanOut, rng, dtype);
  throw new ConvlabError('initWeights', `unknown initializer ${JSON.stringify(kind)}; use 'he' or 'glorot'`);
}
