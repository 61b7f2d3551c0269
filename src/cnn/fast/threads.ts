/**
 * Worker threads for the SIMD kernels, so that a large conv, pool or matrix product uses every core.
 *
 * The kernels' memory is one shared WebAssembly.Memory (wasmKernels.ts); each worker instantiates the
 * same module over it, so a worker reads and writes the very buffers the main thread laid out: nothing
 * is copied. A driver (conv2dFast.ts, pool2dFast.ts, matmul.ts) splits its work into one list of kernel
 * calls per thread, on parts that write disjoint memory, and `runOnThreads` runs list 0 on the calling
 * thread and the others on the workers, then waits for all of them. conv2d stays an ordinary synchronous
 * function: the main thread blocks on Atomics.wait, which Node allows, for the milliseconds a kernel takes.
 *
 * The workers are a workerTeam.ts team: they start on first use, stay warm between calls, never keep
 * Node alive, and survive a Jupyter interrupt. Where workers cannot start (the grader's permission model
 * forbids them; its launcher also sets CONVLAB_THREADS=1) everything runs on one thread.
 */
import { availableParallelism } from 'os';
import { atCellEnd } from '../atCellEnd';
import { ConvlabError } from '../convlabError';
import { isStopped, runRound, settle, startTeam, stopTeam, Team } from '../workerTeam';
import type { KernelSet } from './wasmKernels';

/** One kernel call: the kernel's name in KernelSet and its arguments (addresses and sizes). */
export interface KernelCall {
  kernel: Exclude<keyof KernelSet, 'size'>;
  args: number[];
}

/** A KernelSet whose methods record calls into a list instead of running them (see `recorder`). */
export type CallList = Omit<KernelSet, 'size'> & { size: 4 | 8; calls: KernelCall[] };

/**
 * Values per call list a worker can take at once (kernel index, argument count, arguments): 8 MB of
 * address space each, of which only what a call uses is ever touched. A backward pass over a few
 * thousand images fits; longer lists run in rounds, where this thread waits while the workers finish.
 */
const LIST_VALUES = 1 << 20;

// ---------------------------------------------------------------------------------------------------
// How many threads

let chosen: number | undefined;

/**
 * The number of threads a large kernel call may use: setThreads, else $CONVLAB_THREADS, else the cores
 * Node reports; never more than those cores (or 4 on smaller machines, where tests split three ways):
 * setThreads(64) on 2 cores would start 63 workers for nothing.
 */
export function threadCount(): number {
  if (onThisThread) return 1;
  return Math.min(threadSetting(), Math.max(CORES, 4));
}

let onThisThread = false;
const letGo = () => {
  onThisThread = false;
};

/**
 * Runs `body` with every kernel call on this thread alone: model.fit's groups (fitGroups.ts) already
 * keep the other cores busy with workers of their own; an interrupted cell lets go at its end (atCellEnd).
 */
export function kernelsOnThisThread<T>(body: () => T): T {
  const before = onThisThread;
  onThisThread = true;
  atCellEnd(letGo);
  try {
    return body();
  } finally {
    onThisThread = before;
  }
}

/** The cores Node reports, asked once: each call is a system call, and every kernel call asks. */
const CORES = availableParallelism();
/** $CONVLAB_THREADS, else the cores: read once, on the first kernel call that asks. */
let byDefault: number | undefined;

function threadSetting(): number {
  if (chosen !== undefined) return chosen;
  if (byDefault !== undefined) return byDefault;
  const fromEnv = process.env.CONVLAB_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1) {
      throw new ConvlabError('threadCount', `CONVLAB_THREADS must be a whole number ≥ 1, got '${fromEnv}'`);
    }
    return (byDefault = n);
  }
  return (byDefault = CORES);
}

/**
 * Chooses how many threads the SIMD kernels use from now on (1: no workers); more than the cores Node
 * reports are never started. The default is $CONVLAB_THREADS if set, else the cores. Every
 * count gives the same values to the last bit (see conv2dFast.ts).
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new ConvlabError('setThreads', `the thread count must be a whole number ≥ 1, got ${n}`);
  }
  chosen = n;
}

// ---------------------------------------------------------------------------------------------------
// The workers (workerTeam.ts runs them)

/**
 * A worker's code, after workerTeam.ts's prelude: it instantiates the kernels' module over the shared
 * memory, then runs its call list each round: [count, then per call: kernel index, n, n arguments].
 */
const WORKER_SOURCE = `
const { module, memory, names, list } = require('worker_threads').workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = names.map((name) => exports[name]);
const calls = new Float64Array(list);
const args = [];
TEAM.ready();
TEAM.serve(() => {
  const count = calls[0];
  for (let i = 0, at = 1; i < count; i++) {
    const kernel = kernels[calls[at]];
    const n = calls[at + 1];
    args.length = n;
    for (let j = 0; j < n; j++) args[j] = calls[at + 2 + j];
    at += 2 + n;
    kernel(...args);
  }
});
`;

interface KernelTeam extends Team {
  /** Worker i runs list i + 1 (list 0 is the main thread's). */
  lists: Float64Array[];
  /** Export names by kernel index, as the workers see them. */
  names: string[];
}

