/**
 * `npm run bench`: convlab's conv/pool kernels against peers, all measured in ONE run on the same inputs.
 *
 *   lib        the library as a notebook calls it (SIMD WebAssembly kernels; W5/epoch through the model API),
 *              on one thread (setThreads(1))
 *   lib×2      the same on two threads (setThreads(2)), measured run by run alternating with lib; the
 *              second table compares the two
 *   reference  the library's teaching loops (conv2dReference, pool2dReference, dense's loops)
 *   tfjs-cpu   @tensorflow/tfjs-backend-cpu (pure JavaScript)
 *   tfjs-wasm  @tensorflow/tfjs-backend-wasm, SIMD build from node_modules (XNNPACK), one thread
 *
 * Workloads: W1 a 512×512 grayscale image and a 3×3 Sobel filter (pad 1); W2 64×32×32×3, 8 filters 5×5;
 * W3 64×14×14×8, 16 filters 5×5; W4 conv 6@5×5 same + 2×2 max-pool on 64×28×28×1; W5 one LeNet-5
 * training step at batch 64 (forward, backward, SGD update); E one epoch over the 10,000 digits of the
 * `mnist` package at batch 64. Prints a table (median ms and the number of runs, GFLOP/s, ratios) and writes
 * build/bench.json. W5ops leaves out the gradient with respect to the images, as tfjs's variableGrads does;
 * the model API (W5, E) computes it, as `model.backward` returns it (the first conv layer's dX).
 * Ratios are peer time / lib time: above 1 means the library is faster.
 *
 * The second table: every workload on 1 and 2 threads, each as a fraction of this machine's WebAssembly
 * SIMD peak (assembly/bench/peak.ts, a multiply-add loop with nothing to load, measured here on one thread; two
 * threads' peak is twice that), and PyTorch on 1 and 2 threads (bench/torch_bench.py, run by this
 * bench when a Python with torch is found: build/torch-venv, then python3; the output says when not).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients'; // the tfjs umbrella package does this
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { cpus } from 'os';
import { Worker } from 'worker_threads';
import { dirname, join } from 'path';
import * as cl from '../src/index';
import { registerWasmConv2DBackpropFilter } from './wasmBackpropFilter';

type Peer = 'lib' | 'lib×2' | 'reference' | 'tfjs-cpu' | 'tfjs-wasm' | 'torch' | 'torch×2';
/** The peers of the first table (the second adds lib×2, torch and torch×2). */
const PEERS: Peer[] = ['lib', 'reference', 'tfjs-cpu', 'tfjs-wasm'];
/**
 * Every measured number is the median of at least 10 runs after warm-up. The slow peers (a tfjs-cpu
 * LeNet step takes seconds) and the epochs get one warm-up and 10 runs, to keep the whole bench within
 * a few minutes.
 */
const SLOW: Peer[] = ['reference', 'tfjs-cpu'];
const RUNS = { fast: { warmup: 3, runs: 15 }, slow: { warmup: 1, runs: 10 }, epoch: { warmup: 1, runs: 10 } };
/**
 * Warm-up lasts at least this long as well. V8 first runs WebAssembly (ours and tfjs-wasm's) through
 * its baseline compiler and swaps in optimised code only after a function has run for a while: a
 * 2.6 ms conv measured after 3 calls is a 1.9 ms conv after 35, and on this 2-core machine the swap
 * has been seen to take up to half a second (W4). The steady state is what a training
 * loop sees, so every peer is measured there.
 */
const WARMUP_MS = 1000;

