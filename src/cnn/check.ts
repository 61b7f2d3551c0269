import { CheckFailure } from './checkFailure';
import { Nested, Tensor, toNested } from './tensor';

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'shape' in value && 'data' in value;
}

/**
 * A notebook's check of a worked number: prints `✓ what: value` when `got` equals `expected`
 * (compared as JSON; tensors as nested arrays), and throws naming both otherwise, so a notebook whose
 * numbers drift from the lecture stops instead of printing a wrong result.
 */
export function check(what: string, got: unknown, expected: unknown): void {
  const plain = (v: unknown): unknown => (isTensor(v) ? (toNested(v) as Nested) : v);
  const g = JSON.stringify(plain(got));
  const e = JSON.stringify(plain(expected));
  if (g !== e) throw new CheckFailure(what, `got ${g}, expected ${e}`);
  console.log(`✓ ${what}: ${g}`);
}
