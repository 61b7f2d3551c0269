/**
 * The values test cells record, as plain JSON, and how two of them are compared: the rule of
 * convlab's one `check`. Runs in two places: inside a kernel (testKit's `check` and `record`, in
 * lecture notebooks and exercises alike) and in the grader, which compares a student's values with
 * the teacher's outside any kernel.
 */

export interface SpecialNumber {
  $number: 'NaN' | 'Infinity' | '-Infinity';
}
export interface UndefinedValue {
  $undefined: true;
}
/** A tensor: its shape and its values in row-major order (non-finite ones as 'NaN', 'Infinity'…). */
export interface TensorValue {
  $tensor: number[];
  values: Array<number | string>;
}
export interface ObjectValue {
  [key: string]: RecordValue;
}

/** A recorded value: JSON with tensors, non-finite numbers and `undefined` spelled out. */
export type RecordValue =
  | number
  | string
  | boolean
  | null
  | SpecialNumber
  | UndefinedValue
  | TensorValue
  | RecordValue[]
  | ObjectValue;

// Values from a student's kernel are untrusted JSON: the guards check the shape, not just a key.
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isSpecialNumber = (v: unknown): v is SpecialNumber =>
  isObject(v) && (v.$number === 'NaN' || v.$number === 'Infinity' || v.$number === '-Infinity');
const isUndefinedValue = (v: unknown): v is UndefinedValue => isObject(v) && v.$undefined === true;
const isTensorValue = (v: unknown): v is TensorValue =>
  isObject(v) &&
  Array.isArray(v.$tensor) &&
  v.$tensor.every((d) => Number.isInteger(d)) &&
  Array.isArray(v.values);

/**
 * How close two numbers must be: |actual − expected| ≤ atol + rtol·|expected|. Without one, two whole
 * numbers outside a tensor must be equal and other numbers agree within `defaultTolerance`.
 */
export interface Tolerance {
  atol?: number;
  rtol?: number;
}

export const defaultTolerance: Required<Tolerance> = { atol: 1e-5, rtol: 1e-4 };

/** More numbers than this in one record is a mistake (or a flood). */
const maxNumbers = 1_000_000;

interface NdArrayLike {
  shape: number[];
  stride: number[];
  offset: number;
  data: ArrayLike<number>;
}

function isNdArray(value: unknown): value is NdArrayLike {
  const v = value as NdArrayLike;
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray(v.shape) &&
    Array.isArray(v.stride) &&
    typeof v.offset === 'number' &&
    v.data !== undefined &&
    typeof v.data.length === 'number'
  );
}

