/**
 * What exercise test cells call, inside the kernel:
 *
 * ```ts
 * import { check, record } from '../../dist/jupyter/grading/testKit';
 * check('zeroPad shape', padded.shape, [1, 5, 5, 1]); // public: asserts, and records the value
 * record('zeroPad(hidden x, 2)', zeroPad(x, 2));      // hidden: records only
 * ```
 *
 * In a student's own notebook `record` does nothing and `check` is a plain assertion. When the grader
 * runs the notebook (a sandbox folder with convlab-sandbox.json above the kernel's folder), both
 * send the value to the grader, which compares it with the value the teacher's solution recorded
 * under the same label. A test cell earns its points only if it ran without error and every value
 * it recorded matches — so patching `check`, chai or `console` gains nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CheckFailure } from '../../cnn/checkFailure';
import { SandboxSettings, recordMime, sandboxSettingsFile, seal } from './recordChannel';
import { RecordValue, Tolerance, compareValues, encodeValue } from './recordValues';

/** One record as the grader receives it (after unsealing). */
export interface Record {
  label: string;
  value: RecordValue;
  tolerance?: Tolerance;
}

let key: Buffer | null | undefined;

/** The sandbox's record key, or null outside the grader. */
function recordKey(): Buffer | null {
  if (key !== undefined) return key;
  key = null;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    try {
      const file = path.join(dir, sandboxSettingsFile);
      if (fs.existsSync(file)) {
        const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxSettings;
        key = Buffer.from(settings.recordKey, 'hex');
        break;
      }
    } catch {
      break; // outside the sandbox's readable folders
    }
    if (path.dirname(dir) === dir) break;
  }
  return key;
}

function checkLabel(fn: string, label: unknown): asserts label is string {
  if (typeof label !== 'string' || label.trim() === '') {
    throw new Error(`${fn}: label must be a non-empty string naming the case, got ${JSON.stringify(label)}`);
  }
}

/**
 * Sends `value` to the grader under `label` (a no-op outside grading). The grader compares it with
 * the value the teacher's solution recorded under the same label, within `tolerance` as the
 * teacher's test gave it. Returns nothing, so that a hidden test's last `record(…)` prints nothing.
 */
export function record(label: string, value: unknown, tolerance?: Tolerance): void {
  checkLabel('record', label);
  const encoded = encodeValue(value, label);
  const sealKey = recordKey();
  if (sealKey) {
    const payload: Record = { label, value: encoded, ...(tolerance ? { tolerance } : {}) };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only inside a tslab kernel
    const tslab = require('tslab') as typeof import('tslab');
    tslab.display.raw(recordMime, JSON.stringify(seal(sealKey, JSON.stringify(payload))));
  }
}

/**
 * A public test: throws a CheckFailure (one line: `✗ label: at [i,j]: got 1, expected 0`) saying
 * where `actual` and `expected` first differ (numbers within
 * `tolerance`, default atol 1e-5 + rtol 1e-4 · |expected|), prints `✓ label` when they agree, and
 * records `actual` for the grader either way.
 */
export function check(label: string, actual: unknown, expected: unknown, tolerance?: Tolerance): void {
  checkLabel('check', label);
  record(label, actual, tolerance);
  const problem = compareValues(encodeValue(actual, label), encodeValue(expected, 'expected'), tolerance);
  if (problem) throw new CheckFailure(label, problem);
  console.log(`✓ ${label}`);
}
