/**
 * Turns a submission's run into points: a tests cell earns its points when each of its parts (public,
 * hidden) ran without error and recorded the same labels with the same values, within tolerance, as
 * the teacher's run. Nothing the submission prints or returns decides a verdict by itself.
 */
import { ErrorOutput, Notebook, Output, cellSource } from '../notebookFormat';
import { exerciseMeta } from './exerciseFormat';
import { compareValues } from './recordValues';
import { GradingRun, PartResult } from './runGradingNotebook';

export interface TestScore {
  id: string;
  /** The first comment line of the tests cell, else its id. */
  title: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  /** Why it failed (for the student; never hidden code or values). */
  message?: string;
  /** What the public part printed and its traceback (scrubbed), when it failed. */
  details?: string;
}

/** Error names a hidden part's failure may show: anything else could be chosen to carry text. */
const standardErrors = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'AssertionError',
  'TypeScriptError',
]);

/** The title of a tests cell: its first `//` comment line. */
export function testTitle(cell: Notebook['cells'][number]): string {
  const comment = /^\s*\/\/\s*(.+)$/m.exec(cellSource(cell));
  return comment ? comment[1].trim() : exerciseMeta(cell).id;
}

/** Long enough for any honest message, short enough that a flood of text does not reach the page. */
function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}… (${text.length - length} more characters)`;
}

function outputText(outputs: Output[]): string {
  return outputs.map((output) => (output.output_type === 'stream' ? output.text : '')).join('');
}

function errorMessage(error: ErrorOutput | undefined, part: 'public' | 'hidden'): string {
  if (!error) return 'raised an error';
  // The runner writes these itself: they carry no text from the submission.
  if (
    error.ename === 'CellTimeoutError' ||
    error.ename === 'OutputLimitError' ||
    error.ename === 'KernelError'
  ) {
    return error.evalue;
  }
  if (error.traceback[0]?.startsWith('convlab: the kernel died')) {
    return 'the kernel died (the code exited, crashed or ran out of memory)';
  }
  if (part === 'hidden') {
    return `raised ${standardErrors.has(error.ename) ? error.ename : 'an error'} (the public tests of the same function show the details)`;
  }
  return clip(`${error.ename}: ${error.evalue}`, 2000);
}

/** Why one part fails, or undefined when it passes. */
function partProblem(expected: PartResult, actual: PartResult | undefined): string | undefined {
  const hidden = expected.part === 'hidden';
  const where = hidden ? 'hidden tests' : 'tests';
  if (!actual || actual.status === 'not-run') {
    return `${where} did not run${actual?.error ? `: ${actual.error.evalue}` : ' (the kernel stopped before them)'}`;
  }
  if (actual.status === 'error') return `${where}: ${errorMessage(actual.error, actual.part)}`;
  if (actual.badRecords > 0) return `${where}: recorded values that did not come from the grader's test kit`;
  for (let i = 0; i < expected.records.length; i++) {
    const want = expected.records[i];
    const got = actual.records[i];
    if (!got || got.label !== want.label) return `${where}: no value recorded for '${want.label}'`;
    let problem: string | undefined;
    try {
      problem = compareValues(got.value, want.value, { ...want.tolerance, showValues: !hidden });
    } catch {
      problem = 'the recorded value is malformed';
    }
    if (problem) return `${where}: '${want.label}': ${problem}`;
  }
  if (actual.records.length > expected.records.length)
    return `${where}: more values recorded than the tests make`;
  return undefined;
}

/** Scores every tests cell of `source` (in its order) from the teacher's and the student's runs. */
export function scoreTests(
  source: Notebook,
  expected: GradingRun,
  actual: GradingRun,
  scrub: (text: string) => string,
): TestScore[] {
  return source.cells.flatMap((cell): TestScore[] => {
    const meta = exerciseMeta(cell);
    if (meta.kind !== 'tests') return [];
    const score: TestScore = {
      id: meta.id,
      title: scrub(testTitle(cell)),
      points: 0,
      maxPoints: meta.points!,
      passed: false,
    };
    for (const want of expected.parts.filter((part) => part.testId === meta.id)) {
      const got = actual.parts.find((part) => part.testId === meta.id && part.part === want.part);
      const problem = partProblem(want, got);
      if (problem) {
        score.message = scrub(problem);
        if (want.part === 'public' && got) {
          const text = [outputText(got.outputs), ...(got.error?.traceback ?? [])].join('\n').trim();
          if (text) score.details = scrub(clip(text, 4000));
        }
        return [score];
      }
    }
    score.points = meta.points!;
    score.passed = true;
    return [score];
  });
}

/** Problems with the teacher's own run (a failing or silent test): the exercise cannot be graded. */
export function teacherRunProblems(source: Notebook, run: GradingRun, name: string): string[] {
  const problems: string[] = [];
  for (const cell of source.cells) {
    const meta = exerciseMeta(cell);
    if (meta.kind !== 'tests') continue;
    const parts = run.parts.filter((part) => part.testId === meta.id);
    for (const part of parts) {
      if (part.status !== 'ok') {
        const error = part.error ? `${part.error.ename}: ${part.error.evalue}` : 'it did not run';
        const trace = part.error?.traceback.length ? `\n    ${part.error.traceback.join('\n    ')}` : '';
        problems.push(
          `${name}: the teacher's solution fails the ${part.part} part of test '${meta.id}': ${error}${trace}`,
        );
      } else if (part.badRecords > 0) {
        problems.push(
          `${name}: test '${meta.id}' (${part.part} part) produced records the grader could not open`,
        );
      }
    }
    if (
      parts.every((part) => part.status === 'ok') &&
      parts.reduce((n, part) => n + part.records.length, 0) === 0
    ) {
      problems.push(
        `${name}: test '${meta.id}' records no value; without record() or check() its verdict would rest on ` +
          '"no error", which a submission can fake',
      );
    }
  }
  return problems;
}
