/**
 * A team of worker threads that this thread hands rounds of work to, and waits for, synchronously.
 *
 * conv2d and model.fit are ordinary synchronous calls, as a notebook expects, so this thread cannot hear
 * a worker's messages while it works: everything goes through shared memory and Atomics instead. Its
 * user: the kernels' call lists (fast/threads.ts).
 *
 * The control words: this thread starts round r by storing r in ROUND and waking the workers; worker i
 * stores r in DONE + i when it is done. A round is over when every DONE word equals ROUND. Nothing else
 * is kept: a Jupyter interrupt can stop this thread between any two statements (tslab runs cells with
 * vm's breakOnSigint, which skips even \`finally\`), and whatever the words say then, the next `settle`
 * (which wakes the workers again, in case the interrupt fell between the store and the wake-up) waits
 * for exactly the work that was handed out.
 *
 * Workers start on first use, stay warm between rounds, are unref'd so that they never keep Node alive,
 * and end with the process. Where workers cannot start (the grader's permission model forbids them),
 * `startTeam` returns null and the caller does the work on this thread.
 */
import { Worker } from 'worker_threads';
import { ConvlabError } from './convlabError';

const [ROUND, ERROR, READY, DONE] = [0, 1, 2, 3];
/** ERROR's value when a worker has exited: its round is over, and the team can take no more. */
const EXITED = 2;
/** Bytes for a worker's error message. */
const MESSAGE_BYTES = 1024;
/** How long new workers may take to start before this thread gives up on them. */
const START_TIMEOUT_MS = 30_000;
/**
 * How long a thread polls before it sleeps in Atomics.wait. On this course's VM a sleeping thread takes
 * 140–200 µs to wake (an idle virtual CPU goes back to the host), against 1–17 µs for one still polling:
 * with rounds a millisecond apart (a training step's serial part), polling that long keeps both awake.
 */
const SPIN_MS = 1;
/** How long a round may take before `settle` says so (a kernel call or a training step takes ms). */
const STALL_MS = 60_000;

/**
 * The worker's side, prepended to each team's worker source: `TEAM.serve(work)` runs `work()`
 * for every round until the team stops. It reads workerData.control, .message and .index.
 */
const WORKER_PRELUDE = `
const TEAM = (() => {
  const { workerData } = require('worker_threads');
  const [ROUND, ERROR, READY, DONE] = [${[ROUND, ERROR, READY, DONE].join(', ')}];
  const state = new Int32Array(workerData.control);
  const message = new Uint8Array(workerData.message);
  const index = workerData.index;
  const report = (text, code) => {
    const bytes = new TextEncoder().encode(text);
    message.fill(0);
    message.set(bytes.subarray(0, message.length - 1));
    Atomics.store(state, ERROR, code);
  };
  let round = 0;
  // a worker that ends (process.exit in a layer, say) would otherwise leave this thread waiting forever
  process.on('exit', () => {
    if (Atomics.load(state, ROUND) < 0) return; // the team is being stopped
    report('the worker thread exited', ${EXITED});
    Atomics.store(state, DONE + index, Atomics.load(state, ROUND));
    Atomics.notify(state, DONE + index);
  });
  return {
    ready() {
      Atomics.add(state, READY, 1);
      Atomics.notify(state, READY);
    },
    serve(work) {
      for (;;) {
        for (const until = performance.now() + ${SPIN_MS}; Atomics.load(state, ROUND) === round && performance.now() < until; );
        // a wake-up without a new round (settle wakes the workers just in case) is not a round
        while (Atomics.load(state, ROUND) === round) Atomics.wait(state, ROUND, round);
        round = Atomics.load(state, ROUND);
        if (round < 0) return;
        try {
          work();
        } catch (error) {
          report(String((error && error.message) || error), 1);
        }
        Atomics.store(state, DONE + index, round);
        Atomics.notify(state, DONE + index);
      }
    },
  };
})();
`;

/** Every worker started, by the team's name, until the next team of that name starts. */
const startedFor = new Map<string, Worker[]>();

export interface Team {
  readonly workers: Worker[];
  readonly state: Int32Array;
  readonly message: Uint8Array;
  /** Whether a stalled round has been reported (once per team). */
  reported?: boolean;
}

/**
 * Starts `size` workers running `source` (JavaScript run with eval, so that it works the same from
 * dist/ and from the TypeScript sources under tsx; it calls TEAM.ready() once set up, then
 * TEAM.serve(work)), worker i with `data(i)` in its workerData. Returns null where workers are not
 * allowed or do not all start in time; `what` names the team in the warning.
 */
