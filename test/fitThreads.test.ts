/**
 * model.fit on several threads (src/cnn/fitThreads.ts): each step's batch cut into one group per thread,
 * the groups' gradients added in group order. The batch's mean gradient is then a sum of group means,
 * so the weights differ from one thread's by float rounding: here, how much, and that nothing else
 * differs (the same thread count gives the same bits every time).
 */
import { spawn, spawnSync } from 'child_process';
import { expect } from 'chai';
import { join } from 'path';
import * as cl from '../src/index';
import { fitWorkerSteps, stopFitWorkers } from '../src/cnn/fitThreads';

const data = cl.loadMnist({ train: 512, test: 0, seed: 1 });

function train(threads: number, dtype: cl.DType, steps: number) {
  cl.setThreads(threads);
  try {
    const model = cl.lenet5({ seed: 0, dtype });
    const x = dtype === 'float64' ? cl.copy(data.trainX, 'float64') : data.trainX;
    const history = model.fit(x.hi(64 * steps), data.trainY.subarray(0, 64 * steps), {
      epochs: 1,
      batchSize: 64,
      shuffle: false,
      optimizer: cl.sgd({ learningRate: 0.05 }),
    });
    return { costs: history.batches.map((b) => b.cost), weights: model.parameters().map((p) => p.value) };
  } finally {
    cl.setThreads(1);
  }
}

/** The largest |a − b| over every weight, relative to the largest |a|. */
function largestDifference(a: cl.Tensor[], b: cl.Tensor[]): number {
  let difference = 0;
  let largest = 0;
  a.forEach((t, i) => {
    for (let j = 0; j < t.size; j++) {
      difference = Math.max(difference, Math.abs(t.data[j] - b[i].data[j]));
      largest = Math.max(largest, Math.abs(t.data[j]));
    }
  });
  return difference / largest;
}

describe('fitThreads: model.fit on 2 threads', function () {
  this.timeout(60_000);
  after(() => stopFitWorkers());

  it('workers take part, and 2 threads give the same bits every time', () => {
    const before = fitWorkerSteps();
    const a = train(2, 'float32', 3);
    expect(fitWorkerSteps() - before, 'steps with a worker').to.equal(3);
    const b = train(2, 'float32', 3);
    expect(b.costs).to.deep.equal(a.costs);
    expect(largestDifference(a.weights, b.weights)).to.equal(0);
  });

  it('float64: one thread’s weights to 1e-13 after 3 steps; float32: to 1e-6, costs to 1e-6', () => {
    const one64 = train(1, 'float64', 3);
    const two64 = train(2, 'float64', 3);
    expect(largestDifference(one64.weights, two64.weights)).to.be.below(1e-13).and.above(0);
    const one = train(1, 'float32', 3);
    const two = train(2, 'float32', 3);
    expect(largestDifference(one.weights, two.weights)).to.be.below(1e-6);
    two.costs.forEach((cost, i) => expect(cost).to.be.closeTo(one.costs[i], 1e-6));
  });

  it('a small model or batch stays on one thread (a worker would cost more than it saves)', () => {
    cl.setThreads(2);
    const before = fitWorkerSteps();
    const small = cl.sequential(
      [8, 8, 1],
      [cl.layers.flatten(), cl.layers.dense({ units: 3, activation: 'softmax' })],
    );
    small.fit(
      cl.rand([64, 8, 8, 1], 1),
      Int32Array.from({ length: 64 }, (_, i) => i % 3),
      {
        epochs: 1,
        batchSize: 32,
        optimizer: cl.sgd({ learningRate: 0.1 }),
      },
    );
    cl.lenet5({ seed: 0 }).fit(data.trainX.hi(16), data.trainY.subarray(0, 16), {
      epochs: 1,
      batchSize: 4,
      optimizer: cl.sgd({ learningRate: 0.1 }),
    });
    cl.setThreads(1);
    expect(fitWorkerSteps()).to.equal(before);
  });

  const dist = join(__dirname, '..', 'dist', 'index.js');
  const fitScript = `
    const cl = require(${JSON.stringify(dist)});
    cl.setThreads(2);
    const data = cl.loadMnist({ train: 256, test: 0, seed: 1 });
    const fit = () => {
      const model = cl.lenet5({ seed: 0 });
      model.fit(data.trainX, data.trainY, { epochs: 1, batchSize: 64, optimizer: cl.sgd({ learningRate: 0.05 }) });
      return require('crypto').createHash('sha1').update(JSON.stringify(model.toJSON())).digest('hex');
    };
  `;

  it('under the permission model (no workers allowed) fit runs on one thread', () => {
    const flag = process.allowedNodeEnvironmentFlags.has('--permission')
      ? '--permission'
      : '--experimental-permission';
    const result = spawnSync(
      process.execPath,
      [
        flag,
        '--allow-fs-read=*',
        '-e',
        `${fitScript}; cl.setThreads(1); const one = fit(); cl.setThreads(2); console.log(fit() === one)`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout.trim()).to.equal('true');
  });

  it('a Jupyter interrupt in the middle of a 2-thread fit: the next fit gives the same bits as before it', async () => {
    // as in tslab: the cell runs under vm's breakOnSigint, which can stop it anywhere, even mid-step
    const child = `${fitScript}
      const vm = require('vm');
      globalThis.fit = fit;
      const before = fit();
      process.on('SIGINT', () => undefined);
      console.log('fitting');
      try {
        vm.runInThisContext('for (;;) fit()', { breakOnSigint: true });
      } catch (e) {
        // the next cell, as tslab runs it: after the interrupted one's microtasks
        const stopped = /interrupted/.test(String(e));
        setImmediate(() => console.log(JSON.stringify({ stopped, same: fit() === before })));
      }
    `;
    const proc = spawn(process.execPath, ['-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out === 'fitting\n') setTimeout(() => proc.kill('SIGINT'), 300 + Math.random() * 700);
    });
    const killer = setTimeout(() => proc.kill('SIGKILL'), 50_000);
    await new Promise((resolve) => proc.on('exit', resolve));
    clearTimeout(killer);
    expect(JSON.parse(out.split('\n')[1])).to.deep.equal({ stopped: true, same: true });
  });
});
