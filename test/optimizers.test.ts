/** sgd, adam, stepDecay: updates by hand, in place, convergence on a bowl, bad options. */
import { expect } from 'chai';
import { adam, Parameter, sgd, stepDecay, tensor, toNested, zeros } from '../src/index';
import { expectClose } from './helpers/close';

function parameter(values: number[], grad: number[]): Parameter {
  return { name: 'p', value: tensor(values, 'float64'), grad: tensor(grad, 'float64') };
}

describe('sgd', () => {
  it('θ=[1,2] g=[0.5,-1] α=0.1 → θ − α·g = [0.95, 2.1], in place', () => {
    const p = parameter([1, 2], [0.5, -1]);
    const before = p.value;
    sgd({ learningRate: 0.1 }).step([p]);
    expect(p.value).to.equal(before);
    expectClose(p.value, [0.95, 2.1], { absolute: 1e-15 });
  });

  it('momentum 0.9, the same g=1 twice: v = 1 then 1.9, θ = 0 − 0.1 − 0.19 = −0.29', () => {
    const p = parameter([0], [1]);
    const optimizer = sgd({ learningRate: 0.1, momentum: 0.9 });
    optimizer.step([p]);
    expectClose(p.value, [-0.1], { absolute: 1e-15 });
    optimizer.step([p]);
    expectClose(p.value, [-0.29], { absolute: 1e-15 });
  });

  it('a new learningRate applies to the next step (how schedules work)', () => {
    const p = parameter([0], [1]);
    const optimizer = sgd({ learningRate: 0.1 });
    optimizer.learningRate = 0.01;
    optimizer.step([p]);
    expectClose(p.value, [-0.01], { absolute: 1e-15 });
  });

  it('throws naming sgd for a bad learning rate or momentum, or a parameter without a gradient', () => {
    expect(() => sgd({ learningRate: 0 })).to.throw(
      Error,
      'sgd: learningRate must be a number in (0, ∞), got 0',
    );
    expect(() => sgd({ learningRate: 0.1, momentum: 1 })).to.throw(
      Error,
      'sgd: momentum must be a number in [0, 1), got 1',
    );
    expect(() =>
      sgd({ learningRate: 0.1 }).step([{ name: 'FC3.W', value: zeros([2]), grad: null }]),
    ).to.throw(Error, 'sgd: parameter FC3.W has no gradient yet; run a backward pass first');
    expect(() =>
      sgd({ learningRate: 0.1 }).step([{ name: 'FC3.W', value: zeros([2]), grad: zeros([3]) }]),
    ).to.throw(Error, 'sgd: gradient of FC3.W has shape [3] but the parameter has [2]');
  });
});

describe('adam', () => {
  it('first step moves each value by α against the sign of its gradient: θ=[1,1] g=[4,-0.01] → [0.9, 1.1]', () => {
    // m̂ = g and v̂ = g² after bias correction, so the step is α·g/(|g| + ε)
    const p = parameter([1, 1], [4, -0.01]);
    adam({ learningRate: 0.1, epsilon: 1e-12 }).step([p]);
    expectClose(p.value, [0.9, 1.1], { absolute: 1e-9 });
  });

  it('second step by hand (β1=0.5, β2=0.5, g=2 then g=1)', () => {
    const p = parameter([0], [2]);
    const optimizer = adam({ learningRate: 1, beta1: 0.5, beta2: 0.5, epsilon: 1e-300 });
    // step 1: m = 0.5·2 = 1 → m̂ = 1/0.5 = 2; v = 0.5·4 = 2 → v̂ = 2/0.5 = 4; θ = 0 − 2/√4 = −1
    optimizer.step([p]);
    expectClose(p.value, [-1], { absolute: 1e-12 });
    // step 2: m = 0.5·1 + 0.5·1 = 1 → m̂ = 1/0.75 = 4/3; v = 0.5·2 + 0.5·1 = 1.5 → v̂ = 1.5/0.75 = 2
    p.grad = tensor([1], 'float64');
    optimizer.step([p]);
    expectClose(p.value, [-1 - 4 / 3 / Math.sqrt(2)], { absolute: 1e-12 });
  });

  it('finds the bottom of the bowl J = (θ0 − 3)² + 10·(θ1 + 1)²', () => {
    const p: Parameter = { name: 'θ', value: tensor([0, 0], 'float64'), grad: null };
    const optimizer = adam({ learningRate: 0.05 });
    for (let i = 0; i < 2000; i++) {
      const [a, b] = toNested(p.value) as number[];
      p.grad = tensor([2 * (a - 3), 20 * (b + 1)], 'float64');
      optimizer.step([p]);
    }
    expectClose(p.value, [3, -1], { absolute: 1e-3 });
  });

  it('throws naming adam for bad betas and epsilon', () => {
    expect(() => adam({ beta1: 1 })).to.throw(Error, 'adam: beta1 must be a number in [0, 1), got 1');
    expect(() => adam({ beta2: -0.1 })).to.throw(Error, 'adam: beta2 must be a number in [0, 1), got -0.1');
    expect(() => adam({ epsilon: 0 })).to.throw(Error, 'adam: epsilon must be a number in (0, ∞), got 0');
    expect(() => adam({ learningRate: Number.NaN })).to.throw(Error, /^adam: learningRate must be a number/);
  });
});

describe('stepDecay', () => {
  it('0.001 halved every 2 epochs: epochs 0…5 → .001 .001 .0005 .0005 .00025 .00025', () => {
    const schedule = stepDecay(0.001, { factor: 0.5, every: 2 });
    expect([0, 1, 2, 3, 4, 5].map(schedule)).to.deep.equal([0.001, 0.001, 0.0005, 0.0005, 0.00025, 0.00025]);
  });

  it('throws naming stepDecay for a bad period', () => {
    expect(() => stepDecay(0.1, { factor: 0.5, every: 0 })).to.throw(
      Error,
      'stepDecay: every must be a positive integer (epochs), got 0',
    );
  });
});