interface Result {
  workload: string;
  peer: Peer;
  /** Median milliseconds per run (or the estimate, see `estimated`). */
  ms: number | null;
  runs: number;
  gflops: number | null;
  note?: string;
  estimated?: boolean;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function measure(
  peer: Peer,
  run: () => void,
  counts = SLOW.includes(peer) ? RUNS.slow : RUNS.fast,
): { ms: number; runs: number } {
  const warmupStart = now();
  for (let i = 0; i < counts.warmup || now() - warmupStart < WARMUP_MS; i++) run();
  const times: number[] = [];
  for (let i = 0; i < counts.runs; i++) {
    const start = now();
    run();
    times.push(now() - start);
  }
  return { ms: median(times), runs: counts.runs };
}

/**
 * Measures `run` with the library on one thread ('lib') and on two ('lib×2'), alternating: this machine's
 * speed swings for seconds at a time, and lib/lib×2 means something only when both saw the same moments.
 * After each switch one run is not timed, so that a timed run on two threads finds its worker awake, as
 * in a training loop (a worker sleeps 1 ms after its last round: workerTeam.ts).
 */
function measureLib(
  run: () => void,
  counts = RUNS.fast,
): Record<'lib' | 'lib×2', { ms: number; runs: number }> {
  const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const warmupStart = now();
  for (let i = 0; i < counts.warmup || now() - warmupStart < WARMUP_MS; i++) {
    for (const threads of [1, 2] as const) {
      cl.setThreads(threads);
      run();
    }
  }
  for (let i = 0; i < counts.runs; i++) {
    for (const threads of [1, 2] as const) {
      cl.setThreads(threads);
      run(); // after the switch, untimed
      const start = now();
      run();
      times[threads].push(now() - start);
    }
  }
  cl.setThreads(1);
  return {
    lib: { ms: median(times[1]), runs: counts.runs },
    'lib×2': { ms: median(times[2]), runs: counts.runs },
  };
}

/**
 * This machine's WebAssembly SIMD peak in GFLOP/s: assembly/bench/peak.ts compiled with asc; after half
 * a second of short calls (V8 swaps in its optimised code between calls, never within one), the best of
 * 20 calls of 10^7 steps, each step 12 vectors × (a multiply and an add) × 4 lanes. `one` on this thread
 * alone; `two` is the sum of this thread's and a worker's, running the same calls at the same moment:
 * what the machine gives two threads now (a virtual machine's two cores may share one physical core, or
 * the host may be busy), against which lib×2 and torch×2 are read.
 */
function simdPeak(): { one: number; two: number } {
  const out = join(__dirname, '..', 'build', 'peak.wasm');
  const source = join(__dirname, '..', 'assembly', 'bench', 'peak.ts');
  const flags = ['-O3', '--runtime', 'stub', '--use', 'abort=', '--enable', 'simd'];
  const asc = spawnSync(
    process.execPath,
    [require.resolve('assemblyscript/bin/asc'), source, '--outFile', out, ...flags],
    {
      encoding: 'utf8',
    },
  );
  if (asc.status !== 0) throw new Error(`bench: compiling assembly/bench/peak.ts failed: ${asc.stderr}`);
  const bytes = readFileSync(out);
  // the same measurement, as source text so that a worker runs it too; it returns GFLOP/s
  const measure = `(bytes) => {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const multiplyAdd = instance.exports.multiplyAdd;
    for (const start = performance.now(); performance.now() - start < 500; ) multiplyAdd(1e5);
    const steps = 1e7;
    let best = 0;
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      multiplyAdd(steps);
      best = Math.max(best, (steps * 12 * 8) / (performance.now() - start) / 1e6);
    }
    return best;
  }`;
  const run = eval(measure) as (bytes: Uint8Array) => number;
  const one = run(bytes);
  // [go, done, result as float64 bits]: the worker starts when this thread does, and reports back
  const shared = new SharedArrayBuffer(16);
  const worker = new Worker(
    `const { workerData } = require('worker_threads');
     const flags = new Int32Array(workerData.shared, 0, 2);
     Atomics.wait(flags, 0, 0);
     new Float64Array(workerData.shared, 8, 1)[0] = (${measure})(workerData.bytes);
     Atomics.store(flags, 1, 1);
     Atomics.notify(flags, 1);`,
    { eval: true, workerData: { shared, bytes } },
  );
  const control = new Int32Array(shared, 0, 2);
  Atomics.store(control, 0, 1);
  Atomics.notify(control, 0);
  const mine = run(bytes);
  Atomics.wait(control, 1, 0, 60_000);
  const theirs = new Float64Array(shared, 8, 1)[0];
  void worker.terminate();
  return { one, two: mine + theirs };
}

/**
 * PyTorch's times (ms by workload) on `threads` threads from bench/torch_bench.py, or a sentence saying
 * why there are none.
 */
function torchTimes(threads: number): { version: string; ms: Record<string, number> } | string {
  const venv = join(__dirname, '..', 'build', 'torch-venv', 'bin', 'python');
  const python = existsSync(venv) ? venv : 'python3';
  const result = spawnSync(
    python,
    [join(__dirname, 'torch_bench.py'), '--threads', String(threads), '--json'],
    {
      encoding: 'utf8',
    },
  );
  const line = (result.stdout ?? '').trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('{')) {
    return (
      `PyTorch absent (${python}: ${line || result.stderr || result.error}); install it with ` +
      `python3 -m venv build/torch-venv && build/torch-venv/bin/pip install torch`
    );
  }
  const parsed = JSON.parse(line) as { torch: string; ms: Record<string, number> };
  return { version: parsed.torch, ms: parsed.ms };
}

