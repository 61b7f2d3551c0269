import { readFileSync } from 'fs';
import { dirname, join } from 'path';
import { seededRandom } from './random';
import { ops } from './ops';
import { allocate, checkTensor, DType, dtypeOf, fromData, Tensor, zeros } from './tensor';
import { ConvlabError } from './convlabError';
import { nonNegativeInteger } from './positiveInteger';

/** How many digits the registry package `mnist` holds (a subset of MNIST's test set). */
export const MNIST_SIZE = 10000;
const PIXELS = 28 * 28;

export interface MnistOptions {
  /** Training examples (default 8000). */
  train?: number;
  /** Held-out test examples, disjoint from the training ones (default 2000). */
  test?: number;
  /** Seeds the split (default 0): the same seed always gives the same examples in the same order. */
  seed?: number;
  dtype?: DType;
}

export interface MnistData {
  /** (n,28,28,1), pixels in [0,1], white digit on black. */
  trainX: Tensor;
  trainY: Int32Array;
  testX: Tensor;
  testY: Int32Array;
}

let digitsCache: number[][] | null = null;

/**
 * The pixel lists of the ten digit files of the `mnist` package (`src/digits/<d>.json`, 784 values in [0,1]
 * per image). Read directly: the package's own `set()` draws with Math.random and gives uneven class counts.
 */
function readDigits(): number[][] {
  if (!digitsCache) {
    const folder = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    digitsCache = Array.from({ length: 10 }, (_, digit) => {
      const file = join(folder, `${digit}.json`);
      return (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    });
  }
  return digitsCache;
}

/**
 * Hand-written digits from the registry package `mnist` (10,000 images, nothing fetched at run time),
 * shuffled with a seeded generator and split into disjoint training and test sets.
 */
export function loadMnist(options: MnistOptions = {}): MnistData {
  const fn = 'loadMnist';
  const train = nonNegativeInteger(fn, 'train', options.train ?? 8000);
  const test = nonNegativeInteger(fn, 'test', options.test ?? 2000);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new ConvlabError(fn, `seed must be a finite number, got ${JSON.stringify(seed)}`);
  }
  const dtype = options.dtype ?? 'float32';
  if (train + test > MNIST_SIZE) {
    throw new ConvlabError(
      fn,
      `train + test = ${train} + ${test} = ${train + test} is more than the ${MNIST_SIZE} digits there are`,
    );
  }
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ConvlabError(fn, `dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
  const digits = readDigits();
  // every image as (digit, index within that digit's file), in file order, then one seeded shuffle
  const images: Array<[number, number]> = [];
  digits.forEach((pixels, digit) => {
    for (let i = 0; i < pixels.length / PIXELS; i++) images.push([digit, i]);
  });
  const order = seededRandom(seed).permutation(images.length);
  const take = (from: number, count: number): [Tensor, Int32Array] => {
    const x = allocate(dtype, count * PIXELS);
    const y = new Int32Array(count);
    for (let row = 0; row < count; row++) {
      const [digit, i] = images[order[from + row]];
      x.set(digits[digit].slice(i * PIXELS, (i + 1) * PIXELS), row * PIXELS);
      y[row] = digit;
    }
    return [fromData(x, [count, 28, 28, 1]), y];
  };
  const [trainX, trainY] = take(0, train);
  const [testX, testY] = take(train, test);
  return { trainX, trainY, testX, testY };
}

/**
 * Shifts and scales x to mean 0 and standard deviation 1 over all its values. Pass the training set's
 * `{ mean, std }` to treat a test set exactly like the training set. Returns a new tensor and the numbers used.
 */
export function standardize(
  x: Tensor,
  stats?: { mean: number; std: number },
): { x: Tensor; mean: number; std: number } {
  const fn = 'standardize';
  checkTensor(fn, 'x', x);
  if (stats && (!Number.isFinite(stats.mean) || !Number.isFinite(stats.std) || stats.std <= 0)) {
    throw new ConvlabError(
      fn,
      `stats need a finite mean and a positive std, got mean=${stats.mean}, std=${stats.std}`,
    );
  }
  if (!stats && x.size === 0) throw new ConvlabError(fn, 'x is empty', { x: x.shape });
  const mean = stats ? stats.mean : ops.sum(x) / x.size;
  // x − mean, kept in float64 so that the division below rounds once, into x's dtype
  const centred = ops.subs(zeros(x.shape, 'float64'), x, mean);
  const std = stats ? stats.std : Math.sqrt(ops.norm2squared(centred) / x.size);
  if (std === 0) {
    throw new ConvlabError(fn, `every value of x is ${mean}, so there is no spread to scale`, {
      x: x.shape,
    });
  }
  return { x: ops.divs(zeros(x.shape, dtypeOf(x)), centred, std), mean, std };
}
