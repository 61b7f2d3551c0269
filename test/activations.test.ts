/** relu, reluBackward, softmax, softmaxBackward: values by hand, dtype, views, gradient checks, bad input. */
import { expect } from 'chai';
import {
  dtypeOf,
  randn,
  relu,
  reluBackward,
  softmax,
  softmaxBackward,
  tensor,
  toNested,
  zeros,
} from '../src/index';
import { expectClose } from './helpers/close';
import { expectGradientClose, numericalGradient, weightedSum } from './helpers/gradientCheck';

describe('relu', () => {
  it('z=[[-2,0,3],[1.5,-0.5,7]] → negatives and zero become 0', () => {
    const a = relu(
      tensor([
        [-2, 0, 3],
        [1.5, -0.5, 7],
      ]),
    );
    expect(toNested(a)).to.deep.equal([
      [0, 0, 3],
      [1.5, 0, 7],
    ]);
  });

  it('keeps the dtype (float32 in, float32 out; float64 in, float64 out)', () => {
    expect(dtypeOf(relu(tensor([1, -1])))).to.equal('float32');
    expect(dtypeOf(relu(tensor([1, -1], 'float64')))).to.equal('float64');
  });

  it('reads a strided view: relu of every other column', () => {
    const z = tensor([
      [-1, 2, -3, 4],
      [5, -6, 7, -8],
    ]);
    expect(toNested(relu(z.step(1, 2)))).to.deep.equal([
      [0, 0],
      [5, 7],
    ]);
  });

  it('does not change its input', () => {
    const z = tensor([-1, 2]);
    relu(z);
    expect(toNested(z)).to.deep.equal([-1, 2]);
  });

  it('throws naming relu when given a plain array', () => {
    expect(() => relu([1, 2] as never)).to.throw(Error, /^relu: z must be an ndarray/);
  });
});

describe('reluBackward', () => {
  it('z=[-2,0,3,1] dA=[10,20,30,40] → [0,0,30,40] (slope 0 at exactly 0)', () => {
    const dZ = reluBackward(tensor([10, 20, 30, 40]), tensor([-2, 0, 3, 1]));
    expect(toNested(dZ)).to.deep.equal([0, 0, 30, 40]);
  });

  it('matches centred differences on a (2,3,3,2) float64 tensor', () => {
    const z = randn([2, 3, 3, 2], 11, 1, 'float64');
    const r = randn([2, 3, 3, 2], 12, 1, 'float64');
    const numeric = numericalGradient(() => weightedSum(relu(z), r), z);
    expectGradientClose(reluBackward(r, z), numeric, 'relu');
  });

  it('throws naming reluBackward when dA and z differ in shape', () => {
    expect(() => reluBackward(zeros([2, 3]), zeros([3, 2]))).to.throw(
      Error,
      'reluBackward: dA and z must have the same shape (dA [2,3], z [3,2])',
    );
  });
});

describe('softmax', () => {
  it('z=[0, ln 2, ln 3] → e^z = [1,2,3] → [1/6, 1/3, 1/2]', () => {
    const a = softmax(tensor([[0, Math.log(2), Math.log(3)]], 'float64'));
    expectClose(a, [[1 / 6, 1 / 3, 1 / 2]], { absolute: 1e-15 });
  });

  it('z=[[1,2,3],[1,1,1]]: each row on its own; equal scores give equal probabilities', () => {
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const sum = e[0] + e[1] + e[2];
    const a = softmax(
      tensor(
        [
          [1, 2, 3],
          [1, 1, 1],
        ],
        'float64',
      ),
    );
    expectClose(a, [e.map((v) => v / sum), [1 / 3, 1 / 3, 1 / 3]], { absolute: 1e-15 });
  });

  it('z=[1000,1001,1002] is as z=[0,1,2] (no overflow to Infinity/NaN)', () => {
    const big = softmax(tensor([[1000, 1001, 1002]], 'float64'));
    expectClose(big, softmax(tensor([[0, 1, 2]], 'float64')), { absolute: 1e-15 });
    const small = softmax(tensor([[-1000, 0]], 'float64'));
    expect(toNested(small)).to.deep.equal([[0, 1]]);
  });

  it('works over the last axis of a (2,2,3) tensor, keeping float32', () => {
    const a = softmax(
      tensor([
        [
          [0, 0, 0],
          [5, 5, 5],
        ],
        [
          [1, 1, 1],
          [2, 2, 2],
        ],
      ]),
    );
    expect(dtypeOf(a)).to.equal('float32');
    expectClose(
      a,
      [
        [
          [1 / 3, 1 / 3, 1 / 3],
          [1 / 3, 1 / 3, 1 / 3],
        ],
        [
          [1 / 3, 1 / 3, 1 / 3],
          [1 / 3, 1 / 3, 1 / 3],
        ],
      ],
      {
        absolute: 1e-7,
      },
    );
  });

  it('softmaxBackward matches centred differences for any upstream gradient (4 rows of 5 scores)', () => {
    const z = randn([4, 5], 21, 2, 'float64');
    const r = randn([4, 5], 22, 1, 'float64');
    const numeric = numericalGradient(() => weightedSum(softmax(z), r), z);
    expectGradientClose(softmaxBackward(r, softmax(z)), numeric, 'softmax');
  });

  it('throws naming softmax / softmaxBackward on bad input', () => {
    expect(() => softmax(null as never)).to.throw(Error, /^softmax: z must be an ndarray/);
    expect(() => softmaxBackward(zeros([2, 3]), zeros([2, 4]))).to.throw(
      Error,
      'softmaxBackward: dA and a must have the same shape (dA [2,3], a [2,4])',
    );
  });
});
