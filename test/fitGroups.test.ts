/**
 * model.fit's steps in groups of 32 examples, on every core (src/cnn/fitGroups.ts): the same bits on
 * any number of threads; a batch of 32 or fewer is fit's plain step; a larger batch's gradient is the
 * groups' gradients added in order, within float rounding of one pass over the batch; and the workers
 * survive what a notebook does to them (an interrupt, a fit inside onBatch, no workers allowed).
 */
import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { expect } from 'chai';
import { join } from 'path';
import * as cl from '../src/index';
import { fitTeamStarts, fitWorkerSteps, GROUP_SIZE, stopFitWorkers } from '../src/cnn/fitGroups';

const data = cl.loadMnist({ train: 320, test: 0, seed: 1 });

function hash(model: cl.Model): string {
  return createHash('sha1').update(JSON.stringify(model.toJSON())).digest('hex');
}

function train(threads: number, options: { dtype?: cl.DType; batchSize?: number; examples?: number } = {}) {
  const { dtype = 'float32', batchSize = 64, examples = 192 } = options;
  cl.setThreads(threads);
  try {
    const model = cl.lenet5({ seed: 0, dtype });
    const x = dtype === 'float64' ? cl.copy(data.trainX, 'float64') : data.trainX;
    const history = model.fit(x.hi(examples), data.trainY.subarray(0, examples), {
      epochs: 1,
      batchSize,
      optimizer: cl.adam({ learningRate: 0.001 }),
    });
    return { model, costs: history.batches.map((b) => b.cost), hash: hash(model) };
  } finally {
    cl.setThreads(1);
  }
}

/** An optimizer that leaves the weights: after fit, each parameter's grad holds the last step's gradient. */
const keepWeights: cl.Optimizer = { name: 'sgd', learningRate: 0, step: () => undefined };

/** One plain gradient step by hand: forward and backward over the whole batch, as fit did before groups. */
function onePass(model: cl.Model, x: cl.Tensor, labels: Int32Array): Float64Array[] {
  model.forward(x);
  model.backward(labels);
  return model.parameters().map((p) => Float64Array.from(p.grad!.data));
}