// ---------------------------------------------------------------------------------------------------
// Inputs, shared by every peer

const convFlops = (outputs: number, f: number, C: number): number => 2 * outputs * f * f * C;

const sobel = cl.tensor([
  [[[-1]], [[0]], [[1]]],
  [[[-2]], [[0]], [[2]]],
  [[[-1]], [[0]], [[1]]],
]); // (3,3,1,1)

interface ConvWorkload {
  name: string;
  description: string;
  x: cl.Tensor;
  W: cl.Tensor;
  b: cl.Tensor | null;
  pad: number;
  pool: boolean;
}

const convWorkloads: ConvWorkload[] = [
  {
    name: 'W1',
    description: 'Sobel 3×3 on one 512×512 image',
    x: cl.rand([1, 512, 512, 1], 1),
    W: sobel,
    b: null,
    pad: 1,
    pool: false,
  },
  {
    name: 'W2',
    description: 'conv 8@5×5 on 64×32×32×3',
    x: cl.randn([64, 32, 32, 3], 2),
    W: cl.randn([5, 5, 3, 8], 3, 0.1),
    b: cl.randn([8], 4, 0.1),
    pad: 0,
    pool: false,
  },
  {
    name: 'W3',
    description: 'conv 16@5×5 on 64×14×14×8',
    x: cl.randn([64, 14, 14, 8], 5),
    W: cl.randn([5, 5, 8, 16], 6, 0.1),
    b: cl.randn([16], 7, 0.1),
    pad: 0,
    pool: false,
  },
  {
    name: 'W4',
    description: 'conv 6@5×5 same + max-pool 2 on 64×28×28×1',
    x: cl.rand([64, 28, 28, 1], 8),
    W: cl.randn([5, 5, 1, 6], 9, 0.2),
    b: cl.randn([6], 10, 0.1),
    pad: 2,
    pool: true,
  },
];

function convWorkloadFlops(w: ConvWorkload): number {
  const [m, H, Wd, C] = w.x.shape;
  const [f, , , K] = w.W.shape;
  const outH = cl.outputSize(H, f, w.pad, 1);
  const outW = cl.outputSize(Wd, f, w.pad, 1);
  return convFlops(m * outH * outW * K, f, C);
}

const BATCH = 64;
const LEARNING_RATE = 0.05;
const mnist = cl.loadMnist({ train: cl.MNIST_SIZE, test: 0, seed: 0 });
const digits = mnist.trainX; // (10000,28,28,1), pixels in [0,1]
const labels = mnist.trainY;
const batchX = cl.fromData(digits.data.slice(0, BATCH * 784), [BATCH, 28, 28, 1]);
if (!(labels instanceof Int32Array)) throw new Error('bench: loadMnist labels are expected as an Int32Array');
const batchY = labels.slice(0, BATCH);

/** LeNet-5 as the lecture draws it (conv layers with relu, max-pool 2, three dense layers). */
function lenet(): cl.Model {
  return cl.lenet5({ seed: 0 });
}

/** Multiply-adds ×2 of one forward pass per example; a training step counts 3× (forward, dX, dW). */
const LENET_FORWARD_FLOPS =
  convFlops(28 * 28 * 6, 5, 1) + convFlops(10 * 10 * 16, 5, 6) + 2 * (400 * 120 + 120 * 84 + 84 * 10);
const STEP_FLOPS = 3 * BATCH * LENET_FORWARD_FLOPS;
const EPOCH_STEPS = Math.ceil(cl.MNIST_SIZE / BATCH);
const EPOCH_FLOPS = 3 * cl.MNIST_SIZE * LENET_FORWARD_FLOPS;

/** The initial LeNet weights, so that every peer starts from the same numbers. */
const initialParameters = lenet()
  .parameters()
  .map((p) => ({ name: p.name, shape: p.value.shape.slice(), values: Float32Array.from(p.value.data) }));

// ---------------------------------------------------------------------------------------------------
// A LeNet step written with the library's ops directly: with the reference loops (there is no reference
// model), and with the fast ops plus dense on `matmul` (what the model API gives once dense uses matmul)

interface Ops {
  conv2d: typeof cl.conv2d;
  conv2dBackward: typeof cl.conv2dBackward;
  /** The first layer's gradients: only dW and db (nothing uses dX of the images). */
  conv2dWeightGradients: typeof cl.conv2dWeightGradients;
  pool2d: typeof cl.pool2d;
  pool2dBackward: typeof cl.pool2dBackward;
  dense: typeof cl.dense;
  denseBackward: typeof cl.denseBackward;
}