export function startTeam(
  what: string,
  source: string,
  size: number,
  data: (i: number) => object,
): Team | null {
  const control = new SharedArrayBuffer(4 * (DONE + size));
  const message = new SharedArrayBuffer(MESSAGE_BYTES);
  const state = new Int32Array(control);
  // A team of this kind that an interrupt stopped halfway through starting (before its caller could keep
  // it) would wait forever, a thread and its memory each: its caller has stopped any team it kept, so
  // whatever was started for \`what\` before is ended here.
  for (const worker of startedFor.get(what) ?? []) void worker.terminate();
  const workers: Worker[] = [];
  startedFor.set(what, workers);
  try {
    for (let index = 0; index < size; index++) {
      const worker = new Worker(WORKER_PRELUDE + source, {
        eval: true,
        workerData: { ...data(index), control, message, index },
      });
      worker.unref();
      // a worker that fails to start is given up on below; its 'error' event, which comes later, must
      // not then end the process as an unhandled one
      worker.on('error', () => undefined);
      workers.push(worker);
    }
  } catch {
    // ERR_ACCESS_DENIED under the permission model
    for (const worker of workers) void worker.terminate();
    return null;
  }
  // A worker that fails while it starts (out of memory, say) could never answer a round, and this thread
  // cannot hear its 'error' event while it waits: so wait here, with a limit, for every one to be ready.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let ready = 0; ready < size && Date.now() < deadline; ready = Atomics.load(state, READY)) {
    Atomics.wait(state, READY, ready, deadline - Date.now());
  }
  if (Atomics.load(state, READY) < size) {
    for (const worker of workers) void worker.terminate();
    console.warn(`convlab: ${what} did not start within ${START_TIMEOUT_MS / 1000} s; using one thread`);
    return null;
  }
  return { workers, state, message: new Uint8Array(message) };
}

/**
 * Waits until every worker has finished the latest round (an interrupted call may have left one busy).
 * It waits in slices of a second and wakes the workers again at each, so that no lost wake-up, however it
 * came about, can stall a round; a round that still does not end within a minute is reported once.
 */
export function settle(team: Team): void {
  const { state } = team;
  const round = Atomics.load(state, ROUND);
  if (round < 0) return;
  const started = performance.now();
  for (let w = 0; w < team.workers.length; w++) {
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(state, DONE + w) !== round && performance.now() < until);
    for (let done = Atomics.load(state, DONE + w); done !== round; done = Atomics.load(state, DONE + w)) {
      Atomics.notify(state, ROUND); // also in case an interrupt came between starting the round and the wake-up
      Atomics.wait(state, DONE + w, done, 1000);
      if (!team.reported && performance.now() - started > STALL_MS) {
        team.reported = true;
        console.warn(
          `convlab: worker thread ${w} has not finished round ${round} after ${STALL_MS / 1000} s ` +
            `(its last: ${done}); still waiting`,
        );
      }
    }
  }
}

/**
 * Runs one round on every worker while `meanwhile` runs here, and returns its result once
 * all are done (also when `meanwhile` throws: nothing else may touch what the workers write meanwhile).
 * A worker's error becomes a ConvlabError of `fn`'s, saying what failed.
 */
export function runRound<T>(team: Team, meanwhile: () => T, fn: string, what: string): T {
  const { state } = team;
  if (Atomics.load(state, ROUND) < 0) {
    // a team that was being stopped when an interrupt came: no worker would ever answer
    throw new ConvlabError(fn, `${what} was handed to worker threads that had been stopped`);
  }
  settle(team);
  Atomics.store(state, ERROR, 0);
  Atomics.store(state, ROUND, Atomics.load(state, ROUND) + 1);
  Atomics.notify(state, ROUND);
  let result: T;
  try {
    result = meanwhile();
  } finally {
    settle(team);
  }
  const error = Atomics.load(state, ERROR);
  if (error !== 0) {
    Atomics.store(state, ERROR, 0);
    // a team with a worker gone is stopped: its owner starts a new one next time (isStopped)
    if (error === EXITED) stopTeam(team);
    const end = team.message.indexOf(0);
    const message = new TextDecoder().decode(team.message.subarray(0, end < 0 ? undefined : end));
    throw new ConvlabError(fn, `${what} failed on a worker thread: ${message}`);
  }
  return result;
}

/** Whether the team was stopped (or stopped itself when a worker exited): its owner needs a new one. */
export function isStopped(team: Team): boolean {
  return Atomics.load(team.state, ROUND) < 0;
}

/** Stops the team's workers. */
export function stopTeam(team: Team): void {
  Atomics.store(team.state, ROUND, -1);
  Atomics.notify(team.state, ROUND);
  for (const worker of team.workers) void worker.terminate();
}
