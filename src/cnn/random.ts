import { DType, Tensor, zeros } from './tensor';
import { ConvlabError } from './convlabError';

/**
 * A small seeded generator (mulberry32) so notebooks and tests give the same numbers run to run.
 * `Math.random` cannot be seeded, which is why the library never uses it.
 */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** A shuffled copy of `[0, 1, …, n−1]` (Fisher–Yates). */
  permutation(n: number): number[];
}

export function seededRandom(seed: number): Random {
  if (!Number.isFinite(seed))
    throw new ConvlabError('seededRandom', `seed must be a finite number, got ${seed}`);
  let state = seed >>> 0;
  let spare: number | null = null;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const int = (n: number): number => Math.floor(uniform() * n);
  const permutation = (n: number): number[] => {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  };
  return { uniform, normal, int, permutation };
}

/** A tensor of standard-normal values times `scale`, from a seed. */
export function randn(shape: readonly number[], seed: number, scale = 1, dtype: DType = 'float32'): Tensor {
  const rng = seededRandom(seed);
  const t = zeros(shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal() * scale;
  return t;
}

/** A tensor of values uniform in [low, high), from a seed. */
export function rand(
  shape: readonly number[],
  seed: number,
  low = 0,
  high = 1,
  dtype: DType = 'float32',
): Tensor {
  const rng = seededRandom(seed);
  const t = zeros(shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = low + (high - low) * rng.uniform();
  return t;
}