function encodeNumber(n: number): number | { $number: 'NaN' | 'Infinity' | '-Infinity' } {
  if (Number.isFinite(n)) return n;
  return { $number: Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity' };
}

/** An ndarray view's values in row-major order (any strides, any offset). */
function viewValues(a: NdArrayLike): number[] {
  const size = a.shape.reduce((p, d) => p * d, 1);
  if (size > maxNumbers)
    throw new Error(`record: a tensor of ${size} values is too large (limit ${maxNumbers})`);
  const out: number[] = [];
  const walk = (axis: number, at: number): void => {
    if (axis === a.shape.length) {
      out.push(Number(a.data[at]));
      return;
    }
    for (let i = 0; i < a.shape[axis]; i++) walk(axis + 1, at + i * a.stride[axis]);
  };
  walk(0, a.offset);
  return out;
}

/**
 * Turns what a test computed into a RecordValue: numbers, strings, booleans, null, undefined,
 * arrays, typed arrays, plain objects (keys sorted) and ndarray tensors (shape + row-major values).
 * Throws on functions, symbols, bigints, cycles and very large values.
 */
export function encodeValue(value: unknown, where = 'value'): RecordValue {
  let numbers = 0;
  const seen = new Set<object>();
  const encode = (v: unknown, at: string): RecordValue => {
    if (v === null) return null;
    if (v === undefined) return { $undefined: true };
    if (typeof v === 'number') return encodeNumber(v);
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v !== 'object') throw new Error(`record: cannot record a ${typeof v} (at ${at})`);
    if (seen.has(v)) throw new Error(`record: the value refers to itself (at ${at})`);
    seen.add(v);
    try {
      if (isNdArray(v)) {
        const values = viewValues(v).map((n) => {
          const e = encodeNumber(n);
          return typeof e === 'number' ? e : e.$number;
        });
        numbers += values.length;
        return { $tensor: v.shape.slice(), values };
      }
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        return encode(Array.from(v as unknown as ArrayLike<number>), at);
      }
      if (Array.isArray(v)) {
        numbers += v.length;
        if (numbers > maxNumbers)
          throw new Error(`record: the value is too large (more than ${maxNumbers} entries)`);
        return v.map((item, i) => encode(item, `${at}[${i}]`));
      }
      const out: { [key: string]: RecordValue } = {};
      for (const key of Object.keys(v).sort())
        out[key] = encode((v as Record<string, unknown>)[key], `${at}.${key}`);
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return encode(value, where);
}

function describe(value: RecordValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (isTensorValue(value)) return `a tensor of shape [${value.$tensor.join(',')}]`;
  if (isSpecialNumber(value)) return value.$number;
  if (isUndefinedValue(value)) return 'undefined';
  return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
}

/** A tensor's entries as nested arrays, like `toNested`. */
function nestedEntries(tensor: TensorValue): RecordValue {
  const entry = (v: number | string): RecordValue =>
    typeof v === 'number' ? v : { $number: v as SpecialNumber['$number'] };
  const nest = (axis: number, start: number): RecordValue => {
    if (axis === tensor.$tensor.length) return entry(tensor.values[start]);
    const step = tensor.$tensor.slice(axis + 1).reduce((p, d) => p * d, 1);
    return Array.from({ length: tensor.$tensor[axis] }, (_, i) => nest(axis + 1, start + i * step));
  };
  return nest(0, 0);
}

/**
 * A value as a ✓ line shows it: JSON, tensors as nested arrays, NaN, ±Infinity and undefined by
 * name (`[[-5,-4],[NaN,8]]`); a text longer than `maxLength` gives way to the value's description
 * (`a tensor of shape [2,5,7,8]`).
 */
export function valueText(value: RecordValue, maxLength = Infinity): string {
  const text = (v: RecordValue): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(text).join(',')}]`;
    if (isTensorValue(v)) return text(nestedEntries(v));
    if (isSpecialNumber(v)) return v.$number;
    if (isUndefinedValue(v)) return 'undefined';
    return `{${Object.keys(v)
      .map((key) => `${JSON.stringify(key)}:${text(v[key])}`)
      .join(',')}}`;
  };
  const full = text(value);
  return full.length <= maxLength ? full : describe(value);
}

/** A tensor entry or special number as a number; anything malformed becomes NaN (never equal). */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? Number(value) : NaN;
}

function closeEnough(actual: number, expected: number, tolerance: Required<Tolerance>): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= tolerance.atol + tolerance.rtol * Math.abs(expected);
}

/**
 * Nested arrays of numbers read as a tensor (shape and row-major values), or undefined when they are
 * not a rectangular block of numbers: `[[1,2],[3,4]]` is shape [2,2].
 */
function nestedAsTensor(nested: RecordValue[]): TensorValue | undefined {
  const shape: number[] = [];
  for (let level: RecordValue = nested; Array.isArray(level); level = level[0]) shape.push(level.length);
  const values: Array<number | string> = [];
  const collect = (v: RecordValue, axis: number): boolean => {
    if (axis < shape.length)
      return Array.isArray(v) && v.length === shape[axis] && v.every((item) => collect(item, axis + 1));
    if (typeof v === 'number') values.push(v);
    else if (isSpecialNumber(v)) values.push(v.$number);
    else return false;
    return true;
  };
  return collect(nested, 0) ? { $tensor: shape, values } : undefined;
}

/** Row-major flat index → `[i,j,k]`. */
function indexOf(flat: number, shape: number[]): string {
  const index: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index.unshift(flat % shape[axis]);
    flat = Math.floor(flat / shape[axis]);
  }
  return `[${index.join(',')}]`;
}

export interface CompareOptions extends Tolerance {
  /**
   * Say which values differ (default true). False for hidden tests: the expected values stay with
   * the grader, and the message then carries nothing the submission chose but a position.
   */
  showValues?: boolean;
  /**
   * The actual value came from a submission (the grader's view): its strings and keys are not
   * quoted and its numbers are rounded to 6 digits, so a message cannot carry text it chose.
   */
  actualIsUntrusted?: boolean;
}

/**
 * The first difference between two recorded values, in words (`at [0,1,2]: got 3.5, expected 3.25`),
 * or undefined when they agree within the tolerance.
 */
export function compareValues(
  actual: RecordValue,
  expected: RecordValue,
  options: CompareOptions = {},
): string | undefined {
  const tolerance = {
    atol: options.atol ?? defaultTolerance.atol,
    rtol: options.rtol ?? defaultTolerance.rtol,
  };
  // A whole number expected outside a tensor is a count (a size, a parameter count, an index): unless
  // the test gives a tolerance, the value must also be within half a unit of it, so 12,288,000
  // weights do not pass for 12,289,000 parameters, nor does 12,289,000.5 (float noise on the right
  // count still does). A tensor's entries are measurements, compared within the tolerance only.
  const countsExact = options.atol === undefined && options.rtol === undefined;
  const show = options.showValues ?? true;
  const untrusted = options.actualIsUntrusted ?? false;
  const differ = (at: string, got: string, want: string) =>
    `${at ? `at ${at}: ` : ''}${show ? `got ${got}, expected ${want}` : 'wrong value'}`;
  /** How an actual value is named in a message. */
  const actualText = (value: RecordValue): string => {
    if (!untrusted) return describe(value);
    if (typeof value === 'number') return String(Number(value.toPrecision(6)));
    if (typeof value === 'string') return `a string of ${value.length} characters`;
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !isTensorValue(value) &&
      !isSpecialNumber(value) &&
      !isUndefinedValue(value)
    )
      return 'an object';
    return describe(value);
  };
  const actualNumber = (n: number) => (untrusted ? String(Number(n.toPrecision(6))) : String(n));

  const walk = (a: RecordValue, e: RecordValue, at: string): string | undefined => {
    const prefix = at ? `at ${at}: ` : '';
    if (typeof e === 'number' || isSpecialNumber(e)) {
      const want = typeof e === 'number' ? e : numberOf(e.$number);
      if (typeof a !== 'number' && !isSpecialNumber(a)) return differ(at, actualText(a), String(want));
      const got = typeof a === 'number' ? a : numberOf(a.$number);
      const agree =
        closeEnough(got, want, tolerance) &&
        !(countsExact && Number.isInteger(want) && !(Math.abs(got - want) < 0.5));
      return agree ? undefined : differ(at, actualNumber(got), String(want));
    }
    if (e === null || typeof e !== 'object')
      return a === e ? undefined : differ(at, actualText(a), describe(e));
    if (isUndefinedValue(e)) return isUndefinedValue(a) ? undefined : differ(at, actualText(a), 'undefined');
    if (isTensorValue(e)) {
      if (!isTensorValue(a)) return differ(at, actualText(a), describe(e));
      const shape = (s: number[]) => `[${s.join(',')}]`;
      if (shape(a.$tensor) !== shape(e.$tensor)) {
        return `${prefix}${show ? `shape ${shape(a.$tensor)}, expected ${shape(e.$tensor)}` : 'wrong shape'}`;
      }
      for (let i = 0; i < e.values.length; i++) {
        const got = numberOf(a.values[i]);
        const want = numberOf(e.values[i]);
        if (!closeEnough(got, want, tolerance))
          return differ(`${at}${indexOf(i, e.$tensor)}`, actualNumber(got), String(want));
      }
      return undefined;
    }
    if (Array.isArray(e)) {
      // An expected value written by hand as nested arrays meets a tensor as the tensor it describes.
      // Not in grading: there the expected arrays are the teacher's record, and a submission that
      // sends a tensor instead would trade the count rule above for the tensor's tolerance.
      const asTensor = isTensorValue(a) && !untrusted ? nestedAsTensor(e) : undefined;
      if (asTensor) return walk(a, asTensor, at);
      if (!Array.isArray(a)) return differ(at, actualText(a), describe(e));
      if (a.length !== e.length) {
        return `${prefix}${show ? `length ${a.length}, expected ${e.length}` : 'wrong length'}`;
      }
      for (let i = 0; i < e.length; i++) {
        const problem = walk(a[i], e[i], `${at}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    }
    if (!isObject(a) || isTensorValue(a) || isSpecialNumber(a) || isUndefinedValue(a)) {
      return differ(at, actualText(a), describe(e));
    }
    const missing = Object.keys(e).find((key) => !Object.prototype.hasOwnProperty.call(a, key));
    if (missing !== undefined) return `${prefix}no key '${missing}'`;
    const extra = Object.keys(a).find((key) => !Object.prototype.hasOwnProperty.call(e, key));
    if (extra !== undefined)
      return `${prefix}${show && !untrusted ? `unexpected key '${extra}'` : 'unexpected keys'}`;
    for (const key of Object.keys(e)) {
      const problem = walk((a as ObjectValue)[key], (e as ObjectValue)[key], `${at}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
  return walk(actual, expected, '');
}
