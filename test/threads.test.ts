/**
 * The SIMD kernels on several threads (src/cnn/fast/threads.ts) give the one-thread values bit for bit:
 * forward passes, pooling and matrix products (each value is computed by one thread, in the same
 * order), and the gradients (the blocks and the partial sums of dW and db do not depend on the thread
 * count, conv2dFast.ts), so that training gives the same numbers on any number of cores.
 */
import { spawn, spawnSync } from 'child_process';
import { expect } from 'chai';
import { availableParallelism } from 'os';
import { join } from 'path';
import * as cl from '../src/index';
import { recorder, stopWorkers, workerRounds } from '../src/cnn/fast/threads';
import { kernelsFor, runLists, withWorkPerThread, workspace } from '../src/cnn/fast/wasmKernels';
import { STRATEGIES, strategyFits, withStrategy } from '../src/cnn/fast/strategy';
import { DType, FloatArray, Tensor } from '../src/cnn/tensor';

function randomTensor(shape: readonly number[], dtype: DType, seed: number): Tensor {
  return cl.rand(shape, seed, -1, 1, dtype);
}

/**
 * Runs `body` with n threads, then goes back to one; with n > 1, checks that workers really took part
 * (otherwise every comparison here would compare one thread with itself).
 */
function withThreads<T>(n: number, body: () => T): T {
  cl.setThreads(n);
  const before = workerRounds();
  try {
    return withWorkPerThread(1, body);
  } finally {
    cl.setThreads(1);
    if (n > 1) expect(workerRounds(), 'rounds run on workers').to.be.above(before);
  }
}

function bits(t: Tensor): FloatArray {
  return cl.contiguous(t).data;
}

/** A tensor's values as a plain array, for deep.equal (same bits: NaN is never among them). */
function values(t: Tensor): number[] {
  return Array.from(bits(t));
}

// Small inputs, split as far as they go (withWorkPerThread(1)), with odd sizes so that vector tails and
// uneven shares are exercised; batch 5 over 2 and 3 threads.
const CASES = [
  { name: 'LeNet-like conv1 (same, 6 filters)', x: [5, 28, 28, 1], W: [5, 5, 1, 6], pad: 2, stride: 1 },
  { name: 'LeNet conv2 (16 filters, 6 channels)', x: [5, 14, 14, 6], W: [5, 5, 6, 16], pad: 0, stride: 1 },
  { name: 'stride 2, 3×3, 7 filters', x: [5, 61, 59, 3], W: [3, 3, 3, 7], pad: 1, stride: 2 },
];

after(() => {
  cl.setThreads(1);
  stopWorkers();
});

describe('threads: the kernels on several threads give the one-thread values', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const c of CASES) {
      for (const strategy of STRATEGIES.filter((s) => s !== 'reference')) {
        const fits = strategyFits(strategy, 'forward', c.stride);
        if (!fits) continue;
        it(`conv2d ${c.name}, ${dtype}, ${strategy}: same bits with 2 and 3 threads`, () => {
          const x = randomTensor(c.x, dtype, 1);
          const W = randomTensor(c.W, dtype, 2);
          const b = randomTensor([c.W[3]], dtype, 3);
          const options = { pad: c.pad, stride: c.stride };
          const one = withThreads(1, () => withStrategy(strategy, () => cl.conv2d(x, W, b, options)));
          for (const n of [2, 3]) {
            const many = withThreads(n, () => withStrategy(strategy, () => cl.conv2d(x, W, b, options)));
            expect(values(many)).to.deep.equal(values(one));
          }
        });
      }
      for (const strategy of STRATEGIES.filter(
        (s) => s !== 'reference' && strategyFits(s, 'backward', c.stride),
      )) {
        it(`conv2dBackward ${c.name}, ${dtype}, ${strategy}: dX, dW and db the same bits`, () => {
          const x = randomTensor(c.x, dtype, 4);
          const W = randomTensor(c.W, dtype, 5);
          const b = randomTensor([c.W[3]], dtype, 6);
          const options = { pad: c.pad, stride: c.stride };
          const z = cl.conv2d(x, W, b, options);
          const dZ = randomTensor(z.shape, dtype, 7);
          const one = withThreads(1, () =>
            withStrategy(strategy, () => cl.conv2dBackward(dZ, x, W, b, options)),
          );
          for (const n of [2, 3]) {
            const many = withThreads(n, () =>
              withStrategy(strategy, () => cl.conv2dBackward(dZ, x, W, b, options)),
            );
            for (const key of ['dX', 'dW', 'db'] as const)
              expect(values(many[key])).to.deep.equal(values(one[key]));
            // the weight gradients alone (a first layer's): half the work, the same sums
            const weights = withThreads(n, () =>
              withStrategy(strategy, () => cl.conv2dWeightGradients(dZ, x, W, b, options)),
            );
            expect(values(weights.dW)).to.deep.equal(values(one.dW));
            expect(values(weights.db)).to.deep.equal(values(one.db));
          }
        });
      }
    }
    it(`pool2d and pool2dBackward (max and avg), ${dtype}: same bits with 2 and 3 threads`, () => {
      const x = randomTensor([5, 28, 28, 6], dtype, 8);
      for (const mode of ['max', 'avg'] as const) {
        const options = { size: 2, stride: 2, mode };
        const a = cl.pool2d(x, options);
        const dA = randomTensor(a.shape, dtype, 9);
        const one = withThreads(1, () => [cl.pool2d(x, options), cl.pool2dBackward(dA, x, options)]);
        for (const n of [2, 3]) {
          const many = withThreads(n, () => [cl.pool2d(x, options), cl.pool2dBackward(dA, x, options)]);
          expect(values(many[0])).to.deep.equal(values(one[0]));
          expect(values(many[1])).to.deep.equal(values(one[1]));
        }
      }
    });
    it(`matmul (odd sizes, transposed), ${dtype}: same bits with 2 and 3 threads`, () => {
      const a = randomTensor([41, 123], dtype, 10);
      const b = randomTensor([85, 123], dtype, 11);
      const one = withThreads(1, () => cl.matmul(a, b, { transposeB: true }));
      for (const n of [2, 3]) {
        const many = withThreads(n, () => cl.matmul(a, b, { transposeB: true }));
        expect(values(many)).to.deep.equal(values(one));
      }
    });
  }
});