const referenceOps: Ops = {
  conv2d: cl.conv2dReference,
  conv2dBackward: cl.conv2dBackwardReference,
  conv2dWeightGradients: cl.conv2dBackwardReference, // the reference has no shortcut: it computes dX too
  pool2d: cl.pool2dReference,
  pool2dBackward: cl.pool2dBackwardReference,
  dense: cl.dense,
  denseBackward: cl.denseBackward,
};

/** Z = x·W + b on the GEMM kernel. */
function denseOnMatmul(x: cl.Tensor, W: cl.Tensor, b: cl.Tensor): cl.Tensor {
  const z = cl.matmul(x, W);
  const [m, u] = z.shape;
  for (let i = 0; i < m; i++) for (let j = 0; j < u; j++) z.data[i * u + j] += b.data[j];
  return z;
}

function denseBackwardOnMatmul(dZ: cl.Tensor, x: cl.Tensor, W: cl.Tensor): cl.DenseGradients {
  const [m, u] = dZ.shape;
  const db = cl.zeros([u]);
  for (let i = 0; i < m; i++) for (let j = 0; j < u; j++) db.data[j] += dZ.data[i * u + j];
  return { dX: cl.matmul(dZ, W, { transposeB: true }), dW: cl.matmul(x, dZ, { transposeA: true }), db };
}

const fastOps: Ops = {
  conv2d: cl.conv2d,
  conv2dBackward: cl.conv2dBackward,
  conv2dWeightGradients: cl.conv2dWeightGradients,
  pool2d: cl.pool2d,
  pool2dBackward: cl.pool2dBackward,
  dense: denseOnMatmul,
  denseBackward: denseBackwardOnMatmul,
};

function lenetStepWithOps(ops: Ops): (x: cl.Tensor, y: Int32Array) => void {
  const params = initialParameters.map((p) => cl.fromData(Float32Array.from(p.values), p.shape));
  const [W1, b1, W2, b2, W3, b3, W4, b4, W5, b5] = params;
  const pool = { size: 2 };
  return (x, y) => {
    const m = x.shape[0];
    const z1 = ops.conv2d(x, W1, b1, { pad: 'same' });
    const a1 = cl.relu(z1);
    const p1 = ops.pool2d(a1, pool);
    const z2 = ops.conv2d(p1, W2, b2);
    const a2 = cl.relu(z2);
    const p2 = ops.pool2d(a2, pool);
    const flat = cl.reshape(p2, [m, 400]);
    const z3 = ops.dense(flat, W3, b3);
    const a3 = cl.relu(z3);
    const z4 = ops.dense(a3, W4, b4);
    const a4 = cl.relu(z4);
    const probs = cl.softmax(ops.dense(a4, W5, b5));
    const d5 = ops.denseBackward(cl.softmaxCrossEntropyBackward(probs, y), a4, W5, b5);
    const d4 = ops.denseBackward(cl.reluBackward(d5.dX, z4), a3, W4, b4);
    const d3 = ops.denseBackward(cl.reluBackward(d4.dX, z3), flat, W3, b3);
    const dP2 = cl.reshape(d3.dX, p2.shape);
    const d2 = ops.conv2dBackward(cl.reluBackward(ops.pool2dBackward(dP2, a2, pool), z2), p1, W2, b2);
    const d1 = ops.conv2dWeightGradients(
      cl.reluBackward(ops.pool2dBackward(d2.dX, a1, pool), z1),
      x,
      W1,
      b1,
      {
        pad: 'same',
      },
    );
    const grads = [d1.dW, d1.db, d2.dW, d2.db, d3.dW, d3.db, d4.dW, d4.db, d5.dW, d5.db];
    params.forEach((p, i) => {
      const g = grads[i].data;
      for (let j = 0; j < p.data.length; j++) p.data[j] -= LEARNING_RATE * g[j];
    });
  };
}

// ---------------------------------------------------------------------------------------------------
// tfjs: the same workloads with tf ops; training with tf.variableGrads and tf.train.sgd

function tfTensor(t: cl.Tensor): tf.Tensor {
  return tf.tensor(Float32Array.from(cl.contiguous(t).data), t.shape);
}

