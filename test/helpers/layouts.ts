/**
 * The layouts and tolerances the property suite (test/properties.test.ts) and the matmul tests compare
 * the library's kernels in.
 */
import { assign, copy, DType, dtypeOf, Tensor, zeros } from '../../src/index';

/**
 * float64 is compared with 1e-9; float32 with 2e-4 of the values plus 2e-4 of the output's largest value,
 * and never less than 2e-4: the inputs are O(1), and a sum that cancels to almost 0 (a 1×1 dW, say) keeps
 * the float32 rounding of its O(1) terms.
 */
export function tolerance(dtype: DType, expected: Tensor): { relative: number; absolute: number } {
  if (dtype === 'float64') return { relative: 0, absolute: 1e-9 };
  let largest = 1;
  for (let i = 0; i < expected.data.length; i++) largest = Math.max(largest, Math.abs(expected.data[i]));
  return { relative: 2e-4, absolute: 2e-4 * largest };
}

/**
 * How an input is stored: contiguous, or a view — a window inside a larger array, every other element,
 * flipped (negative steps), stored transposed and read through a transposing view, or one slice picked
 * out of a larger array.
 */
export const LAYOUTS = ['contiguous', 'window', 'everyOther', 'flipped', 'transposed', 'picked'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** The same values as `a`, read through a view of the given layout. */
export function asLayout(a: Tensor, layout: Layout): Tensor {
  const dtype = dtypeOf(a);
  const ones = (n: number) => a.shape.map(() => n);
  const reversed = [...a.shape.keys()].reverse();
  switch (layout) {
    case 'contiguous':
      return a;
    case 'transposed':
      return copy(a.transpose(...reversed)).transpose(...reversed);
    case 'window':
      return assign(
        zeros(
          a.shape.map((n) => n + 3),
          dtype,
        )
          .lo(...ones(1))
          .hi(...a.shape),
        a,
      );
    case 'everyOther':
      return assign(
        zeros(
          a.shape.map((n) => 2 * n),
          dtype,
        ).step(...ones(2)),
        a,
      );
    case 'flipped':
      return assign(zeros(a.shape, dtype).step(...ones(-1)), a);
    case 'picked':
      return assign(zeros([2, ...a.shape], dtype).pick(1, ...a.shape.map(() => null)), a);
  }
}

/** A float64 copy: a reference run on it sees exactly the float32 values the kernel saw. */
export const f64 = (a: Tensor): Tensor => copy(a, 'float64');
