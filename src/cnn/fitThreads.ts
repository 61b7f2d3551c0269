/**
 * model.fit on several cores: data-parallel training steps.
 *
 * Each step's batch is cut into one group of examples per thread. This thread computes the gradients of
 * the first group; each worker thread holds a replica of the model (loaded from model.toJSON, its weights
 * copied from this thread's before every step) and computes those of another group at the same time.
 * Then the groups' gradients are added here, each weighted by its size, in group order, and the
 * optimizer takes its one step here, as on one thread. Everything in a step runs in parallel this way —
 * the kernels and the JavaScript around them (relu, copies, the loss) — where splitting each kernel call
 * (threads.ts) leaves the JavaScript on one core.
 *
 * What changes: the batch's mean gradient is summed as group means, so with T threads the weights differ
 * from one thread's within float32 rounding, the same for any run with the same T (test/fitThreads.test.ts
 * says how close). One thread (the grader's kernels, small models, small batches) is fit's plain loop.
 *
 * The workers are a workerTeam.ts team (shared memory and Atomics: fit is an ordinary synchronous call,
 * as a notebook expects): they start on the first fit that can use them, stay warm between fits, never
 * keep Node alive, and survive a Jupyter interrupt.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import { kernelsOnThisThread, share, threadCount } from './fast/threads';
import type { Labels } from './crossEntropy';
import type { Parameter } from './optimizers';
import { DType, Tensor } from './tensor';
import { runRound, startTeam, stopTeam, Team } from './workerTeam';

/** The model as fit's team needs it. */
export interface TeamModel {
  readonly inputShape: number[];
  readonly dtype: DType;
  parameters(): Parameter[];
  summary(): { outputShape: number[]; params: number }[];
  toJSON(): unknown;
}

/**
 * Multiply-adds of a forward pass per group below which a worker does not pay: handing a group over and
 * adding its gradients costs about 0.1 ms (LeNet: 61,706 weights), a group of 16 digits takes 2 ms.
 */
const WORK_PER_GROUP = 1 << 21;
/** What a round asks of the workers. */
const [LOAD, STEP] = [1, 2];

/**
 * A worker, after workerTeam.ts's prelude: loads the library (dist/index.js), then per round either
 * loads a replica of the model (LOAD: the JSON comes through \`text\`, [length as uint32, UTF-8 bytes])
 * or computes one group's gradients (STEP). Its exchange buffer (Float64Array):
 * [gradients (P) | count, cost, accuracy | labels (G) | examples (G × E)], with P, G and E from LOAD.
 */
const WORKER_SOURCE = `
const { library, weights, exchange, text } = require('worker_threads').workerData;
const cl = require(library);
cl.setThreads(1); // this worker is one of fit's threads already
const W = new Float64Array(weights);
const ex = new Float64Array(exchange);
let model = null, params = [], P = 0, G = 0, E = 0, x = null, labels = null;
TEAM.ready();
TEAM.serve((command) => {
  if (command === ${LOAD}) {
    const length = new DataView(text).getUint32(0);
    const json = JSON.parse(new TextDecoder().decode(new Uint8Array(text, 4, length).slice()));
    model = cl.loadModel(json.model);
    params = model.parameters();
    P = params.reduce((n, p) => n + p.value.size, 0);
    [G, E] = [json.groupSize, json.exampleSize];
    x = model.dtype === 'float64' ? new Float64Array(G * E) : new Float32Array(G * E);
    labels = new Int32Array(G);
    return;
  }
  const count = ex[P];
  if (count === 0) return;
  let at = 0;
  for (const p of params) {
    p.value.data.set(W.subarray(at, at + p.value.size));
    at += p.value.size;
  }
  labels.set(ex.subarray(P + 3, P + 3 + count));
  x.set(ex.subarray(P + 3 + G, P + 3 + G + count * E));
  const batch = cl.fromData(x.subarray(0, count * E), [count, ...model.inputShape]);
  const { cost, accuracy } = model.gradientStep(batch, labels.subarray(0, count));
  at = 0;
  for (const p of params) {
    ex.set(p.grad.data, at);
    at += p.value.size;
  }
  ex[P + 1] = cost;
  ex[P + 2] = accuracy;
});
`;

interface FitWorkers extends Team {
  /** The weights, all parameters one after another, as this thread has them before the step. */
  weights: Float64Array;
  /** Worker i's exchange buffer (see WORKER_SOURCE). */
  exchanges: Float64Array[];
  text: Uint8Array;
  /** What the buffers hold at most: parameters, examples' values per group, JSON bytes. */
  capacity: { params: number; groupValues: number; textBytes: number };
}

let team: FitWorkers | null | undefined; // undefined: none yet; null: workers cannot start here

/** dist/index.js, which the workers load (also when the library runs from its TypeScript sources). */
function libraryPath(): string | undefined {
  const candidates = [join(__dirname, '..', 'index.js'), join(__dirname, '..', '..', 'dist', 'index.js')];
  return candidates.find((path) => existsSync(path));
}

