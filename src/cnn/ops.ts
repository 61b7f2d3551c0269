import { Data, NdArray } from 'ndarray';
import * as ndarrayOps from 'ndarray-ops';
import { ConvlabError } from './convlabError';

/** Any ndarray of numbers: a Tensor, or a view over other arrays (the bytes of a PNG, say). */
export type Numbers = NdArray<Data<number>>;

/** `add(out, a, b)`: out = a + b. Returns `out`. */
export type BinaryOp = <T extends Numbers>(out: T, a: Numbers, b: Numbers) => T;
/** `addeq(out, a)`: out = out + a; also `sqrt(out, a)`: out = √a. Returns `out`. */
export type UnaryOp = <T extends Numbers>(out: T, a: Numbers) => T;
/** `adds(out, a, s)`: out = a + s for a number s. Returns `out`. */
export type ScalarOp = <T extends Numbers>(out: T, a: Numbers, s: number) => T;
/** `addseq(out, s)`: out = out + s. Returns `out`. */
export type InPlaceScalarOp = <T extends Numbers>(out: T, s: number) => T;
/** `sqrteq(out)`: out = √out. Returns `out`. */
export type InPlaceOp = <T extends Numbers>(out: T) => T;
/** `sum(a)`: one number from every element of `a`. */
export type Reduction = (a: Numbers) => number;

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * ndarray-ops' own check says only "cwise: Arrays do not all have the same shape!": this one names
 * the call, the argument and the shapes, the way every convlab function does.
 */
function checkArguments(fn: string, names: readonly string[], args: readonly unknown[]): void {
  if (args.length !== names.length) {
    throw new ConvlabError(fn, `takes (${names.join(', ')}), got ${args.length} argument(s)`);
  }
  const arrays: Record<string, number[]> = {};
  names.forEach((name, i) => {
    const value = args[i];
    if (name === 's') {
      if (typeof value !== 'number') throw new ConvlabError(fn, `s must be a number, got ${describe(value)}`);
      return;
    }
    const array = value as Numbers;
    if (!array || typeof array !== 'object' || !Array.isArray(array.shape) || !array.data) {
      throw new ConvlabError(fn, `${name} must be an ndarray (use tensor([...])), got ${describe(value)}`);
    }
    arrays[name] = array.shape;
  });
  const shapes = Object.values(arrays);
  if (shapes.some((s) => s.length !== shapes[0].length || s.some((d, i) => d !== shapes[0][i]))) {
    throw new ConvlabError(fn, 'shapes differ', arrays);
  }
}

/** ndarray-ops' function `name`, behind the argument check above. */
function op<F>(name: keyof typeof ndarrayOps, names: readonly string[]): F {
  const raw = ndarrayOps[name] as (...args: unknown[]) => unknown;
  return ((...args: unknown[]) => {
    checkArguments(`ops.${name}`, names, args);
    return raw(...args);
  }) as F;
}

const outAB = ['out', 'a', 'b'];
const outA = ['out', 'a'];
const outAS = ['out', 'a', 's'];
const outS = ['out', 's'];
const out = ['out'];
const a = ['a'];

/**
 * ndarray-ops leaves the index at its starting value (the shape, out of range) when no element beats
 * ±Infinity: every element NaN or ∓Infinity. numpy answers the first element then, and so does this.
 */
function firstBest(name: 'argmax' | 'argmin'): (a: Numbers) => number[] {
  const raw = ndarrayOps[name] as unknown as (a: Numbers) => number[];
  return (array) => {
    checkArguments(`ops.${name}`, a, [array]);
    if (array.size === 0) throw new ConvlabError(`ops.${name}`, 'a is empty', { a: array.shape });
    const index = raw(array);
    return index.some((i, d) => i >= array.shape[d]) ? array.shape.map(() => 0) : index;
  };
}

/**
 * Whole-tensor arithmetic and reductions — scijs's ndarray-ops, the companion of ndarray — for the
 * places where a loop over `.data` would only be plumbing:
 *
 * ```ts
 * const strongest = cl.ops.sup(magnitude);            // the largest value
 * const gx2 = cl.ops.mul(cl.zeros(gx.shape), gx, gx); // gx², element by element
 * cl.ops.mulseq(W, 0.5);                              // W = W · 0.5, in place
 * ```
 *
 * **The target comes first and is written in place**; nothing is allocated and the target is
 * returned, so calls nest: `cl.ops.sum(cl.ops.mul(products, a, b))` is Σ a·b. Every array argument
 * must have the target's shape; any views (windows `lo`/`hi`, `step`, `pick`, transposes) and any
 * dtypes, mixed, are fine: each is walked with its own strides. A wrong shape or a missing argument
 * throws a ConvlabError naming the call (`ops.mul: shapes differ (out [2,2], a [2,3], b [2,3])`).
 *
 * The names follow one pattern, shown for `add`; `sub`, `mul`, `div`, `max`, `min` (element by
 * element, not a reduction) and `pow` have the same four:
 *
 * | call | computes | ends in |
 * | --- | --- | --- |
 * | `add(out, a, b)` | out = a + b | — |
 * | `addeq(out, a)` | out = out + a | `eq`: the target is also the first operand, like `+=` |
 * | `adds(out, a, s)` | out = a + s, s a number | `s`: a scalar |
 * | `addseq(out, s)` | out = out + s | `seq`: both |
 *
 * - Copy and fill: `assign(out, a)` copies a into out (a window of it, a channel, a cast to another
 *   dtype); `assigns(out, s)` fills out with s.
 * - One argument: `neg`, `abs`, `sqrt`, `exp`, `log`, `round`, `floor`, `ceil` as `sqrt(out, a)`
 *   (out = √a) and `sqrteq(out)` (out = √out).
 * - Comparisons store 1 where true and 0 where false: `gt(out, a, b)` (a > b), `lt`, `geq`, `leq`,
 *   `eq` (a = b), `neq` (a ≠ b), and `gts(out, a, s)` (a > s), `lts`, `geqs`, `leqs`, `eqs`, `neqs`.
 *   (Here `eq` is the comparison, not the in-place ending of `addeq`.)
 * - Reductions, to a number: `sum`, `prod`, `sup` (the largest value), `inf` (the smallest),
 *   `norm1` (Σ|a|), `norm2` (√Σa²), `norm2squared` (Σa²), `norminf` (the largest |a|); `any` and
 *   `all` (is any / every element non-zero), `equals(a, b)` (is every element equal); `argmax` and
 *   `argmin` give the index of the largest / smallest value as `[i, j, …]`, the first one in
 *   row-major order for a contiguous tensor.
 *
 * Reductions walk a view in memory order. A comparison with NaN is false, so `sup`, `inf`, `argmax`
 * and `argmin` skip NaNs, while `sum` and the norms of an array holding one are NaN. On an empty
 * array `sum` is 0, `sup` −Infinity and `inf` Infinity. ndarray-ops' `random` is left out: it draws
 * from `Math.random`, which cannot be seeded (use `randn` / `seededRandom`).
 */