function tfConv(w: ConvWorkload): { run: () => void; dispose: () => void } {
  const x = tfTensor(w.x) as tf.Tensor4D;
  const filter = tfTensor(w.W) as tf.Tensor4D;
  const bias = w.b ? (tfTensor(w.b) as tf.Tensor1D) : undefined;
  const pad = w.pad === 0 ? 'valid' : 'same'; // W1 and W4 pad (f − 1)/2, which is tfjs's 'same'
  return {
    run: () => {
      const z = tf.fused.conv2d({ x, filter, bias, strides: 1, pad });
      const out = w.pool ? tf.maxPool(z, 2, 2, 'valid') : z;
      if (out !== z) z.dispose();
      out.dispose();
    },
    dispose: () => tf.dispose([x, filter, ...(bias ? [bias] : [])]),
  };
}

interface TfLenet {
  step(x: tf.Tensor4D, y: tf.Tensor2D): void;
  dispose(): void;
}

function tfLenet(): TfLenet {
  const vars = initialParameters.map((p, i) =>
    tf.variable(tf.tensor(p.values, p.shape), true, `lenet${i}_${tf.util.now()}`),
  );
  const [W1, b1, W2, b2, W3, b3, W4, b4, W5, b5] = vars as tf.Variable[];
  const optimizer = tf.train.sgd(LEARNING_RATE);
  const loss = (x: tf.Tensor4D, y: tf.Tensor2D) => (): tf.Scalar => {
    const a1 = tf.relu(tf.add(tf.conv2d(x, W1 as tf.Tensor4D, 1, 'same'), b1));
    const p1 = tf.maxPool(a1 as tf.Tensor4D, 2, 2, 'valid');
    const a2 = tf.relu(tf.add(tf.conv2d(p1, W2 as tf.Tensor4D, 1, 'valid'), b2));
    const p2 = tf.maxPool(a2 as tf.Tensor4D, 2, 2, 'valid');
    const flat = tf.reshape(p2, [x.shape[0], 400]);
    const a3 = tf.relu(tf.add(tf.matMul(flat, W3 as tf.Tensor2D), b3));
    const a4 = tf.relu(tf.add(tf.matMul(a3 as tf.Tensor2D, W4 as tf.Tensor2D), b4));
    const logits = tf.add(tf.matMul(a4 as tf.Tensor2D, W5 as tf.Tensor2D), b5);
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  return {
    step(x, y) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(loss(x, y));
        optimizer.applyGradients(grads);
      });
    },
    dispose() {
      vars.forEach((v) => v.dispose());
      optimizer.dispose();
    },
  };
}

/** The registered wasm Conv2DBackpropFilter must give the library's dW, or its timing means nothing. */
function checkBackpropFilter(): void {
  for (const [pad, padName] of [
    [2, 'same'],
    [0, 'valid'],
  ] as const) {
    const x = cl.randn([3, 9, 9, 2], 11);
    const W = cl.randn([5, 5, 2, 4], 12);
    const dZ = cl.randn(cl.conv2d(x, W, null, { pad }).shape, 13);
    const want = cl.conv2dBackward(dZ, x, W, null, { pad }).dW.data;
    const got = tf.tidy(() => {
      const xT = tfTensor(x) as tf.Tensor4D;
      const dZT = tfTensor(dZ);
      // J = Σ conv2d(x, W)·dZ, so ∂J/∂W is conv2dBackward's dW; tfjs's gradient runs Conv2DBackpropFilter
      return tf
        .grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xT, w as tf.Tensor4D, 1, padName), dZT)))(tfTensor(W))
        .dataSync();
    });
    const worst = Math.max(
      ...Array.from(got, (v: number, i) => Math.abs(v - want[i]) / (1 + Math.abs(want[i]))),
    );
    if (!(worst < 1e-4))
      throw new Error(`bench: the wasm Conv2DBackpropFilter is wrong (pad ${padName}, error ${worst})`);
  }
}

// ---------------------------------------------------------------------------------------------------

async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`bench: tfjs backend ${name} did not start`);
  await tf.ready();
}

