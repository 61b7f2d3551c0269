/**
 * Turns a submission's run into points: a tests cell earns its points when each of its parts (public,
 * hidden) ran without error and recorded the same labels with the same values, within tolerance, as
 * the teacher's run. Nothing the submission prints or returns decides a verdict by itself.
 *
 * What the student reads is decided here, never copied from the kernel: code in a submission can
 * capture the hidden tests as tslab compiles them and hide them in any text it prints, in an error
 * message, or in a value it records. So a message is one of a fixed set of sentences, filled in with
 * the teacher's labels, positions, the expected values of public tests (the student has them), the
 * student's own numbers (rounded) and the grader's limits.
 */
import { ErrorOutput, Notebook, cellSource } from '../notebookFormat';
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
  /** Why it failed, in the grader's words (never text from the kernel). */
  message?: string;
}

/** Error names worth naming: anything else could be chosen to carry text. */
const standardErrors = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'AssertionError',
  'TypeScriptError',
  // the library's own refusals (src/cnn/convlabError.ts), and a failed check()
  'ConvlabError',
  'CheckFailure',
]);

/** The title of a tests cell: its first `//` comment line. */
export function testTitle(cell: Notebook['cells'][number]): string {
  const comment = /^\s*\/\/\s*(.+)$/m.exec(cellSource(cell));
  return comment ? comment[1].trim() : exerciseMeta(cell).id;
}

/** What went wrong in a part that did not finish, in the grader's words. */
function errorMessage(error: ErrorOutput | undefined, part: 'public' | 'hidden'): string {
  const see =
    part === 'public'
      ? ' (run the tests cell in your notebook to see the message)'
      : ' (the public tests of the same function show the details)';
  if (!error) return `raised an error${see}`;
  // The runner and the launcher write these: grader text, not the kernel's.
  if (error.ename === 'CellTimeoutError' || error.ename === 'OutputLimitError') return error.evalue;
  if (error.ename === 'KernelStopped') {
    return error.evalue === 'memory'
      ? 'the kernel was stopped: it used more memory than a grading kernel may'
      : 'the kernel was stopped: it sent more output than a grading kernel may';
  }
  if (error.traceback[0]?.startsWith('convlab: the kernel died')) {
    return 'the kernel died (the code exited, crashed or ran out of memory)';
  }
  // guard.js's refusal (a submission can print the same words: it then reads the same sentence)
  if (
    `${error.evalue}\n${error.traceback.join('\n')}`.includes('ERR_CONVLAB_FORBIDDEN') ||
    error.evalue.includes('is one of the functions this exercise asks you to write')
  ) {
    return "called one of the library functions this exercise asks you to write: in a graded run they refuse your code's calls";
  }
  if (error.ename === 'TypeScriptError') return `did not compile (TypeScript errors)${see}`;
  return `raised ${standardErrors.has(error.ename) ? error.ename : 'an error'}${see}`;
}

/** The first recorded value that differs from the teacher's, in words; undefined when none does. */
function firstMismatch(expected: PartResult, actual: PartResult, where: string): string | undefined {
  const hidden = expected.part === 'hidden';
  // A hidden label can name the hidden inputs (shapes, seeds): the student reads its number instead.
  const name = (i: number) =>
    hidden ? `value ${i + 1} of ${expected.records.length}` : `'${expected.records[i].label}'`;
  for (let i = 0; i < expected.records.length; i++) {
    const want = expected.records[i];
    const got = actual.records[i];
    if (!got || got.label !== want.label) return `${where}: no value recorded for ${name(i)}`;
    let problem: string | undefined;
    try {
      problem = compareValues(got.value, want.value, {
        ...want.tolerance,
        showValues: !hidden,
        actualIsUntrusted: true,
      });
    } catch {
      problem = 'the recorded value is malformed';
    }
    if (problem) return `${where}: ${name(i)}: ${problem}`;
  }
  if (actual.records.length > expected.records.length)
    return `${where}: more values recorded than the tests make`;
  return undefined;
}

/** Why one part fails, or undefined when it passes. */
function partProblem(expected: PartResult, actual: PartResult | undefined): string | undefined {
  const where = expected.part === 'hidden' ? 'hidden tests' : 'tests';
  if (!actual || actual.status === 'not-run') {
    const why =
      actual?.error?.ename === 'NotRun'
        ? `: ${actual.error.evalue}`
        : actual?.error?.ename === 'KernelError'
          ? ': the kernel did not start'
          : ' (the kernel stopped before them)';
    return `${where} did not run${why}`;
  }
  if (actual.badRecords > 0) return `${where}: recorded values that did not come from the grader's test kit`;
  if (actual.status === 'error') {
    // A failing check records its value before it throws: say what differs, from the grader's own
    // comparison, rather than that something was thrown.
    const recorded = { ...expected, records: expected.records.slice(0, actual.records.length) };
    const mismatch = actual.records.length > 0 ? firstMismatch(recorded, actual, where) : undefined;
    return mismatch ?? `${where}: ${errorMessage(actual.error, actual.part)}`;
  }
  return firstMismatch(expected, actual, where);
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
