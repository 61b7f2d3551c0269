/**
 * model.fit's training step in groups of examples, and on every core.
 *
 * A step's gradient is the mean over its batch. For a model large enough that a group pays for a thread
 * (see `groupSizeFor`), fit computes it GROUP_SIZE examples at a time and adds the groups' gradients,
 * each weighted by its size, in group order, in float64. On several threads the groups run at the same
 * time: this thread computes the first ones; each worker thread holds a replica of the model (the same
 * layers, the weights copied in before every step) and computes some of the others. The sum is then made
 * here, in the same order, and the optimizer takes its one step here. So:
 * - the weights come out the same to the last bit on any number of threads, and on any machine;
 * - every part of a step runs in parallel, the kernels and the JavaScript around them (copies, the loss,
 *   the layers' bookkeeping), where splitting single kernel calls (fast/threads.ts) leaves that
 *   JavaScript on one core.
 * A batch of at most GROUP_SIZE examples (notebook 13 trains with 32) is one group: fit's plain step,
 * the same bits as before groups existed. A larger batch gives other bits than one pass over it would,
 * within float rounding (test/fitGroups.test.ts says how close).
 *
 * The workers are a workerTeam.ts team (shared memory and Atomics: fit stays an ordinary synchronous
 * call, as a notebook expects). They start on the first fit that can use them, stay warm between fits
 * (unless their buffers are large: releaseLargeFitWorkers), never keep Node alive, and survive a Jupyter
 * interrupt; an error in a worker, or a worker that exits, becomes a ConvlabError of model.fit's, and
 * the next fit starts new workers. Where workers cannot start (the grader's permission model;
 * CONVLAB_THREADS=1) the groups run one after another here, with the same bits.
 *
 * The workers load the compiled library from dist/, also when the tests run the TypeScript sources: a
 * dist/ older than the sources would compute the workers' groups with the older code (npm test builds
 * first).
 */
import { existsSync } from 'fs';
import { join } from 'path';
import { kernelsOnThisThread, share, threadCount } from './fast/threads';
import type { Labels } from './crossEntropy';
import type { LayerSpec } from './layers';
import type { Parameter } from './optimizers';
import { DType, FloatArray, Tensor } from './tensor';
import { isStopped, runRound, settle, startTeam, stopTeam, Team } from './workerTeam';

/** Examples per group (at most). */
export const GROUP_SIZE = 32;
/**
 * Multiply-adds of one group's forward pass below which a model is not cut into groups: a group's
 * fixed costs (a kernel call per layer and pass, handing it to a worker, adding its gradients) would
 * outweigh its work. LeNet-5 does 0.42 M per example, 13 M per group.
 */
const WORK_PER_GROUP = 1 << 21;

/** What fit tells its groups about the model: enough for a worker to build a replica. */
export interface GroupedModel {
  readonly inputShape: number[];
  readonly dtype: DType;
  readonly specs: readonly LayerSpec[];
  parameters(): Parameter[];
  /** Forward multiply-adds per example. */
  readonly forwardWork: number;
}

/** One group's gradients computed on this thread: left in the parameters' grad, with cost and accuracy. */
export type GroupStep = (examples: number[]) => { cost: number; accuracy: number };

/** Examples per group for this model: GROUP_SIZE, or the whole batch for a model too small to cut. */
export function groupSizeFor(forwardWork: number): number {
  return forwardWork * GROUP_SIZE >= WORK_PER_GROUP ? GROUP_SIZE : Infinity;
}

// ---------------------------------------------------------------------------------------------------
// The workers

/** What a round asks of the workers (the COMMAND word). */
const [LOAD, STEP] = [1, 2];
/** Per slot in a worker's `info`: [first example, count, cost, accuracy]; info[0] is the slot count. */
const INFO = 4;

/**
 * A worker, after workerTeam.ts's prelude: loads the library's model code from dist/, then each round
 * either builds a replica of the model (LOAD: its description as JSON in `text`, [length as uint32,
 * UTF-8 bytes]) or computes its groups' gradients (STEP), one per slot, each written to its own slot.
 */