describe('fitGroups: model.fit in groups of 32, on every core', function () {
  this.timeout(120_000);
  after(() => stopFitWorkers());

  it('the same bits on 1, 2 and 3 threads, in float32 and float64, with workers taking part', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const batchSize of [64, 100]) {
        const one = train(1, { dtype, batchSize });
        const before = fitWorkerSteps();
        const two = train(2, { dtype, batchSize });
        expect(fitWorkerSteps() - before, `${dtype}, batch ${batchSize}: steps with a worker`).to.be.above(0);
        const three = train(3, { dtype, batchSize });
        expect(two.hash, `${dtype}, batch ${batchSize}, 2 threads`).to.equal(one.hash);
        expect(three.hash, `${dtype}, batch ${batchSize}, 3 threads`).to.equal(one.hash);
        expect(two.costs).to.deep.equal(one.costs);
      }
    }
  });

  it(`a batch of ${GROUP_SIZE} is one group: fit's step is one forward and backward pass over it`, () => {
    const x = data.trainX.hi(GROUP_SIZE);
    const y = data.trainY.subarray(0, GROUP_SIZE);
    const byHand = cl.lenet5({ seed: 0 });
    const expected = onePass(byHand, x, y);
    cl.setThreads(2);
    const model = cl.lenet5({ seed: 0 });
    const before = fitWorkerSteps();
    // learning rate 0: the weights stay, and the gradients of the one step stay in grad
    model.fit(x, y, {
      epochs: 1,
      batchSize: GROUP_SIZE,
      shuffle: false,
      optimizer: keepWeights,
    });
    cl.setThreads(1);
    expect(fitWorkerSteps()).to.equal(before);
    model.parameters().forEach((p, i) => expect(Float64Array.from(p.grad!.data)).to.deep.equal(expected[i]));
  });

  it('a batch of 64: the two groups’ gradients added in order, to the bit; within rounding of one pass', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = dtype === 'float64' ? cl.copy(data.trainX.hi(64), 'float64') : data.trainX.hi(64);
      const y = data.trainY.subarray(0, 64);
      const byHand = cl.lenet5({ seed: 0, dtype });
      const first = onePass(byHand, x.hi(32), y.subarray(0, 32));
      const second = onePass(byHand, x.lo(32), y.subarray(32));
      const whole = onePass(byHand, x, y);
      for (const threads of [1, 2]) {
        cl.setThreads(threads);
        const model = cl.lenet5({ seed: 0, dtype });
        model.fit(x, y, { epochs: 1, batchSize: 64, shuffle: false, optimizer: keepWeights });
        cl.setThreads(1);
        model.parameters().forEach((p, i) => {
          const grad = p.grad!.data;
          const rounded = dtype === 'float32' ? Math.fround : (v: number) => v;
          // one pass adds the 64 examples in another order: float rounding, relative to the largest
          const scale = whole[i].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          const tolerance = (dtype === 'float32' ? 1e-6 : 1e-14) * scale;
          let wrong = 0;
          let farthest = 0;
          for (let j = 0; j < grad.length; j++) {
            if (grad[j] !== rounded((32 * first[i][j] + 32 * second[i][j]) / 64)) wrong++;
            farthest = Math.max(farthest, Math.abs(grad[j] - whole[i][j]));
          }
          expect(wrong, `${dtype}, ${threads} threads: ${p.name} values not the groups' sum`).to.equal(0);
          expect(farthest, `${dtype}, ${threads} threads: ${p.name} against one pass`).to.be.at.most(
            tolerance,
          );
        });
      }
    }
  });

  it('a small model is not cut into groups: one pass, no worker', () => {
    cl.setThreads(2);
    const before = fitWorkerSteps();
    const small = cl.sequential(
      [8, 8, 1],
      [cl.layers.flatten(), cl.layers.dense({ units: 3, activation: 'softmax' })],
    );
    const x = cl.rand([64, 8, 8, 1], 1);
    const y = Int32Array.from({ length: 64 }, (_, i) => i % 3);
    const byHand = cl.sequential(
      [8, 8, 1],
      [cl.layers.flatten(), cl.layers.dense({ units: 3, activation: 'softmax' })],
    );
    const expected = onePass(byHand, x, y);
    small.fit(x, y, { epochs: 1, batchSize: 64, shuffle: false, optimizer: keepWeights });
    cl.setThreads(1);
    expect(fitWorkerSteps()).to.equal(before);
    small.parameters().forEach((p, i) => expect(Float64Array.from(p.grad!.data)).to.deep.equal(expected[i]));
  });

  it('a fit of another model inside onBatch: the outer fit gives the same bits as without it', () => {
    const plain = train(1);
    cl.setThreads(2);
    const model = cl.lenet5({ seed: 0 });
    const other = cl.sequential(
      [28, 28, 1],
      [
        cl.layers.conv2d({ filters: 8, size: 3, activation: 'relu' }),
        cl.layers.flatten(),
        cl.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    );
    let inner = 0;
    model.fit(data.trainX.hi(192), data.trainY.subarray(0, 192), {
      epochs: 1,
      batchSize: 64,
      optimizer: cl.adam({ learningRate: 0.001 }),
      onBatch: () => {
        inner++;
        other.fit(data.trainX.lo(192).hi(96), data.trainY.subarray(192, 288), {
          epochs: 1,
          batchSize: 96,
          optimizer: cl.sgd({ learningRate: 0.01 }),
        });
      },
    });
    cl.setThreads(1);
    expect(inner).to.equal(3);
    expect(hash(model)).to.equal(plain.hash);
  });

  it('a cost that becomes NaN on 2 threads stops fit with the same message as on one', () => {
    const messages = [1, 2].map((threads) => {
      cl.setThreads(threads);
      const model = cl.lenet5({ seed: 0 });
      try {
        model.fit(data.trainX.hi(256), data.trainY.subarray(0, 256), {
          epochs: 1,
          batchSize: 64,
          optimizer: cl.sgd({ learningRate: 1e30 }),
        });
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        cl.setThreads(1);
      }
    });
    expect(messages[0]).to.match(
      /model\.fit: the cost became (NaN|Infinity) at epoch 0, batch \d; the learning rate \(1e\+30\) may be too high/,
    );
    expect(messages[1]).to.equal(messages[0]);
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

  it('under the permission model (no workers allowed) the groups run on this thread, with the same bits', () => {
    const flag = process.allowedNodeEnvironmentFlags.has('--permission')
      ? '--permission'
      : '--experimental-permission';
    const result = spawnSync(
      process.execPath,
      [flag, '--allow-fs-read=*', '-e', `${fitScript}; console.log(fit())`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status, result.stderr).to.equal(0);
    const free = spawnSync(process.execPath, ['-e', `${fitScript}; console.log(fit())`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(free.status, free.stderr).to.equal(0);
    expect(result.stdout.trim())
      .to.equal(free.stdout.trim())
      .and.to.match(/^[0-9a-f]{40}$/);
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
    for (let attempt = 0; attempt < 3; attempt++) {
      const proc = spawn(process.execPath, ['-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d;
        if (out === 'fitting\n') setTimeout(() => proc.kill('SIGINT'), 100 + Math.random() * 900);
      });
      const killer = setTimeout(() => proc.kill('SIGKILL'), 50_000);
      await new Promise((resolve) => proc.on('exit', resolve));
      clearTimeout(killer);
      expect(JSON.parse(out.split('\n')[1])).to.deep.equal({ stopped: true, same: true });
    }
  });
});

describe('fitGroups: the team across fits', function () {
  this.timeout(120_000);
  after(() => stopFitWorkers());

  it('an epoch whose last batch is shorter, on 3 threads, keeps one team (it used to restart twice an epoch)', () => {
    cl.setThreads(3);
    try {
      const model = cl.lenet5({ seed: 0 });
      model.fit(data.trainX.hi(96), data.trainY.subarray(0, 96), {
        epochs: 1,
        batchSize: 96,
        optimizer: cl.sgd({ learningRate: 0.01 }),
      });
      const before = fitTeamStarts();
      // 232 = 2 × 96 + 40: batches of 3 groups, then one of 2 (a worker, one group)
      model.fit(data.trainX.hi(232), data.trainY.subarray(0, 232), {
        epochs: 3,
        batchSize: 96,
        optimizer: cl.sgd({ learningRate: 0.01 }),
      });
      expect(fitTeamStarts() - before).to.equal(0);
    } finally {
      cl.setThreads(1);
    }
  });

  it('a batchSize far above the examples (the whole set as one batch) sizes the team by the examples', () => {
    const fit = (threads: number) => {
      cl.setThreads(threads);
      try {
        const model = cl.lenet5({ seed: 0 });
        model.fit(data.trainX.hi(96), data.trainY.subarray(0, 96), {
          epochs: 2,
          batchSize: 1e9,
          optimizer: cl.sgd({ learningRate: 0.01 }),
        });
        return hash(model);
      } finally {
        cl.setThreads(1);
      }
    };
    expect(fit(2)).to.equal(fit(1));
  });
});
