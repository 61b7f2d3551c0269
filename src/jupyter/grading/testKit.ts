/**
 * The one `check` (and `record`) of convlab: the lecture notebooks and the exercises import it from
 * the package's entry point, the compiled `dist/index.js`:
 *
 * ```ts
 * import * as cl from '../dist';                 // a lecture notebook: cl.check(…)
 * import { check, record } from '../../dist';    // an exercise
 * check('zeroPad shape', padded.shape, [1, 5, 5, 1]); // public: asserts, prints ✓, records the value
 * record('zeroPad(hidden x, 2)', zeroPad(x, 2));      // hidden: records only
 * ```
 *
 * (tslab resolves a notebook's imports like TypeScript's Node10 resolution and Node's `require` from
 * the notebook's folder: neither finds the package by its own name without a node_modules/convlab
 * link, so notebooks use the relative path.)
 *
 * In a notebook `record` does nothing and `check` is an assertion. When the grader runs the
 * notebook (a sandbox folder with convlab-sandbox.json above the kernel's folder), both send the
 * value to the grader, which compares it with the value the teacher's solution recorded under the
 * same label, by the rule `check` uses (recordValues.ts). A test cell earns its points only if it
 * ran without error and every value it recorded matches — so patching `check`, chai or `console`
 * gains nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CheckFailure } from '../../cnn/checkFailure';
import { ConvlabError } from '../../cnn/convlabError';
import { SandboxSettings, recordMime, sandboxSettingsFile, seal } from './recordChannel';
import { RecordValue, Tolerance, compareValues, encodeValue, valueText } from './recordValues';

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
    throw new ConvlabError(
      fn,
      `label must be a non-empty string naming the case, got ${JSON.stringify(label)}`,
    );
  }
}

// A tolerance is compared with numbers: a string or a negative atol would silently change the rule.
function checkTolerance(fn: string, tolerance: unknown): asserts tolerance is Tolerance | undefined {
  if (tolerance === undefined) return;
  const ok = (v: unknown) => v === undefined || (typeof v === 'number' && v >= 0 && Number.isFinite(v));
  const t = tolerance as Tolerance;
  const known = (k: string) => k === 'atol' || k === 'rtol';
  if (
    typeof tolerance !== 'object' ||
    tolerance === null ||
    !Object.keys(tolerance).every(known) ||
    !ok(t.atol) ||
    !ok(t.rtol)
  ) {
    throw new ConvlabError(
      fn,
      `tolerance must be { atol?, rtol? } with finite numbers ≥ 0, got ${JSON.stringify(tolerance)}`,
    );
  }
}

/** Longer values are summarised on the ✓ line (`a tensor of shape [2,5,7,8]`): it stays one line. */
const maxShownLength = 200;

/** Sends an encoded value to the grader when this kernel is a grading one. */
function send(label: string, value: RecordValue, tolerance: Tolerance | undefined): void {
  const sealKey = recordKey();
  if (!sealKey) return;
  const payload: Record = { label, value, ...(tolerance ? { tolerance } : {}) };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only inside a tslab kernel
  const tslab = require('tslab') as typeof import('tslab');
  tslab.display.raw(recordMime, JSON.stringify(seal(sealKey, JSON.stringify(payload))));
}

/**
 * Sends `value` to the grader under `label` (a no-op outside grading). The grader compares it with
 * the value the teacher's solution recorded under the same label, by `check`'s rule, within
 * `tolerance` as the teacher's test gave it. Returns nothing, so that a hidden test's last
 * `record(…)` prints nothing.
 */
export function record(label: string, value: unknown, tolerance?: Tolerance): void {
  checkLabel('record', label);
  checkTolerance('record', tolerance);
  send(label, encodeValue(value, label), tolerance);
}

/**
 * Checks a value: prints `✓ label: value` when `actual` agrees with `expected`, and otherwise throws
 * a CheckFailure, one line saying where they first differ (`✗ label: at [0,2]: got 1, expected 0`),
 * so that a notebook whose numbers drift stops instead of printing a wrong result. Records `actual`
 * for the grader either way, before comparing (see `record`).
 *
 * The rule (`compareValues`, the grader's own): tensors by shape, then value by value in row-major
 * order, whatever their strides; arrays and typed arrays by length, then item by item; objects by
 * their keys exactly, then key by key; strings, booleans, null and undefined exactly; two whole
 * numbers outside a tensor (counts: sizes, parameters, indices) exactly; other numbers, a tensor's
 * entries among them, within `atol + rtol·|expected|`, by default 1e-5 + 1e-4·|expected| (float32
 * rounding passes); a tolerance given applies to every number; NaN equals only NaN, ±Infinity only
 * itself. An expected value written as nested arrays stands for the tensor of that shape.
 */
export function check(label: string, actual: unknown, expected: unknown, tolerance?: Tolerance): void {
  checkLabel('check', label);
  checkTolerance('check', tolerance);
  const got = encodeValue(actual, label);
  send(label, got, tolerance);
  const problem = compareValues(got, encodeValue(expected, 'expected'), tolerance);
  if (problem) throw new CheckFailure(label, problem);
  console.log(`✓ ${label}: ${valueText(got, maxShownLength)}`);
}