const WORKER_SOURCE = `
const { library, command, weights, grads, examples, labels, info, text } = require('worker_threads').workerData;
const { sequential } = require(library + '/cnn/sequential.js');
const { fromData } = require(library + '/cnn/tensor.js');
require(library + '/cnn/fast/threads.js').setThreads(1); // this worker is one of fit's threads already
const slots = new Float64Array(info);
const y = new Int32Array(labels);
let model = null, params = [], P = 0, E = 0, W = null, G = null, X = null;
TEAM.ready();
TEAM.serve(() => {
  if (Atomics.load(new Int32Array(command), 0) === ${LOAD}) {
    const length = new DataView(text).getUint32(0);
    const json = JSON.parse(new TextDecoder().decode(new Uint8Array(text, 4, length).slice()));
    model = sequential(json.inputShape, json.layers, { dtype: json.dtype });
    params = model.parameters();
    P = params.reduce((n, p) => n + p.value.size, 0);
    E = json.inputShape.reduce((n, d) => n * d, 1);
    const F = json.dtype === 'float64' ? Float64Array : Float32Array;
    [W, G, X] = [new F(weights, 0, P), new F(grads), new F(examples)];
    return;
  }
  if (slots[0] === 0) return; // a team larger than this step needs
  let at = 0;
  for (const p of params) {
    p.value.data.set(W.subarray(at, at + p.value.size));
    at += p.value.size;
  }
  for (let s = 0; s < slots[0]; s++) {
    const [first, count] = [slots[1 + ${INFO} * s], slots[2 + ${INFO} * s]];
    const batch = fromData(X.subarray(first * E, (first + count) * E), [count, ...model.inputShape]);
    const { cost, accuracy } = model.gradientStep(batch, y.subarray(first, first + count));
    slots[3 + ${INFO} * s] = cost;
    slots[4 + ${INFO} * s] = accuracy;
    at = s * P;
    for (const p of params) {
      G.set(p.grad.data.subarray(0, p.value.size), at);
      at += p.value.size;
    }
  }
});
`;

/** What each worker's buffers hold at most; a fit that needs more of any starts a team with the larger of each. */
interface Capacity {
  /** The weights (P values), and the gradients of `slots` groups. */
  weightBytes: number;
  slots: number;
  /** Examples a worker takes per step, and the bytes of that many. */
  examples: number;
  exampleBytes: number;
  textBytes: number;
}

interface FitTeam extends Team {
  command: Int32Array;
  /** The weights as this thread has them before the step (shared by every worker). */
  weights: SharedArrayBuffer;
  /** Per worker: its groups' gradients, examples, labels, and info (see INFO). */
  grads: SharedArrayBuffer[];
  examples: SharedArrayBuffer[];
  labels: Int32Array[];
  info: Float64Array[];
  text: Uint8Array;
  capacity: Capacity;
  /** The description of the replica the workers hold now (JSON), so that a fit reloads only on change. */
  loaded: string | null;
}

let team: FitTeam | null | undefined; // undefined: none yet; null: workers cannot start here
let teamsStarted = 0;

/** How many times fit's team has been started since the process started (for tests). */
export function fitTeamStarts(): number {
  return teamsStarted;
}

/** The directory of the compiled library (dist/), which the workers load, also when tests run the sources. */
function libraryPath(): string | undefined {
  const candidates = [join(__dirname, '..'), join(__dirname, '..', '..', 'dist')];
  return candidates.find((path) => existsSync(join(path, 'cnn', 'sequential.js')));
}

/** `size` workers with at least `capacity`: the warm team if it is large enough, else a new one. */
function workersFor(size: number, capacity: Capacity): FitTeam | null {
  if (team === null) return null;
  const fits = (t: FitTeam) =>
    t.workers.length >= size &&
    (Object.keys(capacity) as (keyof Capacity)[]).every((key) => t.capacity[key] >= capacity[key]);
  if (team && !isStopped(team) && fits(team)) return team;
  // the larger of each, so that fits of two sizes in turn (one inside another's onBatch) share a team
  if (team) {
    for (const key of Object.keys(capacity) as (keyof Capacity)[]) {
      capacity[key] = Math.max(capacity[key], team.capacity[key]);
    }
  }
  stopFitWorkers();
  const library = libraryPath();
  if (!library) return null;
  let buffers;
  try {
    const make = (bytes: number) => Array.from({ length: size }, () => new SharedArrayBuffer(bytes));
    buffers = {
      command: new SharedArrayBuffer(4),
      weights: new SharedArrayBuffer(capacity.weightBytes),
      text: new SharedArrayBuffer(4 + capacity.textBytes),
      grads: make(capacity.slots * capacity.weightBytes),
      examples: make(capacity.exampleBytes),
      labels: make(4 * capacity.examples),
      info: make(8 * (1 + INFO * capacity.slots)),
    };
  } catch {
    return null; // more memory than this machine gives (a huge model or batch): the groups run here
  }
  const { command, weights, text, grads, examples, labels, info } = buffers;
  teamsStarted++;
  const started = startTeam("fit's worker threads", WORKER_SOURCE, size, (i) => ({
    library,
    command,
    weights,
    grads: grads[i],
    examples: examples[i],
    labels: labels[i],
    info: info[i],
    text,
  }));
  team = started && {
    ...started,
    command: new Int32Array(command),
    weights,
    grads,
    examples,
    labels: labels.map((buffer) => new Int32Array(buffer)),
    info: info.map((buffer) => new Float64Array(buffer)),
    text: new Uint8Array(text),
    capacity,
    loaded: null,
  };
  return team;
}

