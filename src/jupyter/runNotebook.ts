/**
 * Executes one notebook on a Jupyter server: a fresh session (kernel) started in the notebook's
 * folder, the code cells run in order, their outputs collected as nbformat 4 outputs.
 */
import * as path from 'path';
import { Kernel, KernelConnection, KernelMessage, SessionAPI } from '@jupyterlab/services';
import { expectKernelDeaths } from './kernelDeathNoise';
import { CodeCell, Notebook, cellSource, kernelName, readNotebook } from './notebookFormat';
import { OutputCollector } from './outputCollector';
import { JupyterServer } from './server';
import { sleep } from './sleep';

/** Seconds a cell may run before the kernel is interrupted, unless told otherwise (`convlab run --timeout`). */
export const defaultCellTimeoutSeconds = 300;

export interface RunNotebookOptions {
  /** Seconds a cell may run before the kernel is interrupted. Default `defaultCellTimeoutSeconds`. */
  timeoutSeconds?: number;
  /** Keep going after a failing cell (every failure is still reported). Default false. */
  allowErrors?: boolean;
  /** Called after each code cell, e.g. to move a progress bar. */
  onCellDone?: (cellIndex: number) => void;
  /** Seconds to wait for the kernel to start. Default 120. */
  kernelStartSeconds?: number;
  /**
   * Run this notebook instead of reading `file` (which then only decides the kernel's folder and the
   * session's name, and need not exist). The grader uses it so that hidden tests never touch the disk.
   */
  notebook?: Notebook;
  /** Bytes of output a cell may send before the kernel is interrupted (a flood). Default: no limit. */
  maxOutputBytes?: number;
  /** IOPub messages of any kind that may arrive while a cell runs before it is stopped. Default: no limit. */
  maxOutputMessages?: number;
}

/** One failed cell, with what a person needs to find and fix it. */
export interface CellFailure {
  /** Index into `notebook.cells` (0-based, markdown cells counted). */
  cellIndex: number;
  source: string;
  /** The cell's stderr (where tslab writes compile and runtime errors). */
  stderr: string;
  ename: string;
  evalue: string;
  timedOut: boolean;
}

export interface RunNotebookResult {
  /** The notebook file that was run. */
  file: string;
  /** The notebook with outputs and execution counts filled in (cells after a stop are cleared). */
  notebook: Notebook;
  failures: CellFailure[];
  /** Code cells that ran (for progress accounting when a run stops early). */
  cellsRun: number;
  kernelStartSeconds: number;
  seconds: number;
}

/** A deadline to race against: it never keeps Node running (see sleep.ts). */
const deadline = (ms: number) => sleep(ms, { unref: true });

/** The number of code cells with something to run (empty cells are skipped, as nbclient does). */
export function countCodeCells(notebook: Notebook): number {
  return notebook.cells.filter((cell) => cell.cell_type === 'code' && cellSource(cell).trim() !== '').length;
}

/** The session path Jupyter needs: the notebook relative to the folder the server serves. */
function sessionPath(server: JupyterServer, file: string): string {
  const root = server.rootDir ?? process.cwd();
  const relative = path.relative(root, path.resolve(file));
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(
      `runNotebook: ${file} is outside the folder the Jupyter server serves (${root}); ` +
        "with --server, run from the server's root folder",
    );
  }
  return relative.split(path.sep).join('/');
}

