import { inspect } from 'util';
import { ConvlabError } from './convlabError';

/**
 * A failed check of a notebook or an exercise: `label: where it differs`, where `label` (the error's
 * `fn`) names what was checked. A student reads one line, `✗ label: where it differs`, without a
 * stack, like every convlab error.
 */
export class CheckFailure extends ConvlabError {
  override name = 'CheckFailure';

  constructor(label: string, problem: string) {
    super(label, problem);
  }

  /** What was checked, e.g. `zeroPad([1,2,2,1] 1..4, 1)`. */
  get label(): string {
    return this.fn;
  }

  override [inspect.custom](): string {
    return `✗ ${this.message}`;
  }
}