/** Stops fit's workers (the next fit that can use them starts new ones). For tests. */
export function stopFitWorkers(): void {
  // forgotten first: an interrupt in the middle of stopping must not leave a stopped team in use
  const stopping = team;
  team = undefined;
  if (stopping) stopTeam(stopping);
}

/** Bytes of shared buffers above which fit's team is let go when its fit ends, not kept warm. */
const KEEP_BYTES = 64 << 20;

/**
 * Called as a fit ends: a team whose buffers hold more than KEEP_BYTES (a large model, or a large batch:
 * each worker keeps a gradient per group it takes) is stopped, so that its memory is given back; the
 * next fit starts another (a few hundred ms). LeNet at batch 64 keeps 0.6 MB.
 */
export function releaseLargeFitWorkers(): void {
  if (!team) return;
  const { weightBytes, slots, exampleBytes, examples } = team.capacity;
  const perWorker = slots * weightBytes + exampleBytes + 4 * examples;
  if (weightBytes + team.workers.length * perWorker > KEEP_BYTES) stopFitWorkers();
}

let stepsOnWorkers = 0;

/** How many training steps workers have taken part in since the process started (for tests). */
export function fitWorkerSteps(): number {
  return stepsOnWorkers;
}

// ---------------------------------------------------------------------------------------------------
// A step in groups

/**
 * The gradient sum of one step: each group's gradients, weighted by its size, added in group order in
 * float64, then divided by the batch size into the parameters' grad. The first group is stored, not
 * added, and the last is added as the mean is written: one pass over the weights each.
 */
class GroupSum {
  private readonly sums: Float64Array;
  private cost = 0;
  private accuracy = 0;
  private added = 0;
  private groups = 0;

  constructor(private readonly parameters: Parameter[]) {
    this.sums = new Float64Array(parameters.reduce((n, p) => n + p.value.size, 0));
  }

  /** A new step, of `groups` groups. */
  start(groups: number): void {
    this.groups = groups;
    this.added = 0;
  }

  /**
   * The next group's (in group order): its gradients are from[at…], parameter after parameter, or, with
   * `from` null, each parameter's grad. After the last group, each parameter's grad holds the batch mean
   * over the n examples.
   */
  add(count: number, result: { cost: number; accuracy: number }, n: number, from: FloatArray | null, at = 0) {
    const { sums, parameters } = this;
    const first = this.added === 0;
    const last = ++this.added === this.groups;
    this.cost = first ? count * result.cost : this.cost + count * result.cost;
    this.accuracy = first ? count * result.accuracy : this.accuracy + count * result.accuracy;
    let to = 0;
    for (const p of parameters) {
      const size = p.value.size;
      const values = from ?? p.grad!.data;
      const offset = from ? at + to : 0;
      const grad = p.grad!.data;
      if (first) for (let i = 0; i < size; i++) sums[to + i] = count * values[offset + i];
      else if (!last) for (let i = 0; i < size; i++) sums[to + i] += count * values[offset + i];
      else for (let i = 0; i < size; i++) grad[i] = (sums[to + i] + count * values[offset + i]) / n;
      to += size;
    }
  }

  /** The batch's mean cost and accuracy, once every group is in. */
  finish(n: number): { cost: number; accuracy: number } {
    return { cost: this.cost / n, accuracy: this.accuracy / n };
  }
}

/**
 * fit's step for one fit call, or null where every batch is one group (a model too small to cut, or a
 * batch of at most GROUP_SIZE): then fit's plain step is the step. `batchSize` is the largest batch the
 * fit takes (its batchSize, or all the examples when there are fewer): the team is sized by it.
 */