/** Clears outputs and counts of the cells that did not run, so the copy does not mix old and new. */
function clearFrom(notebook: Notebook, firstIndex: number): void {
  for (const cell of notebook.cells.slice(firstIndex)) {
    if (cell.cell_type === 'code') {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
}

/** Runs every code cell of a notebook file; never writes files (see runNotebooks for that). */
export async function runNotebook(
  server: JupyterServer,
  file: string,
  options: RunNotebookOptions = {},
): Promise<RunNotebookResult> {
  const started = Date.now();
  const notebook = options.notebook ?? readNotebook(file);
  const timeoutMs = (options.timeoutSeconds ?? defaultCellTimeoutSeconds) * 1000;
  const failures: CellFailure[] = [];
  const collector = new OutputCollector();
  expectKernelDeaths(); // a cell may kill its kernel: see kernelDeathNoise.ts

  const session = await SessionAPI.startSession(
    {
      path: sessionPath(server, file),
      name: path.basename(file),
      type: 'notebook',
      kernel: { name: kernelName(notebook) },
    },
    server.settings,
  );
  const kernel = new KernelConnection({
    model: session.kernel!,
    serverSettings: server.settings,
    handleComms: false,
  });
  // A kernel that dies (a cell calling process.exit, a crash at start) must end the wait at once.
  let kernelDied: (reason: string) => void = () => undefined;
  let hasDied = false;
  const died = new Promise<string>((resolve) => (kernelDied = resolve));
  kernel.statusChanged.connect((_, status) => {
    if (status === 'dead' || status === 'autorestarting' || status === 'restarting') {
      hasDied = true;
      kernelDied(status);
    }
  });

  let cellsRun = 0;
  let kernelStartSeconds: number;
  try {
    const startLimit = (options.kernelStartSeconds ?? 120) * 1000;
    const ready = await Promise.race([
      kernel.info.then(() => 'ready'),
      died,
      deadline(startLimit).then(() => 'timeout'),
    ]);
    if (ready !== 'ready') {
      throw new Error(
        `runNotebook: kernel '${kernelName(notebook)}' for ${file} did not start (${ready === 'timeout' ? `no answer in ${startLimit / 1000} s` : ready}); ` +
          'see the Jupyter server log',
      );
    }
    kernelStartSeconds = (Date.now() - started) / 1000;

    for (let index = 0; index < notebook.cells.length; index++) {
      const cell = notebook.cells[index];
      if (cell.cell_type !== 'code' || cellSource(cell).trim() === '') continue;
      const outcome = await executeCell(kernel, cell, collector, timeoutMs, died, {
        bytes: options.maxOutputBytes ?? Infinity,
        messages: options.maxOutputMessages ?? Infinity,
      });
      cellsRun++;
      options.onCellDone?.(index);
      if (outcome.status === 'ok') continue;

      const timedOut = outcome.status === 'timeout' || outcome.status === 'unresponsive';
      const note =
        outcome.status === 'timeout'
          ? `convlab: cell timed out after ${timeoutMs / 1000} s and the kernel was interrupted`
          : outcome.status === 'output-limit'
            ? `convlab: cell output passed ${outcome.limit} and the kernel was interrupted`
            : outcome.status === 'unresponsive'
              ? `convlab: cell timed out after ${timeoutMs / 1000} s and the kernel did not answer the interrupt`
              : outcome.status === 'died'
                ? `convlab: the kernel died while running this cell (${outcome.detail})`
                : undefined;
      const stderr = collector.stderrText();
      const error = collector.failCell(note)!;
      if (timedOut || outcome.status === 'output-limit') {
        error.ename = timedOut ? 'CellTimeoutError' : 'OutputLimitError';
        error.evalue = note!.replace(/^convlab: /, '');
      }
      failures.push({
        cellIndex: index,
        source: cellSource(cell),
        stderr,
        ename: error.ename,
        evalue: error.evalue,
        timedOut,
      });

      // A dead or unresponsive kernel cannot run more cells, whatever --allow-errors says.
      if (!options.allowErrors || outcome.status === 'died' || outcome.status === 'unresponsive') {
        clearFrom(notebook, index + 1);
        break;
      }
      // tslab answers every request with `abort` for ~200 ms after an error; let that pass.
      await sleep(250);
    }
  } finally {
    if (hasDied) await waitForRestart(kernel, 5_000);
    kernel.dispose();
    await SessionAPI.shutdownSession(session.id, server.settings).catch(() => undefined);
  }
  return { file, notebook, failures, cellsRun, kernelStartSeconds, seconds: (Date.now() - started) / 1000 };
}

/**
 * After a kernel dies, Jupyter restarts it and the connection reconnects by itself. Shutting the
 * session down halfway makes the server answer 500 (which @jupyterlab/services prints with the
 * server's traceback) and the reconnect reject: let the restart finish first, for a while. The
 * restarted kernel's first status often goes out before the connection listens (its status then
 * stays 'unknown'), so once connected we ask it for its info: the answer says it is up. With
 * jupyter_server 1.x about one restart in four never answers on the reconnected channels (its
 * "new random ports" restart): the wait is short, and what a shutdown then prints is expected
 * (kernelDeathNoise.ts).
 */
async function waitForRestart(kernel: Kernel.IKernelConnection, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && kernel.connectionStatus !== 'connected') await sleep(100);
  if (kernel.connectionStatus !== 'connected' || kernel.status === 'idle') return;
  await Promise.race([
    kernel.requestKernelInfo().catch(() => undefined),
    deadline(Math.max(0, end - Date.now())),
  ]);
}

type CellOutcome =
  | { status: 'ok' }
  | { status: 'error' }
  | { status: 'timeout' }
  | { status: 'output-limit'; limit: string }
  | { status: 'unresponsive' }
  | { status: 'died'; detail: string };

/** Runs one cell; on timeout interrupts the kernel and waits for it to answer. */
async function executeCell(
  kernel: KernelConnection,
  cell: CodeCell,
  collector: OutputCollector,
  timeoutMs: number,
  died: Promise<string>,
  maxOutput: { bytes: number; messages: number },
): Promise<CellOutcome> {
  // Retry while the kernel answers `abort`: that is tslab's short window after an earlier error.
  for (let attempt = 0; ; attempt++) {
    collector.startCell(cell);
    cell.execution_count = null;
    const future = kernel.requestExecute({ code: cellSource(cell), stop_on_error: true, allow_stdin: false });
    // Past the output limit further output is dropped (it would fill memory) and the cell is stopped.
    // Every message counts, whichever request it claims to answer: a flood need not say it is ours.
    let outputBytes = 0;
    let outputMessages = 0;
    let flooded: (limit: string) => void = () => undefined;
    const flood = new Promise<string>((resolve) => (flooded = resolve));
    // Read IOPub through the kernel's signal, not `future.onIOPub`: @jupyterlab/services routes an
    // `update_display_data` only to the (finished) request that first showed that display id, so an
    // update sent by a later cell would never reach this cell. The collector tracks display ids itself.
    const requestId = future.msg.header.msg_id;
    const onIOPub = (_: unknown, message: KernelMessage.IIOPubMessage) => {
      if (++outputMessages > maxOutput.messages) return flooded(`${maxOutput.messages} messages`);
      const type = message.header.msg_type;
      if (
        type === 'stream' ||
        type === 'display_data' ||
        type === 'execute_result' ||
        type === 'update_display_data'
      ) {
        outputBytes += JSON.stringify(message.content).length;
        if (outputBytes > maxOutput.bytes) return flooded(`${maxOutput.bytes} bytes`);
      }
      if ((message.parent_header as Partial<KernelMessage.IHeader>).msg_id !== requestId) return;
      collector.handle(type, message.content as Record<string, unknown>);
    };
    kernel.iopubMessage.connect(onIOPub);
    try {
      const outcome = await awaitCell(kernel, future, cell, timeoutMs, died, flood);
      if (outcome !== 'abort') return outcome;
      // tslab's abort window: try again shortly (a second or two at most).
      if (attempt >= 40) return { status: 'error' };
      await sleep(50);
    } finally {
      kernel.iopubMessage.disconnect(onIOPub);
    }
  }
}

/** Waits for one execute request to finish; `'abort'` when tslab refused it (its window after an error). */
async function awaitCell(
  kernel: KernelConnection,
  future: Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>,
  cell: CodeCell,
  timeoutMs: number,
  died: Promise<string>,
  flood: Promise<string>,
): Promise<CellOutcome | 'abort'> {
  const reply = future.done.then((message) => message as KernelMessage.IExecuteReplyMsg);
  const result = await Promise.race([
    reply,
    died.then((detail) => ({ died: detail })),
    deadline(timeoutMs).then(() => 'timeout' as const),
    flood.then((limit) => ({ limit })),
  ]);

  if (result === 'timeout' || 'limit' in result) {
    await kernel.interrupt().catch(() => undefined);
    // The kernel answers an interrupted cell with an error reply; give it a while to do so.
    const afterInterrupt = await Promise.race([
      reply,
      died.then(() => 'died' as const),
      deadline(15_000).then(() => 'silent' as const),
    ]);
    future.dispose();
    // Death is the better news: on a busy machine Jupyter may notice a kernel that exited (or was
    // killed for its memory) only after the cell's time was up.
    if (afterInterrupt === 'died') return { status: 'died', detail: await died };
    if (afterInterrupt === 'silent') return { status: 'unresponsive' };
    cell.execution_count = afterInterrupt.content.execution_count ?? null;
    await sleep(250); // the abort window after the interrupted cell's error
    return result === 'timeout' ? { status: 'timeout' } : { status: 'output-limit', limit: result.limit };
  }
  if ('died' in result) {
    future.dispose();
    return { status: 'died', detail: result.died };
  }

  const status = result.content.status;
  if (status === 'aborted' || (status as string) === 'abort') return 'abort';
  cell.execution_count = result.content.execution_count ?? null;
  return status === 'ok' ? { status: 'ok' } : { status: 'error' };
}