describe('threads: a kernel that fails', () => {
  // an address past the 4 GiB a 32-bit module can reach: the kernel traps
  const OUT_OF_BOUNDS = 2 ** 32 - 64;
  const x = randomTensor([6, 28, 28, 8], 'float32', 4);
  const W = randomTensor([5, 5, 8, 16], 'float32', 5);
  const oneThread = () => withThreads(1, () => cl.conv2d(x, W, null, { pad: 2 }));

  it('on a worker: a ConvlabError, and the next call gives the one-thread values', () => {
    const kernels = kernelsFor('float32')!;
    const lists = [recorder(kernels), recorder(kernels)];
    lists[1].pool(OUT_OF_BOUNDS, 0, 1, 0, 0); // its plan is out of bounds
    cl.setThreads(2);
    expect(() => runLists(kernels, lists)).to.throw('runOnThreads: a kernel failed on a worker thread');
    const after = withThreads(2, () => cl.conv2d(x, W, null, { pad: 2 }));
    expect(values(after)).to.deep.equal(values(oneThread()));
  });

  it('on this thread while a worker is busy: the error, and the next call waits for the worker', () => {
    const kernels = kernelsFor('float32')!;
    const n = 512;
    const { at } = workspace('float32', [n * n, n * n, n * n]);
    const lists = [recorder(kernels), recorder(kernels)];
    lists[0].pool(OUT_OF_BOUNDS, 0, 1, 0, 0); // its plan is out of bounds
    // some milliseconds of work on the worker, writing into the memory the next call lays out again
    for (let i = 0; i < 8; i++) lists[1].gemm(n, n, n, at[0], n, at[1], n, at[2], n, 0);
    cl.setThreads(2);
    expect(() => runLists(kernels, lists)).to.throw(WebAssembly.RuntimeError);
    const after = withThreads(2, () => cl.conv2d(x, W, null, { pad: 2 }));
    expect(values(after)).to.deep.equal(values(oneThread()));
  });
});

