import { ConvlabError, ErrorShapes } from './convlabError';

/** Whether `value` is a whole number ≥ 1: a count, a size, a stride. */
export function isPositiveInteger(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

/** Whether `value` is a whole number ≥ 0: a padding, a number of examples. */
export function isNonNegativeInteger(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

/** What the two checks below may add to their error. */
export interface IntegerCheckOptions {
  /** Shapes the error lists after the problem, e.g. `{ image: image.shape }`. */
  shapes?: ErrorShapes;
  /** What the number counts, said in brackets: `every must be a positive integer (epochs), got 0`. */
  unit?: string;
}

/**
 * The library's one check for a count, a size or a stride: `value` if it is a whole number ≥ 1,
 * else `ConvlabError(fn, '<name> must be a positive integer, got <value as JSON>', shapes)`.
 */
export function positiveInteger(
  fn: string,
  name: string,
  value: unknown,
  options: IntegerCheckOptions = {},
): number {
  if (!isPositiveInteger(value)) refuse(fn, name, 'a positive integer', value, options);
  return value;
}

/** As `positiveInteger`, for a number that may also be 0 (padding, a number of examples). */
export function nonNegativeInteger(
  fn: string,
  name: string,
  value: unknown,
  options: IntegerCheckOptions = {},
): number {
  if (!isNonNegativeInteger(value)) refuse(fn, name, 'a non-negative integer', value, options);
  return value;
}

function refuse(fn: string, name: string, kind: string, value: unknown, options: IntegerCheckOptions): never {
  const unit = options.unit ? ` (${options.unit})` : '';
  throw new ConvlabError(fn, `${name} must be ${kind}${unit}, got ${JSON.stringify(value)}`, options.shapes);
}
