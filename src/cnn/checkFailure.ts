import { inspect } from 'util';

/**
 * A failed check of a notebook or an exercise. A student reads one line, `✗ label: where it differs`,
 * without a stack: tslab prints a thrown error with `console.error`, which asks `inspect` for the text.
 */
export class CheckFailure extends Error {
  override name = 'CheckFailure';

  [inspect.custom](): string {
    return `✗ ${this.message}`;
  }
}
