/**
 * Runs many notebooks on one server, `jobs` kernels at a time, and writes the executed copies.
 * Shared by `convlab run`, `convlab course` and the notebook tests.
 */
import * as fs from 'fs';
import * as path from 'path';
import { trimKernelFrames } from './errorFromStderr';
import { cellSource, readNotebook, writeNotebook } from './notebookFormat';
import { Progress } from './progress';
import { RunNotebookOptions, RunNotebookResult, countCodeCells, runNotebook } from './runNotebook';
import { JupyterServer } from './server';

export interface RunNotebooksOptions extends Omit<RunNotebookOptions, 'onCellDone'> {
  /** Kernels running at the same time. Default 1. */
  jobs?: number;
  /** Where executed copies go (mirroring the notebooks' folders below their common folder). */
  outDir?: string;
  /** Write outputs back into the source notebooks instead (outDir is then ignored). */
  inplace?: boolean;
  /** Show a progress bar on stderr. Default true. */
  progress?: boolean;
}

export interface NotebookRun extends RunNotebookResult {
  /** Where the executed notebook was written, if it was. */
  writtenTo?: string;
  /** Set when the notebook could not be run at all (unreadable, kernel did not start). */
  crash?: Error;
}

/** The deepest folder containing every file. */
export function commonFolder(files: string[]): string {
  const folders = files.map((file) => path.dirname(path.resolve(file)).split(path.sep));
  const common: string[] = [];
  for (let i = 0; i < folders[0].length; i++) {
    if (folders.every((parts) => parts[i] === folders[0][i])) common.push(folders[0][i]);
    else break;
  }
  return common.join(path.sep) || path.sep;
}

/** Runs the notebooks; resolves when all are done, failures included (see each run's `failures`). */
export async function runNotebooks(
  server: JupyterServer,
  files: string[],
  options: RunNotebooksOptions = {},
): Promise<NotebookRun[]> {
  if (files.length === 0) return [];
  const base = commonFolder(files);
  const cellCounts = files.map((file) => countCodeCells(readNotebook(file)));
  const progress =
    options.progress === false ? undefined : new Progress(cellCounts.reduce((a, b) => a + b, 0));
  const runs: NotebookRun[] = new Array(files.length);

  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index];
      const name = path.relative(process.cwd(), file) || file;
      progress?.notebookStarted(name);
      let run: NotebookRun;
      try {
        run = await runNotebook(server, file, { ...options, onCellDone: () => progress?.cellDone() });
      } catch (error) {
        const notebook = readNotebook(file);
        run = {
          file,
          notebook,
          failures: [],
          cellsRun: 0,
          kernelStartSeconds: 0,
          seconds: 0,
          crash: error as Error,
        };
      }
      if (!run.crash) run.writtenTo = writeCopy(run, base, options);
      runs[index] = run;
      const verdict = run.crash
        ? '✗ could not run'
        : run.failures.length > 0
          ? `✗ ${run.failures.length} failing cell(s)`
          : '✓';
      progress?.notebookFinished(
        name,
        `${verdict} ${name}  ${run.cellsRun}/${cellCounts[index]} cells  ${run.seconds.toFixed(1)} s`,
        cellCounts[index] - run.cellsRun,
      );
    }
  };
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, files.length));
  await Promise.all(Array.from({ length: jobs }, worker));
  progress?.end();
  return runs;
}

function writeCopy(run: NotebookRun, base: string, options: RunNotebooksOptions): string | undefined {
  if (options.inplace) {
    writeNotebook(run.file, run.notebook);
    return run.file;
  }
  if (!options.outDir) return undefined;
  const target = path.join(path.resolve(options.outDir), path.relative(base, path.resolve(run.file)));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  writeNotebook(target, run.notebook);
  return target;
}

/** A report of what failed, for a person reading a terminal: notebook, cell index, source, stderr. */
export function describeFailures(runs: NotebookRun[]): string {
  const indent = (text: string) =>
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => `    | ${line}`)
      .join('\n');
  const parts: string[] = [];
  for (const run of runs) {
    const name = path.relative(process.cwd(), run.file) || run.file;
    if (run.crash) parts.push(`✗ ${name}: could not run: ${run.crash.message}`);
    for (const failure of run.failures) {
      const cell = run.notebook.cells[failure.cellIndex];
      parts.push(
        [
          `✗ ${name}: cell index ${failure.cellIndex} failed: ${failure.ename}: ${failure.evalue}`,
          '  source:',
          indent(cellSource(cell)),
          '  stderr:',
          indent(trimKernelFrames(failure.stderr) || '(nothing on stderr)'),
        ].join('\n'),
      );
    }
  }
  return parts.join('\n\n');
}
