/**
 * Loads the SIMD kernels (assembly/index.ts and the files it re-exports, compiled by
 * `npm run build:wasm` to dist/cnn/fast/kernels.wasm) synchronously, so that conv2d stays an ordinary
 * function call in Node and in the tslab kernel, and hands out one reusable workspace in the module's
 * memory, which worker threads share (threads.ts).
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { allocateUnfilled, DType, FloatArray, Tensor } from '../tensor';
import { ConvlabError } from '../convlabError';
import { forcedStrategy } from './strategy';
import { CallList, recorder, runOnThreads, settleWorkers, threadCount } from './threads';

type Pointer = number;

/**
 * The module's exports for one element type (the …F32 or …F64 twins of each kernel in assembly/), bound
 * by `pick` in load(). Each method's parameters are its kernel's, by name and in order:
 * test/kernelBindings.test.ts fails when they drift apart. `plan` is the address of the op's plan record
 * (plan.ts writes it; assembly/plan.ts reads it), where the conv and pool kernels find their sizes.
 */
export interface KernelSet {
  /** Bytes per element. */
  size: 4 | 8;
  gemm(
    rows: number,
    cols: number,
    depth: number,
    a: Pointer,
    lda: number,
    b: Pointer,
    ldb: number,
    c: Pointer,
    ldc: number,
    offsets: Pointer,
  ): void;
  gemmTransposedB(
    rows: number,
    cols: number,
    depth: number,
    a: Pointer,
    lda: number,
    b: Pointer,
    ldb: number,
    c: Pointer,
    ldc: number,
    offsets: Pointer,
  ): void;
  addWindowRows(plan: Pointer, dCols: Pointer, columns: number, offsets: Pointer, base: Pointer): void;
  toPaddedPlanes(plan: Pointer, x: Pointer, xp: Pointer): void;
  fromPaddedPlanes(plan: Pointer, dXp: Pointer, dX: Pointer): void;
  im2col(plan: Pointer, xp: Pointer, firstRow: number, rowCount: number, cols: Pointer): void;
  col2im(plan: Pointer, dCols: Pointer, firstRow: number, rowCount: number, dXp: Pointer): void;
  storeChannelsLast(
    plan: Pointer,
    zT: Pointer,
    first: number,
    count: number,
    bias: Pointer,
    out: Pointer,
  ): void;
  convChannelsLast(
    plan: Pointer,
    xp: Pointer,
    first: number,
    count: number,
    w: Pointer,
    bias: Pointer,
    out: Pointer,
  ): void;
  toPaddedChannelsLast(plan: Pointer, x: Pointer, xp: Pointer): void;
  pool(plan: Pointer, first: number, count: number, x: Pointer, out: Pointer): void;
  poolBackward(
    plan: Pointer,
    first: number,
    count: number,
    dA: Pointer,
    x: Pointer,
    dX: Pointer,
    scratch: Pointer,
  ): void;
  loadChannelRows(
    plan: Pointer,
    dZ: Pointer,
    first: number,
    count: number,
    dZT: Pointer,
    db: Pointer,
    a: Pointer,
  ): void;
}

interface Module {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  float32: KernelSet;
  float64: KernelSet;
}

const WASM_FILE = 'kernels.wasm';
const PAGE = 65536;
/** The memory's largest size in pages: --maximumMemory in build:wasm (instantiating fails if they differ). */
const MAX_PAGES = 65536;

/** Where the .wasm is: beside this file in dist/, or in dist/ when running the sources (tests, bench). */
function wasmPath(): string | undefined {
  const candidates = [
    join(__dirname, WASM_FILE),
    join(__dirname, '..', '..', '..', 'dist', 'cnn', 'fast', WASM_FILE),
  ];
  return candidates.find((path) => existsSync(path));
}

let loaded: Module | null | undefined; // undefined: not tried yet; null: not available

function load(): Module | null {
  if (loaded !== undefined) return loaded;
  const path = wasmPath();
  if (!path || typeof WebAssembly === 'undefined') {
    loaded = null;
    return loaded;
  }
  // new WebAssembly.Module compiles synchronously (fine in Node for a module of a few kB). The memory
  // is shared so that worker threads can run kernels on it too (threads.ts); its maximum (4 GiB, the
  // most a 32-bit module can address) is reserved address space, not memory in use.
  const module = new WebAssembly.Module(readFileSync(path));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const e = instance.exports as Record<string, unknown>;
  const pick = (suffix: 'F32' | 'F64', size: 4 | 8): KernelSet =>
    ({
      size,
      gemm: e[`gemm${suffix}`],
      gemmTransposedB: e[`gemmTransposedB${suffix}`],
      addWindowRows: e[`addWindowRows${suffix}`],
      toPaddedPlanes: e[`toPaddedPlanes${suffix}`],
      fromPaddedPlanes: e[`fromPaddedPlanes${suffix}`],
      im2col: e[`im2col${suffix}`],
      col2im: e[`col2im${suffix}`],
      storeChannelsLast: e[`storeChannelsLast${suffix}`],
      convChannelsLast: e[`convChannelsLast${suffix}`],
      toPaddedChannelsLast: e[`toPaddedChannelsLast${suffix}`],
      loadChannelRows: e[`loadChannelRows${suffix}`],
      pool: e[`pool${suffix}`],
      poolBackward: e[`poolBackward${suffix}`],
    }) as KernelSet;
  loaded = { module, memory, float32: pick('F32', 4), float64: pick('F64', 8) };
  return loaded;
}

