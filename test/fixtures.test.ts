/**
 * Every case of the NumPy/PyTorch reference fixtures and the lecture's worked examples, in float64 (within 1e-9) and float32 (within
 * 2e-4 relative), run against each implementation by name: the path conv2d picks, the reference loops,
 * and every fast strategy that fits the case (src/cnn/fast/strategy.ts), as tfjs runs one spec against
 * every backend. conv2dBackward's rows also check conv2dWeightGradients (the path without dX).
 */
import fixtures from './fixtures/reference-public.json';
import {
  conv2d,
  conv2dBackward,
  conv2dWeightGradients,
  convolve2d,
  correlate2d,
  DType,
  Nested,
  pool2d,
  pool2dBackward,
  tensor,
} from '../src/index';
import { STRATEGIES, Strategy, strategyFits, withStrategy } from '../src/cnn/fast/strategy';
import { expectClose } from './helpers/close';
import * as lecture from './helpers/lectureExamples';

interface Case {
  name: string;
  op: string;
  [key: string]: unknown;
}

const tolerance = {
  float64: { absolute: 1e-9 },
  float32: { relative: 2e-4, absolute: 1e-6 },
};

function run(c: Case, dtype: DType): void {
  const t = (key: string) => tensor(c[key] as Nested, dtype);
  const expected = c.expected as Nested & Record<string, Nested>;
  const tol = tolerance[dtype];
  const conv = { stride: c.stride as number, pad: c.pad as number };
  const pool = { size: c.size as number, stride: c.stride as number, mode: c.mode as 'max' | 'avg' };
  switch (c.op) {
    case 'conv2d':
      return expectClose(conv2d(t('x'), t('W'), t('b'), conv), expected, tol);
    case 'conv2dBackward': {
      const { dX, dW, db } = conv2dBackward(t('dZ'), t('x'), t('W'), t('b'), conv);
      expectClose(dX, expected.dX, tol);
      expectClose(dW, expected.dW, tol);
      expectClose(db, expected.db, tol);
      const weights = conv2dWeightGradients(t('dZ'), t('x'), t('W'), t('b'), conv);
      expectClose(weights.dW, expected.dW, tol);
      return expectClose(weights.db, expected.db, tol);
    }
    case 'pool2d':
      return expectClose(pool2d(t('x'), pool), expected, tol);
    case 'pool2dBackward':
      return expectClose(pool2dBackward(t('dA'), t('x'), pool), expected, tol);
    case 'correlate2d':
      return expectClose(correlate2d(t('image'), t('kernel'), conv), expected, tol);
    case 'convolve2d':
      return expectClose(convolve2d(t('image'), t('kernel'), conv), expected, tol);
    default:
      throw new Error(`fixture case ${c.name} has an op this test does not know: ${c.op}`);
  }
}

/** 'picked': no strategy forced, what users get. */
type Implementation = 'picked' | Strategy;

/** Whether an implementation has its own path for a case: pooling has one SIMD kernel, the picked one. */
function runsCase(implementation: Implementation, c: Case): boolean {
  if (implementation === 'picked' || implementation === 'reference') return true;
  if (c.op.startsWith('pool')) return false;
  return strategyFits(implementation, c.op === 'conv2dBackward' ? 'backward' : 'forward', c.stride as number);
}

/** The lecture's examples that have an answer, as rows of the same table. */
const lectureCases: Case[] = [
  {
    name: 'lecture 6×6 ⋆ vertical',
    op: 'correlate2d',
    image: lecture.lectureImage,
    kernel: lecture.verticalFilter,
    stride: 1,
    expected: lecture.lectureOutput,
  },
  {
    name: 'lecture 7×7 ⋆ 3×3 s=2',
    op: 'correlate2d',
    image: lecture.stridedImage,
    kernel: lecture.stridedKernel,
    stride: 2,
    expected: lecture.stridedOutput,
  },
  {
    name: 'lecture 4×4 f=2 s=2 max',
    op: 'pool2d',
    x: lecture.maxPoolInput,
    size: 2,
    stride: 2,
    mode: 'max',
    expected: lecture.maxPoolOutput,
  },
  {
    name: 'lecture 4×4 f=2 s=2 avg',
    op: 'pool2d',
    x: lecture.averagePoolInput,
    size: 2,
    stride: 2,
    mode: 'avg',
    expected: lecture.averagePoolOutput,
  },
];

describe('reference fixtures (NumPy / PyTorch) and the lecture examples', () => {
  const cases = [...(fixtures as { cases: Case[] }).cases, ...lectureCases];
  it('has every op the library exposes', () => {
    const ops = new Set(cases.map((c) => c.op));
    for (const op of ['conv2d', 'conv2dBackward', 'pool2d', 'pool2dBackward', 'correlate2d', 'convolve2d']) {
      if (!ops.has(op)) throw new Error(`no fixture for ${op}`);
    }
  });
  for (const implementation of ['picked', ...STRATEGIES] as const) {
    describe(implementation, () => {
      for (const dtype of ['float64', 'float32'] as const) {
        for (const c of cases.filter((c) => runsCase(implementation, c))) {
          it(`${dtype} ${c.op}: ${c.name}`, () =>
            implementation === 'picked' ? run(c, dtype) : withStrategy(implementation, () => run(c, dtype)));
        }
      }
    });
  }
});