export const ops = Object.freeze({
  assign: op<UnaryOp>('assign', outA),
  assigns: op<InPlaceScalarOp>('assigns', outS),

  add: op<BinaryOp>('add', outAB),
  addeq: op<UnaryOp>('addeq', outA),
  adds: op<ScalarOp>('adds', outAS),
  addseq: op<InPlaceScalarOp>('addseq', outS),
  sub: op<BinaryOp>('sub', outAB),
  subeq: op<UnaryOp>('subeq', outA),
  subs: op<ScalarOp>('subs', outAS),
  subseq: op<InPlaceScalarOp>('subseq', outS),
  mul: op<BinaryOp>('mul', outAB),
  muleq: op<UnaryOp>('muleq', outA),
  muls: op<ScalarOp>('muls', outAS),
  mulseq: op<InPlaceScalarOp>('mulseq', outS),
  div: op<BinaryOp>('div', outAB),
  diveq: op<UnaryOp>('diveq', outA),
  divs: op<ScalarOp>('divs', outAS),
  divseq: op<InPlaceScalarOp>('divseq', outS),
  max: op<BinaryOp>('max', outAB),
  maxeq: op<UnaryOp>('maxeq', outA),
  maxs: op<ScalarOp>('maxs', outAS),
  maxseq: op<InPlaceScalarOp>('maxseq', outS),
  min: op<BinaryOp>('min', outAB),
  mineq: op<UnaryOp>('mineq', outA),
  mins: op<ScalarOp>('mins', outAS),
  minseq: op<InPlaceScalarOp>('minseq', outS),
  pow: op<BinaryOp>('pow', outAB),
  poweq: op<UnaryOp>('poweq', outA),
  pows: op<ScalarOp>('pows', outAS),
  powseq: op<InPlaceScalarOp>('powseq', outS),

  neg: op<UnaryOp>('neg', outA),
  negeq: op<InPlaceOp>('negeq', out),
  abs: op<UnaryOp>('abs', outA),
  abseq: op<InPlaceOp>('abseq', out),
  sqrt: op<UnaryOp>('sqrt', outA),
  sqrteq: op<InPlaceOp>('sqrteq', out),
  exp: op<UnaryOp>('exp', outA),
  expeq: op<InPlaceOp>('expeq', out),
  log: op<UnaryOp>('log', outA),
  logeq: op<InPlaceOp>('logeq', out),
  round: op<UnaryOp>('round', outA),
  roundeq: op<InPlaceOp>('roundeq', out),
  floor: op<UnaryOp>('floor', outA),
  flooreq: op<InPlaceOp>('flooreq', out),
  ceil: op<UnaryOp>('ceil', outA),
  ceileq: op<InPlaceOp>('ceileq', out),

  gt: op<BinaryOp>('gt', outAB),
  gts: op<ScalarOp>('gts', outAS),
  lt: op<BinaryOp>('lt', outAB),
  lts: op<ScalarOp>('lts', outAS),
  geq: op<BinaryOp>('geq', outAB),
  geqs: op<ScalarOp>('geqs', outAS),
  leq: op<BinaryOp>('leq', outAB),
  leqs: op<ScalarOp>('leqs', outAS),
  eq: op<BinaryOp>('eq', outAB),
  eqs: op<ScalarOp>('eqs', outAS),
  neq: op<BinaryOp>('neq', outAB),
  neqs: op<ScalarOp>('neqs', outAS),

  sum: op<Reduction>('sum', a),
  prod: op<Reduction>('prod', a),
  sup: op<Reduction>('sup', a),
  inf: op<Reduction>('inf', a),
  norm1: op<Reduction>('norm1', a),
  norm2: op<Reduction>('norm2', a),
  norm2squared: op<Reduction>('norm2squared', a),
  norminf: op<Reduction>('norminf', a),
  any: op<(a: Numbers) => boolean>('any', a),
  all: op<(a: Numbers) => boolean>('all', a),
  equals: op<(a: Numbers, b: Numbers) => boolean>('equals', ['a', 'b']),
  argmax: firstBest('argmax'),
  argmin: firstBest('argmin'),
});