let team: KernelTeam | null | undefined; // undefined: not started; null: workers cannot start here

/**
 * Starts (once) the workers for `threads` − 1 lists over `memory`, or returns null where workers are
 * not allowed. Asked for more threads later, it starts a larger team.
 */
function workersFor(
  threads: number,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  names: string[],
): KernelTeam | null {
  if (team === null) return null;
  if (team && !isStopped(team) && team.workers.length >= threads - 1) return team;
  stopWorkers();
  const lists = Array.from({ length: threads - 1 }, () => new SharedArrayBuffer(LIST_VALUES * 8));
  const started = startTeam('worker threads', WORKER_SOURCE, threads - 1, (i) => ({
    module,
    memory,
    names,
    list: lists[i],
  }));
  team = started && { ...started, lists: lists.map((list) => new Float64Array(list)), names };
  return team;
}

/** Stops the workers (the next large call starts them again). For tests. */
export function stopWorkers(): void {
  // forgotten first: an interrupt in the middle of stopping must not leave a stopped team in use
  const stopping = team;
  team = undefined;
  if (stopping) stopTeam(stopping);
}

// ---------------------------------------------------------------------------------------------------
// Running call lists

/** A KernelSet that records each call (for one thread's list) instead of running it. */
export function recorder(kernels: KernelSet): CallList {
  const calls: KernelCall[] = [];
  const list = { size: kernels.size, calls } as CallList;
  for (const name of Object.keys(kernels) as (keyof KernelSet)[]) {
    if (name === 'size') continue;
    (list as unknown as Record<string, (...args: number[]) => void>)[name] = (...args: number[]) => {
      calls.push({ kernel: name, args });
    };
  }
  return list;
}

/**
 * Waits until no worker is still busy with an earlier round. A round ends early on this thread when its
 * own share throws, or when a Jupyter interrupt stops it (V8 then skips even `finally`), while the
 * workers go on writing into the kernels' memory: so every call that is about to lay out that memory
 * (wasmKernels.ts's workspace) waits for them first.
 */
export function settleWorkers(): void {
  if (team) settle(team);
}

let roundsOnWorkers = 0;

/** How many times workers have been handed work since the process started (for tests). */
export function workerRounds(): number {
  return roundsOnWorkers;
}

/**
 * Runs lists[0] on this thread and every other list on a worker, at the same time, and returns when
 * all are done. The lists must write disjoint memory. With one list, or where workers cannot start,
 * runs them one after another here.
 */
export function runOnThreads(
  kernels: KernelSet,
  suffix: string,
  lists: CallList[],
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): void {
  const run = (list: CallList) => {
    for (const { kernel, args } of list.calls) {
      (kernels[kernel] as (...a: number[]) => void)(...args);
    }
  };
  const names = Object.keys(kernels)
    .filter((name) => name !== 'size')
    .flatMap((name) => [`${name}F32`, `${name}F64`]);
  const t = lists.length > 1 ? workersFor(lists.length, module, memory, names) : null;
  if (!t) {
    lists.forEach(run);
    return;
  }
  // lists too long for a worker's buffer run in rounds of at most that many values
  const cursors = lists.map(() => 0);
  for (;;) {
    settle(t); // before writing the lists: an interrupted call's workers may still be reading theirs
    let busy = 0;
    for (let w = 1; w <= t.workers.length; w++) {
      // a team started for more threads than this call uses: its other workers get empty lists
      if (w < lists.length) cursors[w] = encode(lists[w].calls, cursors[w], t.lists[w - 1], t.names, suffix);
      else t.lists[w - 1][0] = 0;
      if (t.lists[w - 1][0] > 0) busy++;
    }
    if (busy === 0) break;
    roundsOnWorkers++;
    // this thread's share (in the first round), while the workers do theirs
    const mine = cursors[0] === 0 ? lists[0] : null;
    cursors[0] = 1;
    runRound(t, () => mine && run(mine), 'runOnThreads', 'a kernel');
  }
  if (cursors[0] === 0) run(lists[0]);
}

/**
 * Writes calls[from…] into a worker's list, as many as fit, and returns where to go on from. A worker
 * with nothing (left) to do gets count 0 and returns at once.
 */
function encode(
  calls: KernelCall[],
  from: number,
  into: Float64Array,
  names: string[],
  suffix: string,
): number {
  let count = 0;
  let at = 1;
  let i = from;
  for (; i < calls.length; i++) {
    const { kernel, args } = calls[i];
    if (at + 2 + args.length > into.length) break;
    into[at] = names.indexOf(`${kernel}${suffix}`);
    into[at + 1] = args.length;
    for (let j = 0; j < args.length; j++) into[at + 2 + j] = +args[j];
    at += 2 + args.length;
    count++;
  }
  into[0] = count;
  return i;
}

/** Part `part` of `parts` nearly equal contiguous parts of 0…total − 1: [first, count]. */
export function share(total: number, part: number, parts: number): [number, number] {
  const first = Math.floor((total * part) / parts);
  return [first, Math.floor((total * (part + 1)) / parts) - first];
}
