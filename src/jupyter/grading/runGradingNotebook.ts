/**
 * Runs a grading notebook (see gradingSteps) in sandboxed kernels and collects, for every test part,
 * whether it ran without error and the values it recorded.
 *
 * A kernel that dies (process.exit, out of memory) or ignores an interrupt cannot run more cells. The
 * cell that stopped it gets its verdict, and the rest runs in a fresh kernel: the non-test cells again
 * (they define the student's functions), then the test parts that have not run yet. So one crashing
 * function costs the tests that call it, not the whole notebook.
 */
import * as path from 'path';
import { KernelAPI, SessionAPI } from '@jupyterlab/services';
import { ErrorOutput, Notebook, Output } from '../notebookFormat';
import { countCodeCells, runNotebook } from '../runNotebook';
import { JupyterServer } from '../server';
import { sleep } from '../sleep';
import { exerciseMeta } from './exerciseFormat';
import { recordMime, unseal } from './recordChannel';
import { Sandbox } from './sandbox';
import { Record } from './testKit';

export interface PartResult {
  /** The tests cell's id. */
  testId: string;
  part: 'public' | 'hidden';
  /** `not-run`: no kernel got to it (it never started, or every attempt stopped before). */
  status: 'ok' | 'error' | 'not-run';
  error?: ErrorOutput;
  /** The values the part recorded, in order. */
  records: Record[];
  /** Record outputs that did not open with this kernel's key (forged or damaged). */
  badRecords: number;
}

export interface GradingRun {
  parts: PartResult[];
  /** Kernels started (1 unless one died). */
  kernels: number;
  seconds: number;
}

export interface RunGradingOptions {
  /** Per cell. */
  timeoutSeconds: number;
  /** For the whole notebook, kernel restarts included: what is not done by then does not run. */
  submissionSeconds: number;
  maxOutputBytes: number;
  maxOutputMessages: number;
  /** A fresh sandbox for each kernel. */
  sandbox: () => Sandbox;
  onCellDone?: () => void;
}

function isRecordOutput(output: Output): boolean {
  return (
    (output.output_type === 'display_data' || output.output_type === 'execute_result') &&
    recordMime in output.data
  );
}

/** Opens the record outputs of a cell; anything that does not open or parse counts as bad. */
function readRecords(outputs: Output[], key: Buffer): { records: Record[]; bad: number } {
  const records: Record[] = [];
  let bad = 0;
  for (const output of outputs) {
    if (!isRecordOutput(output)) continue;
    try {
      const raw = (output as { data: { [mime: string]: unknown } }).data[recordMime];
      const sealed = JSON.parse(Array.isArray(raw) ? raw.join('') : String(raw));
      const parsed = JSON.parse(unseal(key, sealed)) as Record;
      if (typeof parsed?.label !== 'string' || !('value' in parsed)) throw new Error('not a record');
      records.push({
        label: parsed.label,
        value: parsed.value,
        ...(parsed.tolerance ? { tolerance: parsed.tolerance } : {}),
      });
    } catch {
      bad++;
    }
  }
  return { records, bad };
}

const isTestPart = (cell: Notebook['cells'][number]) => exerciseMeta(cell).kind === 'tests';

/**
 * Shuts down whatever Jupyter still runs for a sandbox. When a kernel died, Jupyter restarts it and
 * (jupyter_server 1.x) fails to delete the session meanwhile, which would leave the restarted kernel
 * running on the server until it stops — for good, on a server given with --server.
 */
async function shutDownLeftovers(server: JupyterServer, sandboxDir: string): Promise<void> {
  const marker = `${path.basename(sandboxDir)}/`;
  for (let attempt = 0; attempt < 10; attempt++) {
    const sessions = await SessionAPI.listRunning(server.settings).catch(() => []);
    const left = sessions.filter((session) => session.path.includes(marker));
    if (left.length === 0) return;
    for (const session of left) {
      await SessionAPI.shutdownSession(session.id, server.settings).catch(() => undefined);
      if (session.kernel)
        await KernelAPI.shutdownKernel(session.kernel.id, server.settings).catch(() => undefined);
    }
    await sleep(500);
  }
}

