/**
 * Grading many submissions on one or more Jupyter servers: first the teacher's run of every exercise
 * (the expected values), then the submissions, `jobs` kernels at a time on each server. Shared by
 * `convlab grade` and `convlab validate`.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { Notebook, cellSource, readNotebook } from '../notebookFormat';
import { Progress } from '../progress';
import { countCodeCells } from '../runNotebook';
import { JupyterServer } from '../server';
import { ExerciseFormatError, exerciseMeta, exerciseName, maxPoints } from './exerciseFormat';
import { ExerciseSummary, SubmissionGrade } from './gradeRecords';
import { hiddenCodeScrubber } from './hiddenCodeScrubber';
import { checkSteps, gradingSteps, releaseSteps } from './pipelines';
import { GradingRun, runGradingNotebook } from './runGradingNotebook';
import { SandboxPlan, createSandbox } from './sandbox';
import { runSteps } from './steps/notebookStep';
import { mergeNotes } from './steps/mergeSubmission';
import { scoreTests, teacherRunProblems, testTitle } from './scoreTests';

/** A checked source notebook and what grading needs from it. */
export interface Exercise {
  name: string;
  file: string;
  source: Notebook;
  released: Notebook;
  maxPoints: number;
  scrub: (text: string) => string;
  /** Library functions the student's cells may not call in graded runs (see guard.js). */
  forbidden: string[];
  /** sha256 of each teacher cell's source as the grader sends it: the cells guard.js trusts. */
  teacherCells: string[];
}

/** `metadata.convlab.forbidden` of a source notebook, checked against what the library exports. */
function forbiddenFunctions(source: Notebook, base: string): string[] {
  const listed = (source.metadata.convlab as { forbidden?: unknown } | undefined)?.forbidden;
  if (listed === undefined) return [];
  if (!Array.isArray(listed) || listed.some((name) => typeof name !== 'string')) {
    throw new ExerciseFormatError(
      `${base}: metadata.convlab.forbidden must be a list of library function names, got ${JSON.stringify(listed)}`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the library the kernels load
  const library = require(path.join(__dirname, '..', '..', 'index.js')) as Record<string, unknown>;
  for (const name of listed as string[]) {
    if (typeof library[name] !== 'function')
      throw new ExerciseFormatError(
        `${base}: metadata.convlab.forbidden names '${name}', which is not a function the library exports`,
      );
  }
  return listed as string[];
}

/** The sha256 of every readonly and tests cell (hidden parts included) of the grading notebook. */
function teacherCellHashes(graded: Notebook): string[] {
  return graded.cells
    .filter((cell) => cell.cell_type === 'code' && ['readonly', 'tests'].includes(exerciseMeta(cell).kind))
    .map((cell) => createHash('sha256').update(cellSource(cell)).digest('hex'));
}

/** Reads and checks source notebooks; throws an ExerciseFormatError naming the notebook, cell, line. */
export function loadExercises(files: string[]): Exercise[] {
  const names = new Set<string>();
  return files.map((file) => {
    const name = exerciseName(file);
    if (names.has(name)) throw new ExerciseFormatError(`two source notebooks are called ${name}.ipynb`);
    names.add(name);
    let source: Notebook;
    try {
      source = readNotebook(file);
    } catch (error) {
      throw new ExerciseFormatError((error as Error).message);
    }
    const base = path.basename(file);
    const checked = runSteps(checkSteps, source, base);
    return {
      name,
      file,
      source: checked,
      released: runSteps(releaseSteps, checked, base),
      maxPoints: maxPoints(checked),
      scrub: hiddenCodeScrubber(checked, base),
      forbidden: forbiddenFunctions(checked, base),
      teacherCells: teacherCellHashes(runSteps(gradingSteps(checked, name), checked, name)),
    };
  });
}

/** The exercise's points, test by test (for grades.json). */
export function exerciseSummary(exercise: Exercise): ExerciseSummary {
  return {
    exercise: exercise.name,
    maxPoints: exercise.maxPoints,
    tests: exercise.source.cells
      .filter((cell) => exerciseMeta(cell).kind === 'tests')
      .map((cell) => ({
        id: exerciseMeta(cell).id,
        title: testTitle(cell),
        points: exerciseMeta(cell).points!,
      })),
  };
}

export interface EngineOptions {
  servers: JupyterServer[];
  /** Kernels at a time on each server. */
  jobs: number;
  /** Per cell. */
  timeoutSeconds: number;
  /** For all of one submission, kernel restarts included. */
  submissionSeconds: number;
  /** Per cell. */
  maxOutputBytes: number;
  maxOutputMessages: number;
  /** What every kernel's sandbox gets (the exercise adds what it forbids and trusts). */
  kernel: Omit<SandboxPlan, 'forbidden' | 'teacherCells'>;
  progress: boolean;
}

/**
 * One notebook to grade: `load` reads it, undefined when none was handed in; it may throw, and the
 * submission is then unreadable.
 */
export interface SubmissionJob {
  student: string;
  exercise: Exercise;
  load: () => Notebook | undefined;
}

interface Task<T> {
  label: string;
  cells: number;
  run: (server: JupyterServer, onCellDone: () => void) => Promise<T>;
  /** What the task yields if it throws (a server that went away, a bug): the others go on. */
  failed: (error: Error) => T;
  /** The progress line's verdict, e.g. `6/6`. */
  verdict?: (result: T) => string;
}

/** Runs tasks on the servers, `jobs` at a time on each, with a progress bar counting cells. */
async function runTasks<T>(tasks: Task<T>[], options: EngineOptions): Promise<T[]> {
  const progress = options.progress
    ? new Progress(tasks.reduce((sum, task) => sum + task.cells, 0))
    : undefined;
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const slot = async (server: JupyterServer) => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      progress?.notebookStarted(task.label);
      let counted = 0;
      const started = Date.now();
      const onCellDone = () => {
        // A kernel that died means cells run twice; the bar counts each cell once.
        if (counted < task.cells) {
          counted++;
          progress?.cellDone();
        }
      };
      try {
        results[index] = await task.run(server, onCellDone);
      } catch (error) {
        results[index] = task.failed(error as Error);
      }
      const verdict = task.verdict ? `${task.verdict(results[index])}  ` : '';
      progress?.notebookFinished(
        task.label,
        `  ${task.label}  ${verdict}${((Date.now() - started) / 1000).toFixed(1)} s`,
        task.cells - counted,
      );
    }
  };
  const slots = options.servers.flatMap((server) =>
    Array.from({ length: Math.max(1, options.jobs) }, () => server),
  );
  await Promise.all(slots.slice(0, Math.max(1, tasks.length)).map(slot));
  progress?.end();
  return results;
}