/** True when the SIMD kernels are loaded; otherwise conv2d and friends run the reference loops. */
export function fastKernelsAvailable(): boolean {
  return load() !== null;
}

let warned = false;

/**
 * The kernels for a dtype, or null (with one warning per process) when the .wasm was not built, and
 * null quietly where a test forces the reference loops (strategy.ts).
 */
export function kernelsFor(dtype: DType): KernelSet | null {
  if (forcedStrategy() === 'reference') return null;
  const module = load();
  if (!module) {
    if (!warned) {
      warned = true;
      console.warn(`convlab: ${WASM_FILE} not found (run \`npm run build\`); using the slow reference loops`);
    }
    return null;
  }
  return dtype === 'float64' ? module.float64 : module.float32;
}

/**
 * Lays out regions of the given element counts one after another in the module's memory (64-byte
 * aligned), growing the memory when needed, and returns each region's byte address plus a view of the
 * whole memory as `dtype`. The memory is reused by every call: no allocation per call beyond growth.
 * Call again after any other kernel call, since growing replaces the buffer the view is over.
 */
export function workspace(dtype: DType, counts: readonly number[]): { heap: FloatArray; at: Pointer[] } {
  const module = load();
  if (!module) throw new ConvlabError('workspace', 'the fast kernels are not loaded');
  settleWorkers(); // an interrupted call's workers may still be writing into the memory laid out here
  const size = dtype === 'float64' ? 8 : 4;
  const at: Pointer[] = [];
  let end = 0;
  for (const count of counts) {
    at.push(end);
    end += Math.ceil((count * size) / 64) * 64;
  }
  const memory = module.memory;
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
  const heap = dtype === 'float64' ? new Float64Array(memory.buffer) : new Float32Array(memory.buffer);
  return { heap, at };
}

/**
 * Copies a 4-D tensor (any view) into `heap` at element index `to`, row-major: one block copy when the
 * view's last three axes are contiguous, otherwise element by element along its strides.
 */
export function copyIn(heap: FloatArray, to: number, t: Tensor): void {
  const [d0, d1, d2, d3] = t.shape;
  const [s0, s1, s2, s3] = t.stride;
  if (s3 === 1 && s2 === d3 && s1 === d2 * d3 && (s0 === d1 * d2 * d3 || d0 === 1)) {
    heap.set(t.data.subarray(t.offset, t.offset + t.size), to);
    return;
  }
  let i = to;
  for (let a = 0; a < d0; a++) {
    for (let b = 0; b < d1; b++) {
      for (let c = 0; c < d2; c++) {
        let from = t.offset + a * s0 + b * s1 + c * s2;
        for (let d = 0; d < d3; d++, from += s3) heap[i++] = t.data[from];
      }
    }
  }
}

/** A fresh array holding heap[from, from + count), for returning a kernel's result. */
export function copyOut(heap: FloatArray, from: number, count: number): FloatArray {
  const out = allocateUnfilled(heap instanceof Float64Array ? 'float64' : 'float32', count);
  out.set(heap.subarray(from, from + count));
  return out;
}

/** n rounded up to a multiple of m. */
export function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/**
 * Multiply-adds per thread below which one more thread does not pay. Handing work to a worker that is
 * still polling (workerTeam.ts's SPIN_MS: for 1 ms after its last round) costs a few µs, one that sleeps 140–200 µs
 * on this course's VM, and the data may be cold in the other core's cache. Measured in one process,
 * alternating 1 and 2 threads, at LeNet's shapes (batch 64), as a training step calls them: dense FC3
 * (3 M) 232 → 133 µs forward and 446 → 362 µs backward, max-pool 1 (0.6 M) 457 → 351 µs backward, pool 2
 * (0.2 M) 136 → 104 µs, FC4 (0.65 M) 115 → 110 µs; so every one of them splits, down to this threshold.
 */
const WORK_PER_THREAD = 1 << 17;
let workPerThread = WORK_PER_THREAD;

/**
 * For tests: runs `body` with another work threshold per thread (1: every call splits as far as its
 * parts allow), so that small inputs exercise the threads; then restores WORK_PER_THREAD.
 */
export function withWorkPerThread<T>(work: number, body: () => T): T {
  const before = workPerThread;
  workPerThread = work;
  try {
    return body();
  } finally {
    workPerThread = before;
  }
}

/**
 * The call lists for one kernel call split `parts` ways: one list per thread that the work pays for.
 * `work` is the call's multiply-adds (or values moved); below WORK_PER_THREAD per thread, waking a
 * worker costs more than it saves, so small calls get one list and run on this thread alone.
 */
export function callLists(kernels: KernelSet, work: number, parts = Infinity): CallList[] {
  const threads = Math.max(1, Math.min(threadCount(), parts, Math.floor(work / workPerThread)));
  return Array.from({ length: threads }, () => recorder(kernels));
}

/** Runs call lists made by `callLists`, each on its own thread (threads.ts). */
export function runLists(kernels: KernelSet, lists: CallList[]): void {
  const module = load();
  if (!module) throw new ConvlabError('runLists', 'the fast kernels are not loaded');
  runOnThreads(kernels, kernels.size === 8 ? 'F64' : 'F32', lists, module.module, module.memory);
}