/** `size` workers with at least `capacity`: the warm team when it is large enough, else a new one. */
function workersFor(size: number, capacity: FitWorkers['capacity']): FitWorkers | null {
  if (team === null) return null;
  const fits = (t: FitWorkers) =>
    t.workers.length >= size &&
    t.capacity.params >= capacity.params &&
    t.capacity.groupValues >= capacity.groupValues &&
    t.capacity.textBytes >= capacity.textBytes;
  if (team && fits(team)) return team;
  stopFitWorkers();
  const library = libraryPath();
  if (!library) return null;
  const weights = new SharedArrayBuffer(8 * capacity.params);
  const text = new SharedArrayBuffer(4 + capacity.textBytes);
  const exchanges = Array.from(
    { length: size },
    () => new SharedArrayBuffer(8 * (capacity.params + 3 + capacity.groupValues)),
  );
  const started = startTeam("fit's worker threads", WORKER_SOURCE, size, (i) => ({
    library,
    weights,
    exchange: exchanges[i],
    text,
  }));
  team = started && {
    ...started,
    weights: new Float64Array(weights),
    exchanges: exchanges.map((buffer) => new Float64Array(buffer)),
    text: new Uint8Array(text),
    capacity,
  };
  return team;
}

let stepsOnWorkers = 0;

/** How many training steps workers have taken part in since the process started (for tests). */
export function fitWorkerSteps(): number {
  return stepsOnWorkers;
}

/** Stops fit's workers (the next fit that can use them starts new ones). For tests. */
export function stopFitWorkers(): void {
  if (team) stopTeam(team);
  team = undefined;
}

/** Forward multiply-adds per example, from the summary: a conv's weights meet every output position. */
function forwardWork(model: TeamModel): number {
  return model.summary().reduce((sum, row) => {
    const positions = row.outputShape.length === 3 ? row.outputShape[0] * row.outputShape[1] : 1;
    return sum + row.params * positions;
  }, 0);
}

/** fit's data-parallel steps for one fit call (see the top of this file). */
export interface FitTeam {
  /** How many groups (threads) a batch is cut into. */
  readonly groups: number;
  /**
   * One step's gradients for the examples at `picked`: `own` computes the first group's here, the
   * workers the others'. Leaves the batch's mean gradient in each parameter's grad; returns the
   * batch's mean cost and accuracy.
   */
  step(
    data: Tensor,
    labels: Labels,
    picked: number[],
    own: (picked: number[]) => { cost: number; accuracy: number },
  ): { cost: number; accuracy: number };
}

/**
 * A team for this fit, or null for fit's plain loop: one thread, a batch too small to cut, or groups too
 * small to pay for a worker (the bars in the tests), or workers not allowed.
 */
export function fitTeam(model: TeamModel, batchSize: number, exampleSize: number): FitTeam | null {
  const groups = Math.min(threadCount(), Math.floor(batchSize / 4));
  if (groups < 2) return null;
  const groupSize = Math.ceil(batchSize / groups);
  if (forwardWork(model) * Math.floor(batchSize / groups) < WORK_PER_GROUP) return null;
  const parameters = model.parameters();
  const P = parameters.reduce((n, p) => n + p.value.size, 0);
  const json = new TextEncoder().encode(JSON.stringify({ model: model.toJSON(), groupSize, exampleSize }));
  const t = workersFor(groups - 1, {
    params: P,
    groupValues: groupSize * (1 + exampleSize),
    textBytes: json.length,
  });
  if (!t) return null;
  // (an interrupted fit's worker may still be busy with its step: it reads the weights and its exchange
  // buffer, never the text, and runRound waits for it before the model is loaded and a step written)
  t.text.set(json, 4);
  new DataView(t.text.buffer).setUint32(0, json.length);
  runRound(t, LOAD, () => undefined, 'model.fit', 'loading the model');

  return {
    groups,
    step(data, labels, picked, own) {
      const n = picked.length;
      if (n < 4 * groups) return own(picked); // an epoch's last few examples: not worth cutting
      const parts = Array.from({ length: groups }, (_, g) => share(n, g, groups));
      let at = 0;
      for (const p of parameters) {
        t.weights.set(p.value.data, at); // parameters are contiguous: made by the layers, updated in place
        at += p.value.size;
      }
      const xd = data.data;
      for (let w = 0; w < t.workers.length; w++) {
        const ex = t.exchanges[w];
        const [first, count] = w + 1 < groups ? parts[w + 1] : [0, 0];
        ex[P] = count;
        for (let i = 0; i < count; i++) {
          const example = picked[first + i];
          ex[P + 3 + i] = labels[example];
          ex.set(
            xd.subarray(example * exampleSize, (example + 1) * exampleSize),
            P + 3 + groupSize + i * exampleSize,
          );
        }
      }
      const [, ownCount] = parts[0];
      stepsOnWorkers++;
      // this thread's group, its kernels on this thread: the other cores are the workers'
      const mine = runRound(
        t,
        STEP,
        () => kernelsOnThisThread(() => own(picked.slice(0, ownCount))),
        'model.fit',
        'a training step',
      );
      // the batch mean from the group means, added in group order, rounded once
      const counts = parts.map(([, count]) => count);
      let cost = counts[0] * mine.cost;
      let accuracy = counts[0] * mine.accuracy;
      for (let w = 0; w + 1 < groups; w++) {
        cost += counts[w + 1] * t.exchanges[w][P + 1];
        accuracy += counts[w + 1] * t.exchanges[w][P + 2];
      }
      at = 0;
      for (const p of parameters) {
        const grad = p.grad!.data;
        for (let i = 0; i < grad.length; i++) {
          let sum = counts[0] * grad[i];
          for (let g = 1; g < groups; g++) sum += counts[g] * t.exchanges[g - 1][at + i];
          grad[i] = sum / n;
        }
        at += grad.length;
      }
      return { cost: cost / n, accuracy: accuracy / n };
    },
  };
}