export function fitGroups(
  model: GroupedModel,
  batchSize: number,
):
  | ((data: Tensor, labels: Labels, picked: number[], own: GroupStep) => { cost: number; accuracy: number })
  | null {
  const groupSize = groupSizeFor(model.forwardWork);
  if (batchSize <= groupSize) return null;
  const parameters = model.parameters();
  const P = parameters.reduce((n, p) => n + p.value.size, 0);
  const E = model.inputShape.reduce((n, d) => n * d, 1);
  const bytes = model.dtype === 'float64' ? 8 : 4;
  const description = JSON.stringify({
    inputShape: model.inputShape,
    dtype: model.dtype,
    layers: model.specs,
  });
  const json = new TextEncoder().encode(description);
  const sum = new GroupSum(parameters);

  return (data, labels, picked, own) => {
    const n = picked.length;
    const groups = Math.ceil(n / groupSize);
    if (groups === 1) return own(picked);
    sum.start(groups);
    const parts = Array.from({ length: groups }, (_, g) => share(n, g, groups));
    const examplesOf = (g: number) => picked.slice(parts[g][0], parts[g][0] + parts[g][1]);
    // the team is sized for a full batch, so that an epoch's shorter last batch uses part of it
    const fullGroups = Math.ceil(batchSize / groupSize);
    const fitThreads = Math.min(threadCount(), fullGroups);
    const threads = Math.min(fitThreads, groups);
    // the most groups any thread takes (share hands out ⌊G/T⌋ or ⌈G/T⌉)
    const slots = Math.ceil(fullGroups / fitThreads);
    const t =
      threads > 1
        ? workersFor(fitThreads - 1, {
            weightBytes: P * bytes,
            slots,
            examples: slots * groupSize,
            exampleBytes: slots * groupSize * E * bytes,
            textBytes: json.length,
          })
        : null;
    if (!t) {
      for (let g = 0; g < groups; g++) sum.add(parts[g][1], own(examplesOf(g)), n, null);
      return sum.finish(n);
    }
    settle(t); // an interrupted step's workers may still be reading what is written next
    if (t.loaded !== description) {
      t.text.set(json, 4);
      new DataView(t.text.buffer).setUint32(0, json.length);
      Atomics.store(t.command, 0, LOAD);
      t.loaded = null; // until the round is over: an interrupt in between leaves it unknown
      runRound(t, () => undefined, 'model.fit', 'building the model on a worker thread');
      t.loaded = description;
    }
    const weights =
      model.dtype === 'float64' ? new Float64Array(t.weights, 0, P) : new Float32Array(t.weights, 0, P);
    let at = 0;
    for (const p of parameters) {
      weights.set(p.value.data.subarray(0, p.value.size), at); // contiguous: made by the layers, updated in place
      at += p.value.size;
    }
    const xd = data.data;
    for (let w = 0; w < t.workers.length; w++) {
      const info = t.info[w];
      const [firstGroup, count] = w + 1 < threads ? share(groups, w + 1, threads) : [0, 0];
      const x = model.dtype === 'float64' ? new Float64Array(t.examples[w]) : new Float32Array(t.examples[w]);
      info[0] = count;
      let row = 0;
      for (let s = 0; s < count; s++) {
        const [first, size] = parts[firstGroup + s];
        info[1 + INFO * s] = row;
        info[2 + INFO * s] = size;
        for (let i = 0; i < size; i++, row++) {
          const example = picked[first + i];
          t.labels[w][row] = labels[example];
          x.set(xd.subarray(example * E, (example + 1) * E), row * E);
        }
      }
    }
    Atomics.store(t.command, 0, STEP);
    stepsOnWorkers++;
    const [, mine] = share(groups, 0, threads);
    // this thread's groups, its kernels on this thread: the other cores are the workers'
    runRound(
      t,
      () =>
        kernelsOnThisThread(() => {
          for (let g = 0; g < mine; g++) sum.add(parts[g][1], own(examplesOf(g)), n, null);
        }),
      'model.fit',
      'a training step',
    );
    for (let w = 0; w + 1 < threads; w++) {
      const info = t.info[w];
      const grads = model.dtype === 'float64' ? new Float64Array(t.grads[w]) : new Float32Array(t.grads[w]);
      for (let s = 0; s < info[0]; s++) {
        const result = { cost: info[3 + INFO * s], accuracy: info[4 + INFO * s] };
        sum.add(info[2 + INFO * s], result, n, grads, s * P);
      }
    }
    return sum.finish(n);
  };
}