function runOne(exercise: Exercise, label: string, notebook: Notebook, options: EngineOptions) {
  return (server: JupyterServer, onCellDone: () => void) =>
    runGradingNotebook(server, notebook, {
      timeoutSeconds: options.timeoutSeconds,
      submissionSeconds: options.submissionSeconds,
      maxOutputBytes: options.maxOutputBytes,
      maxOutputMessages: options.maxOutputMessages,
      sandbox: () =>
        createSandbox(label, exercise.name, {
          ...options.kernel,
          forbidden: exercise.forbidden,
          teacherCells: exercise.teacherCells,
        }),
      onCellDone,
    });
}

/**
 * Runs the teacher's solution of every exercise (the source as its own submission) and returns the
 * runs, the expected values of every test. Throws when a teacher's test fails or records nothing.
 */
export async function teacherRuns(
  exercises: Exercise[],
  options: EngineOptions,
): Promise<Map<string, GradingRun>> {
  const tasks = exercises.map((exercise): Task<GradingRun> => {
    const notebook = runSteps(gradingSteps(exercise.source, exercise.name), exercise.source, exercise.name);
    return {
      label: `teacher/${exercise.name}`,
      cells: countCodeCells(notebook),
      run: runOne(exercise, 'teacher', notebook, options),
      failed: (error) => {
        throw error;
      },
    };
  });
  const runs = await runTasks(tasks, options);
  const problems = exercises.flatMap((exercise, i) =>
    teacherRunProblems(exercise.source, runs[i], `${exercise.name}.ipynb`),
  );
  if (problems.length > 0) throw new ExerciseFormatError(problems.join('\n'));
  return new Map(exercises.map((exercise, i) => [exercise.name, runs[i]]));
}

/** Grades the submissions against the teacher's runs; a broken submission never stops the others. */
export async function gradeSubmissions(
  jobs: SubmissionJob[],
  expected: Map<string, GradingRun>,
  options: EngineOptions,
): Promise<SubmissionGrade[]> {
  const verdict = (grade: SubmissionGrade) =>
    grade.status === 'graded' ? `${grade.total}/${grade.max}` : `${grade.status}, 0/${grade.max}`;
  const tasks = jobs.map((job): Task<SubmissionGrade> => {
    const { exercise } = job;
    const zero = (status: SubmissionGrade['status'], message: string): SubmissionGrade => ({
      student: job.student,
      exercise: exercise.name,
      status,
      message,
      total: 0,
      max: exercise.maxPoints,
      tests: scoreTests(
        exercise.source,
        expected.get(exercise.name)!,
        { parts: [], kernels: 0, seconds: 0 },
        exercise.scrub,
      ).map((test) => ({ ...test, message: status })),
      notes: [],
    });
    const label = `${job.student}/${exercise.name}`;
    let notebook: Notebook;
    try {
      const handedIn = job.load();
      if (handedIn === undefined) {
        const grade = zero('missing', `no ${exercise.name}.ipynb was handed in`);
        return { label, cells: 0, run: async () => grade, failed: () => grade, verdict };
      }
      notebook = runSteps(gradingSteps(exercise.source, exercise.name), handedIn, exercise.name);
    } catch (error) {
      const grade = zero('unreadable', `the notebook could not be read: ${(error as Error).message}`);
      return { label, cells: 0, run: async () => grade, failed: () => grade, verdict };
    }
    return {
      label,
      cells: countCodeCells(notebook),
      verdict,
      failed: (error) => zero('failed', `the grader could not run this notebook: ${error.message}`),
      run: async (server, onCellDone) => {
        const run = await runOne(exercise, job.student, notebook, options)(server, onCellDone);
        const tests = scoreTests(exercise.source, expected.get(exercise.name)!, run, exercise.scrub);
        return {
          student: job.student,
          exercise: exercise.name,
          status: 'graded',
          total: tests.reduce((sum, test) => sum + test.points, 0),
          max: exercise.maxPoints,
          tests,
          notes: mergeNotes(notebook).map(exercise.scrub),
        };
      },
    };
  });
  return runTasks(tasks, options);
}