/** Runs the grading notebook; never throws for what a submission does. */
export async function runGradingNotebook(
  server: JupyterServer,
  notebook: Notebook,
  options: RunGradingOptions,
): Promise<GradingRun> {
  const started = Date.now();
  const results = new Map<number, PartResult>();
  /** Non-test cells that stopped a kernel: not run again. */
  const stoppers = new Set<number>();
  let kernels = 0;
  let startFailures = 0;
  let lastStartError = '';
  /** Why parts that never ran did not: the grader's own words, shown to the student. */
  let notRunReason = '';
  const deadline = started + options.submissionSeconds * 1000;

  for (let attempt = 0; attempt <= notebook.cells.length; attempt++) {
    const secondsLeft = (deadline - Date.now()) / 1000;
    if (secondsLeft <= 1) {
      notRunReason = `the submission used all of its ${options.submissionSeconds} s`;
      break;
    }
    const indexes = notebook.cells
      .map((cell, index) => index)
      .filter((index) => (isTestPart(notebook.cells[index]) ? !results.has(index) : !stoppers.has(index)));
    if (!indexes.some((index) => isTestPart(notebook.cells[index]))) break;

    const attemptNotebook: Notebook = {
      ...notebook,
      cells: indexes.map((index) => structuredClone(notebook.cells[index])),
    };
    const sandbox = options.sandbox();
    kernels++;
    let run: Awaited<ReturnType<typeof runNotebook>> | undefined;
    try {
      run = await runNotebook(server, sandbox.notebookPath, {
        notebook: attemptNotebook,
        allowErrors: true,
        timeoutSeconds: Math.min(options.timeoutSeconds, secondsLeft),
        maxOutputBytes: options.maxOutputBytes,
        maxOutputMessages: options.maxOutputMessages,
        onCellDone: () => options.onCellDone?.(),
      });
    } catch (error) {
      await shutDownLeftovers(server, sandbox.dir);
      sandbox.remove();
      lastStartError = (error as Error).message;
      if (++startFailures >= 2) break; // the kernel does not start: no use trying again
      continue;
    } finally {
      // A grader stopped mid-run (an exception, Ctrl-C) must not leave the sandbox behind.
      if (!run) {
        await shutDownLeftovers(server, sandbox.dir).catch(() => undefined);
        sandbox.remove();
      }
    }
    await shutDownLeftovers(server, sandbox.dir);
    const stopped = sandbox.stopReason();
    sandbox.remove();

    // Messages mention files by path: the sandbox's name is random, and a re-run must read the same.
    const stable = (text: string) => text.split(sandbox.dir).join('<sandbox>');
    run.notebook.cells.forEach((cell, at) => {
      const index = indexes[at];
      if (cell.cell_type !== 'code' || !isTestPart(cell)) return;
      for (const output of cell.outputs) {
        if (output.output_type === 'stream') output.text = stable(output.text);
        if (output.output_type === 'error') {
          output.evalue = stable(output.evalue);
          output.traceback = output.traceback.map(stable);
        }
      }
      const failure = run!.failures.find((f) => f.cellIndex === at);
      if (!failure && cell.execution_count === null) return; // did not run
      const lastFailure = run!.failures[run!.failures.length - 1];
      if (failure && stopped && failure === lastFailure) {
        // The launcher stopped this kernel (memory, output): its reason replaces "the kernel died".
        cell.outputs = cell.outputs.filter((o) => o.output_type !== 'error');
        cell.outputs.push({
          output_type: 'error',
          ename: 'KernelStopped',
          evalue: stopped.reason === 'memory' ? 'memory' : 'output',
          traceback: [],
        });
      }
      const { records, bad } = readRecords(cell.outputs, sandbox.recordKey);
      const meta = exerciseMeta(cell);
      results.set(index, {
        testId: meta.id,
        part: meta.part ?? 'public',
        status: failure ? 'error' : 'ok',
        error: failure
          ? (cell.outputs.find((o) => o.output_type === 'error') as ErrorOutput | undefined)
          : undefined,
        records,
        badRecords: bad,
      });
    });

    const stoppedEarly = run.cellsRun < countCodeCells(attemptNotebook);
    if (!stoppedEarly) break;
    // A flood comes back in every fresh kernel (a timer started by a solution cell): stop here.
    if (stopped?.reason === 'output') {
      notRunReason = 'the kernel was stopped: it sent more output than a grading kernel may';
      break;
    }
    const stopper = run.failures[run.failures.length - 1]?.cellIndex;
    if (stopper === undefined) break;
    if (!isTestPart(attemptNotebook.cells[stopper])) stoppers.add(indexes[stopper]);
  }

  const parts = notebook.cells.flatMap((cell, index): PartResult[] => {
    if (!isTestPart(cell)) return [];
    const meta = exerciseMeta(cell);
    return [
      results.get(index) ?? {
        testId: meta.id,
        part: meta.part ?? 'public',
        status: 'not-run',
        error:
          notRunReason || lastStartError
            ? {
                output_type: 'error',
                ename: notRunReason ? 'NotRun' : 'KernelError',
                evalue: notRunReason || `the kernel did not start: ${lastStartError}`,
                traceback: [],
              }
            : undefined,
        records: [],
        badRecords: 0,
      },
    ];
  });
  return { parts, kernels, seconds: (Date.now() - started) / 1000 };
}