describe('threads: a Jupyter interrupt', () => {
  // tslab runs each cell with vm's breakOnSigint: SIGINT stops the cell between any two statements,
  // also while this thread waits for the workers, and even before a \`finally\` runs. This child does the
  // same to a loop of large backward passes on 2 threads, interrupted 12 times at random moments; after
  // each interrupt a new "cell" must give the one-thread bits, and nothing may hang.
  const child = `
    const vm = require('vm');
    const cl = require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.js'))});
    const x = cl.rand([32, 28, 28, 6], 1, -1, 1), W = cl.rand([5, 5, 6, 16], 2, -1, 1);
    const dZ = cl.rand([32, 24, 24, 16], 3, -1, 1);
    cl.setThreads(1);
    const expected = cl.conv2dBackward(dZ, x, W, null);
    cl.setThreads(2);
    globalThis.run = () => cl.conv2dBackward(dZ, x, W, null);
    process.on('SIGINT', () => undefined); // as in tslab: the signal stops the cell, not the kernel
    let interrupted = 0, wrong = 0;
    while (interrupted < 12) {
      console.log('cell ' + interrupted);
      try {
        vm.runInThisContext('for (;;) run()', { breakOnSigint: true });
      } catch (e) {
        if (!/interrupted/.test(String(e))) throw e;
        interrupted++;
        const g = vm.runInThisContext('run()');
        for (const k of ['dX', 'dW', 'db'])
          if (!g[k].data.every((v, i) => Object.is(v, expected[k].data[i]))) wrong++;
      }
    }
    console.log(JSON.stringify({ interrupted, wrong }));
  `;

  it('stops the cell; the next cell gives the one-thread bits; nothing hangs (12 interrupts)', async function () {
    this.timeout(90_000);
    const proc = spawn(process.execPath, ['-e', child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d));
    // One SIGINT per cell, 20–80 ms after it starts (the moment in the cell varies with the machine).
    // Node stops listening for SIGINT for an instant at each cell's start and end, where a second signal
    // would end the process; a signal that comes before the cell listens is repeated after 200 ms.
    let cells = 0;
    let timer: NodeJS.Timeout | undefined;
    const interrupt = () => {
      proc.kill('SIGINT');
      timer = setTimeout(interrupt, 200);
    };
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      const started = out.split('\n').filter((line) => line.startsWith('cell ')).length;
      if (started > cells) {
        cells = started;
        clearTimeout(timer);
        timer = setTimeout(interrupt, 20 + Math.random() * 60);
      }
      if (out.includes('interrupted')) clearTimeout(timer);
    });
    const killer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      proc.on('exit', (c, s) => resolve([c, s])),
    );
    clearTimeout(timer);
    clearTimeout(killer);
    expect(code, `the child ended by ${signal} (a hang if SIGKILL): ${out} ${err}`).to.equal(0);
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).to.deep.equal({ interrupted: 12, wrong: 0 });
  });
});

describe('threads: the setting', () => {
  it('a small call stays on one thread: waking a worker would cost more than it saves', () => {
    cl.setThreads(2);
    const before = workerRounds();
    // one 14×14 image, 6 filters 5×5 (pad 2): 29,400 multiply-adds, well below a thread's share
    cl.conv2d(randomTensor([1, 14, 14, 1], 'float32', 1), randomTensor([5, 5, 1, 6], 'float32', 2), null, {
      pad: 2,
    });
    cl.setThreads(1);
    expect(workerRounds()).to.equal(before);
  });

  it('setThreads takes a whole number ≥ 1 and names itself otherwise', () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      expect(() => cl.setThreads(bad)).to.throw(
        `setThreads: the thread count must be a whole number ≥ 1, got ${bad}`,
      );
    }
  });

  const script = join(__dirname, '..', 'dist', 'index.js');
  const run = (code: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['-e', code], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ...env },
    });

  it('CONVLAB_THREADS sets the default; a bad value is a clear error; unset, the cores', () => {
    const code = `const cl = require(${JSON.stringify(script)}); console.log(cl.threadCount())`;
    expect(run(code, { CONVLAB_THREADS: '3' }).stdout.trim()).to.equal('3');
    expect(run(code, { CONVLAB_THREADS: '' }).stdout.trim()).to.equal(String(availableParallelism()));
    const bad = run(code, { CONVLAB_THREADS: 'two' });
    expect(bad.status).to.not.equal(0);
    expect(bad.stderr).to.include("threadCount: CONVLAB_THREADS must be a whole number ≥ 1, got 'two'");
  });

  it('warm workers never keep Node alive: a script that used them exits by itself', () => {
    const code =
      `const cl = require(${JSON.stringify(script)}); cl.setThreads(2);` +
      `const x = cl.zeros([8, 28, 28, 6]); const W = cl.zeros([5, 5, 6, 16]);` +
      `const z = cl.conv2d(x, W); console.log('done', z.shape.join('x'))`;
    const result = run(code);
    expect(result.error, 'the script did not exit within 60 s').to.equal(undefined);
    expect(result.stdout.trim()).to.equal('done 8x24x24x16');
    expect(result.status).to.equal(0);
  });

  it('under the permission model (no workers allowed) everything runs on one thread, same values', () => {
    const flag = process.allowedNodeEnvironmentFlags.has('--permission')
      ? '--permission'
      : '--experimental-permission';
    const code =
      `const cl = require(${JSON.stringify(script)}); cl.setThreads(4);` +
      `const x = cl.tensor([[[[1],[2],[3]],[[4],[5],[6]],[[7],[8],[9]]]]);` +
      `const big = cl.full([8, 28, 28, 6], 1); cl.conv2d(big, cl.full([5, 5, 6, 16], 1));` +
      `console.log(cl.conv2d(x, cl.full([2, 2, 1, 1], 1)).data.join(','))`;
    const result = spawnSync(process.execPath, [flag, '--allow-fs-read=*', '-e', code], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).to.not.include('Error');
    expect(result.stdout.trim()).to.equal('12,16,24,28');
  });
});
