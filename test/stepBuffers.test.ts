/**
 * model.fit hands each training step the arrays of the step before (src/cnn/stepBuffers.ts) instead of
 * new ones. That must change nothing a user can see: the same costs and weights, to the bit, as the same
 * steps taken by hand (forward, backward, optimizer step) with new arrays throughout; and nothing fit or
 * predict returns is ever written over (a parameter's grad is, step after step, as optimizers.ts says).
 */
import { spawn } from 'child_process';
import { expect } from 'chai';
import { join } from 'path';
import * as cl from '../src/index';
import { reusingBuffers, StepBuffers } from '../src/cnn/stepBuffers';
import { allocate, allocateUnfilled } from '../src/cnn/tensor';

function model(): cl.Model {
  return cl.sequential(
    [12, 12, 2],
    [
      cl.layers.conv2d({ filters: 6, size: 3, activation: 'relu' }),
      cl.layers.maxPool({ size: 2 }),
      cl.layers.conv2d({ filters: 8, size: 3, pad: 'same', activation: 'relu' }),
      cl.layers.flatten(),
      cl.layers.dense({ units: 10, activation: 'relu' }),
      cl.layers.dense({ units: 4, activation: 'softmax' }),
    ],
    { seed: 3 },
  );
}

describe('stepBuffers: model.fit reuses each step’s arrays', () => {
  const m = 90;
  const x = cl.rand([m, 12, 12, 2], 1);
  const labels = Int32Array.from({ length: m }, (_, i) => (i * 7) % 4);

  it('the same costs and weights, to the bit, as the same steps by hand (batches of 25, 25, 25, 15; Adam; 3 epochs)', () => {
    const fitted = model();
    const history = fitted.fit(x, labels, {
      epochs: 3,
      batchSize: 25,
      shuffle: false,
      optimizer: cl.adam({ learningRate: 0.01 }),
    });
    const byHand = model();
    const optimizer = cl.adam({ learningRate: 0.01 });
    const costs: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let first = 0; first < m; first += 25) {
        const count = Math.min(25, m - first);
        const batchLabels = labels.subarray(first, first + count);
        costs.push(cl.crossEntropy(byHand.forward(cl.copy(x.lo(first).hi(count))), batchLabels));
        byHand.backward(batchLabels);
        optimizer.step(byHand.parameters());
      }
    }
    expect(history.batches.map((r) => r.cost)).to.deep.equal(costs);
    const weights = (mod: cl.Model) => mod.parameters().map((p) => Array.from(p.value.data));
    expect(weights(fitted)).to.deep.equal(weights(byHand));
  });

  it('what fit returns and what a user computes after it are never reused', () => {
    const trained = model();
    trained.fit(x, labels, { epochs: 1, batchSize: 30, optimizer: cl.sgd({ learningRate: 0.1 }) });
    const first = trained.predict(x.hi(5));
    const kept = Array.from(first.data);
    trained.fit(x, labels, { epochs: 1, batchSize: 30, optimizer: cl.sgd({ learningRate: 0.1 }) });
    trained.predict(x.hi(5));
    expect(Array.from(first.data)).to.deep.equal(kept);
  });

  it('hands out the array at the same position again when dtype and length match, a new one otherwise', () => {
    const buffers = new StepBuffers();
    const step = () =>
      reusingBuffers(buffers, () => [
        allocateUnfilled('float32', 8),
        allocate('float64', 4),
        allocate('float32', 3),
      ]);
    const [a, b, c] = step();
    a.fill(7);
    b.fill(7);
    const [a2, b2, c2] = step();
    expect(a2).to.equal(a); // the same array
    expect(b2).to.equal(b);
    expect(c2).to.equal(c);
    expect(Array.from(b2), 'allocate still zeroes it').to.deep.equal([0, 0, 0, 0]);
    const [a3, b3] = reusingBuffers(buffers, () => [allocate('float32', 9), allocate('float32', 4)]);
    expect(a3).to.not.equal(a); // another length
    expect(b3).to.not.equal(b); // another dtype
    expect(allocate('float32', 9), 'outside a step: always new').to.not.equal(a3);
  });

  it('a Jupyter interrupt in the middle of fit: the next cell’s arrays are its own', async function () {
    this.timeout(60_000);
    // as in tslab: the cell runs under vm's breakOnSigint, which skips \`finally\` when it stops it
    const dist = join(__dirname, '..', 'dist');
    const child = `
      const vm = require('vm');
      globalThis.cl = require(${JSON.stringify(join(dist, 'index.js'))});
      const { activeStepBuffers } = require(${JSON.stringify(join(dist, 'cnn', 'stepBuffers.js'))});
      globalThis.model = cl.lenet5({ seed: 0 });
      globalThis.data = cl.loadMnist({ train: 2000, test: 0 });
      process.on('SIGINT', () => undefined);
      console.log('fitting');
      try {
        vm.runInThisContext(
          'for (;;) model.fit(data.trainX, data.trainY, { epochs: 1, batchSize: 64, optimizer: cl.sgd({ learningRate: 0.01 }) })',
          { breakOnSigint: true },
        );
      } catch (e) {
        setImmediate(() => console.log(JSON.stringify({ stopped: /interrupted/.test(String(e)), stale: activeStepBuffers() !== null })));
      }
    `;
    const proc = spawn(process.execPath, ['-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out === 'fitting\n') setTimeout(() => proc.kill('SIGINT'), 1500);
    });
    const killer = setTimeout(() => proc.kill('SIGKILL'), 50_000);
    await new Promise((resolve) => proc.on('exit', resolve));
    clearTimeout(killer);
    expect(JSON.parse(out.split('\n')[1])).to.deep.equal({ stopped: true, stale: false });
  });
});