async function main(): Promise<void> {
  const started = now();
  const results: Result[] = [];
  const record = (r: Result): void => {
    results.push(r);
    const ms = r.ms === null ? 'n/a' : `${r.ms.toFixed(r.ms < 10 ? 2 : 1)} ms`;
    process.stderr.write(
      `  ${r.workload} ${r.peer}: ${ms}${r.estimated ? ' (estimated)' : ''} ${r.note ?? ''}\n`,
    );
  };
  process.stderr.write(`convlab bench (fast kernels loaded: ${cl.fastKernelsAvailable()})\n`);
  if (!cl.fastKernelsAvailable())
    throw new Error('bench: the SIMD kernels are not built; run `npm run build:wasm`');
  setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  registerWasmConv2DBackpropFilter();
  await useBackend('wasm');
  checkBackpropFilter();
  const backends = [
    ['cpu', 'tfjs-cpu'],
    ['wasm', 'tfjs-wasm'],
  ] as const;

  // Every peer runs a workload before the next workload starts, so that load from other processes on a
  // shared machine falls on all peers alike.
  for (const w of convWorkloads) {
    const flops = convWorkloadFlops(w);
    const lib = measureLib(() => {
      const z = cl.conv2d(w.x, w.W, w.b, { pad: w.pad });
      if (w.pool) cl.pool2d(z, { size: 2 });
    });
    for (const peer of ['lib', 'lib×2'] as const) {
      record({ workload: w.name, peer, ...lib[peer], gflops: flops / lib[peer].ms / 1e6 });
    }
    const reference = measure('reference', () => {
      const z = cl.conv2dReference(w.x, w.W, w.b, { pad: w.pad });
      if (w.pool) cl.pool2dReference(z, { size: 2 });
    });
    record({ workload: w.name, peer: 'reference', ...reference, gflops: flops / reference.ms / 1e6 });
    for (const [backend, peer] of backends) {
      await useBackend(backend);
      const { run, dispose } = tfConv(w);
      const m = measure(peer, run);
      dispose();
      record({ workload: w.name, peer, ...m, gflops: flops / m.ms / 1e6 });
    }
  }

  // W5: one training step
  const model = lenet();
  const optimizer = cl.sgd({ learningRate: LEARNING_RATE });
  const lib5 = measureLib(() => {
    model.forward(batchX);
    model.backward(batchY);
    optimizer.step(model.parameters());
  });
  const opsStep = lenetStepWithOps(fastOps);
  const ops5 = measureLib(() => opsStep(batchX, batchY));
  for (const peer of ['lib', 'lib×2'] as const) {
    record({
      workload: 'W5',
      peer,
      ...lib5[peer],
      gflops: STEP_FLOPS / lib5[peer].ms / 1e6,
      note: 'model API: sequential forward/backward + sgd',
    });
    record({
      workload: 'W5ops',
      peer,
      ...ops5[peer],
      gflops: STEP_FLOPS / ops5[peer].ms / 1e6,
      note: 'ops: conv2d, pool2d, relu, dense on matmul',
    });
  }
  const referenceStep = lenetStepWithOps(referenceOps);
  const ref5 = measure('reference', () => referenceStep(batchX, batchY));
  for (const workload of ['W5', 'W5ops']) {
    record({ workload, peer: 'reference', ...ref5, gflops: STEP_FLOPS / ref5.ms / 1e6 });
  }
  const tfStep: Partial<Record<Peer, { ms: number; runs: number }>> = {};
  for (const [backend, peer] of backends) {
    await useBackend(backend);
    const net = tfLenet();
    const x = tfTensor(batchX) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d(batchY, 'int32'), 10) as tf.Tensor2D;
    const m = measure(peer, () => net.step(x, y));
    tf.dispose([x, y]);
    net.dispose();
    tfStep[peer] = m;
    for (const workload of ['W5', 'W5ops']) {
      record({
        workload,
        peer,
        ...m,
        gflops: STEP_FLOPS / m.ms / 1e6,
        note: peer === 'tfjs-wasm' ? 'Conv2DBackpropFilter from bench/wasmBackpropFilter.ts' : undefined,
      });
    }
  }

  // E: one epoch over the 10,000 digits, once per peer that finishes one in seconds
  // each run trains a fresh model from the same initial weights
  const libEpoch = measureLib(
    () =>
      lenet().fit(digits, labels, {
        epochs: 1,
        batchSize: BATCH,
        optimizer: cl.sgd({ learningRate: LEARNING_RATE }),
        seed: 0,
      }),
    RUNS.epoch,
  );
  for (const peer of ['lib', 'lib×2'] as const) {
    record({
      workload: 'E',
      peer,
      ...libEpoch[peer],
      gflops: EPOCH_FLOPS / libEpoch[peer].ms / 1e6,
      note: 'model.fit, 1 epoch',
    });
  }
  await useBackend('wasm');
  const allX = tfTensor(digits) as tf.Tensor4D;
  const allY = tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tf.Tensor2D;
  const wasmEpoch = measure(
    'tfjs-wasm',
    () => {
      const net = tfLenet();
      for (let from = 0; from < cl.MNIST_SIZE; from += BATCH) {
        const size = Math.min(BATCH, cl.MNIST_SIZE - from);
        tf.tidy(() =>
          net.step(tf.slice(allX, [from, 0, 0, 0], [size, 28, 28, 1]), tf.slice(allY, [from, 0], [size, 10])),
        );
      }
      net.dispose();
    },
    RUNS.epoch,
  );
  tf.dispose([allX, allY]);
  record({
    workload: 'E',
    peer: 'tfjs-wasm',
    ...wasmEpoch,
    gflops: EPOCH_FLOPS / wasmEpoch.ms / 1e6,
    note: 'in file order, 1 epoch',
  });
  // a measured epoch would take minutes per run for these two: 157 × their W5 median instead
  for (const [peer, step] of [
    ['reference', ref5],
    ['tfjs-cpu', tfStep['tfjs-cpu']],
  ] as const) {
    record({
      workload: 'E',
      peer,
      ms: step ? step.ms * EPOCH_STEPS : null,
      runs: step?.runs ?? 0,
      gflops: null,
      estimated: true,
      note: `${EPOCH_STEPS} × W5`,
    });
  }

  const peaks = simdPeak();
  const peak = peaks.one;
  process.stderr.write(
    `  WebAssembly SIMD peak (assembly/bench/peak.ts): one thread ${peak.toFixed(1)} GFLOP/s, two threads ` +
      `at once ${peaks.two.toFixed(1)} (${(peaks.two / peak).toFixed(2)}× one)\n`,
  );
  const torchNotes: string[] = [];
  for (const [threads, peer] of [
    [1, 'torch'],
    [2, 'torch×2'],
  ] as const) {
    const torch = torchTimes(threads);
    if (typeof torch === 'string') {
      torchNotes.push(torch);
      break;
    }
    torchNotes.push(`PyTorch ${torch.version} on ${threads} thread(s)`);
    for (const [workload, ms] of Object.entries(torch.ms)) {
      record({
        workload,
        peer,
        ms,
        runs: workload === 'E' ? 5 : 15,
        gflops: null,
        estimated: workload === 'E',
      });
    }
  }

  printTable(results);
  printThreadsTable(results, peaks, torchNotes);
  const out = join(__dirname, '..', 'build', 'bench.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
        runs: RUNS,
        slowPeers: SLOW,
        simdPeakGflops: peak,
        simdPeakTwoThreadsGflops: peaks.two,
        torch: torchNotes,
        results,
        ratios: ratios(results),
        seconds: (now() - started) / 1000,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwrote ${out} (whole bench ${((now() - started) / 1000).toFixed(0)} s)`);
}

const WORKLOADS: Array<[string, string]> = [
  ...convWorkloads.map((w): [string, string] => [w.name, w.description]),
  ['W5', 'LeNet-5 training step, batch 64 (model API)'],
  ['W5ops', 'the same step with the ops, dense on matmul'],
  ['E', 'one epoch, 10,000 digits, batch 64 (model.fit)'],
];

function find(results: Result[], workload: string, peer: Peer): Result | undefined {
  return results.find((r) => r.workload === workload && r.peer === peer);
}

/** peer ms / lib ms for every workload and peer. */
function ratios(results: Result[]): Record<string, Record<string, number | null>> {
  const table: Record<string, Record<string, number | null>> = {};
  for (const [workload] of WORKLOADS) {
    const lib = find(results, workload, 'lib')?.ms;
    table[workload] = {};
    for (const peer of PEERS.filter((p) => p !== 'lib')) {
      const other = find(results, workload, peer)?.ms;
      table[workload][peer] = lib && other ? other / lib : null;
    }
  }
  return table;
}

function printTable(results: Result[]): void {
  const cell = (r: Result | undefined): string => {
    if (!r || r.ms === null) return 'n/a';
    const ms = r.ms >= 1000 ? `${(r.ms / 1000).toFixed(2)} s` : `${r.ms.toFixed(r.ms < 10 ? 2 : 1)} ms`;
    const runs = r.estimated ? '' : ` n=${r.runs}`;
    return `${r.estimated ? '~' : ''}${ms}${runs}${r.gflops ? ` ${r.gflops.toFixed(1)}GF/s` : ''}`;
  };
  const header = ['', 'workload', ...PEERS, 'ref/lib', 'cpu/lib', 'wasm/lib'];
  const rows = WORKLOADS.map(([name, description]) => {
    const ratio = ratios(results)[name];
    const r = (v: number | null | undefined): string =>
      v ? `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}×` : 'n/a';
    return [
      name,
      description,
      ...PEERS.map((peer) => cell(find(results, name, peer))),
      r(ratio.reference),
      r(ratio['tfjs-cpu']),
      r(ratio['tfjs-wasm']),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row: string[]): string => row.map((v, i) => v.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  rows.forEach((row) => console.log(line(row)));
  console.log(
    `\nn = runs: each time is the median of n runs after warm-up (lib and tfjs-wasm ${RUNS.fast.warmup} warm-ups, ` +
      `reference, tfjs-cpu and the epochs ${RUNS.slow.warmup}; every peer warms up for at least ${WARMUP_MS} ms, ` +
      `so that V8 has optimised the WebAssembly). ~ = estimated as ${EPOCH_STEPS} × the W5 median ` +
      `(a measured epoch would take minutes a run). GF/s counts 2 × multiply-adds of the convolutions (and dense ` +
      `layers in W5/E, ×3 for training).` +
      `\nratios = peer time / lib time (above 1: the library is faster). tfjs forward workloads use tf.fused.conv2d ` +
      `(bias fused) and do not read results back; the library returns a fresh JS tensor.`,
  );
}

/** Every workload on 1 and 2 threads: speed-up, fraction of the SIMD peak, tfjs-wasm and PyTorch. */
function printThreadsTable(
  results: Result[],
  peaks: { one: number; two: number },
  torchNotes: string[],
): void {
  const ms = (workload: string, peer: Peer): number | null => find(results, workload, peer)?.ms ?? null;
  const time = (v: number | null): string =>
    v === null ? 'n/a' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 1)} ms`;
  const ratio = (a: number | null, b: number | null): string => (a && b ? `${(a / b).toFixed(2)}×` : 'n/a');
  const share = (workload: string, peer: Peer, threads: number): string => {
    const gflops = find(results, workload, peer)?.gflops;
    return gflops ? `${((100 * gflops) / (threads === 1 ? peaks.one : peaks.two)).toFixed(0)}%` : 'n/a';
  };
  const header = [
    '',
    'lib',
    'lib×2',
    'lib/lib×2',
    'peak',
    'peak×2',
    'wasm/lib×2',
    'torch',
    'torch×2',
    'lib×2/torch×2',
  ];
  const rows = WORKLOADS.map(([name]) => [
    name,
    time(ms(name, 'lib')),
    time(ms(name, 'lib×2')),
    ratio(ms(name, 'lib'), ms(name, 'lib×2')),
    share(name, 'lib', 1),
    share(name, 'lib×2', 2),
    ratio(ms(name, 'tfjs-wasm'), ms(name, 'lib×2')),
    time(ms(name, 'torch')),
    time(ms(name, 'torch×2')),
    ratio(ms(name, 'lib×2'), ms(name, 'torch×2')),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row: string[]): string => row.map((v, i) => v.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  rows.forEach((row) => console.log(line(row)));
  console.log(
    `\nlib = one thread, lib×2 = two (setThreads). peak = GF/s as a share of this machine's WebAssembly SIMD ` +
      `peak (assembly/bench/peak.ts): ${peaks.one.toFixed(1)} GF/s on one thread; peak×2 against two threads ` +
      `running it at once, ${peaks.two.toFixed(1)} GF/s: ${(peaks.two / peaks.one).toFixed(2)}× one thread, the ` +
      `most any lib/lib×2 or torch/torch×2 could be here now. wasm/lib×2 = tfjs-wasm ` +
      `(one thread) / lib×2. torch: bench/torch_bench.py in the same run, other random inputs of the same ` +
      `shapes; its E is 157 × its W5. lib×2/torch×2 below 1: the library is faster.\n${torchNotes.join('; ')}`,
  );
}

/**
 * The environment the notebook kernel starts with (kernels/convlab/kernel.json's `env`: glibc's malloc
 * settings, which a process reads as it starts). The bench measures the library as a notebook runs it,
 * so it runs itself again in that environment when started without it.
 */
function kernelEnvironment(): Record<string, string> {
  const spec = JSON.parse(readFileSync(join(__dirname, '..', 'kernels', 'convlab', 'kernel.json'), 'utf8'));
  return spec.env ?? {};
}

const missing = Object.entries(kernelEnvironment()).filter(([name, value]) => process.env[name] !== value);
if (missing.length > 0) {
  process.stderr.write(
    `convlab bench: running again with the kernel's ${missing.map(([n, v]) => `${n}=${v}`).join(' ')}\n`,
  );
  const again = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...Object.fromEntries(missing) },
  });
  process.exit(again.status ?? 1);
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
