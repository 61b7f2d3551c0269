import { expect } from 'chai';
import { Nested, Tensor, toNested } from '../../src/index';

function flatten(a: Nested): number[] {
  return Array.isArray(a) ? a.flatMap(flatten) : [a];
}

function shapeOf(a: Nested): number[] {
  return Array.isArray(a) ? [a.length, ...shapeOf(a[0])] : [];
}

/**
 * Asserts `actual` equals `expected` in shape and, value by value, within
 * |a − e| ≤ absolute + relative·|e|.
 */
export function expectClose(
  actual: Tensor | Nested,
  expected: Tensor | Nested,
  { relative = 0, absolute = 0 }: { relative?: number; absolute?: number } = {},
): void {
  const a =
    typeof actual === 'object' && actual !== null && 'shape' in actual
      ? toNested(actual)
      : (actual as Nested);
  const e =
    typeof expected === 'object' && expected !== null && 'shape' in expected
      ? toNested(expected)
      : (expected as Nested);
  expect(shapeOf(a), 'shape').to.deep.equal(shapeOf(e));
  const av = flatten(a);
  const ev = flatten(e);
  let worst = 0;
  let worstAt = -1;
  av.forEach((v, i) => {
    const excess = Math.abs(v - ev[i]) - (absolute + relative * Math.abs(ev[i]));
    if (excess > worst || Number.isNaN(v)) {
      worst = Number.isNaN(v) ? Infinity : excess;
      worstAt = i;
    }
  });
  if (worstAt >= 0) {
    expect.fail(
      `value ${worstAt} is ${av[worstAt]}, expected ${ev[worstAt]} (relative ${relative}, absolute ${absolute})`,
    );
  }
}
