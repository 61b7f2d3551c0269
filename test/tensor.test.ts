import { expect } from 'chai';
import {
  tensor,
  toNested,
  zeros,
  full,
  copy,
  dtypeOf,
  reshape,
  seededRandom,
  randn,
  rand,
  isContiguous,
  assign,
} from '../src/index';

describe('tensors', () => {
  it('tensor() is float32 by default and keeps float64 when asked', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).data,
    ).to.be.instanceOf(Float32Array);
    const t = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      'float64',
    );
    expect(t.data).to.be.instanceOf(Float64Array);
    expect(t.shape).to.deep.equal([2, 2]);
    expect(toNested(t)).to.deep.equal([
      [1, 2],
      [3, 4],
    ]);
  });
  it('float32 rounds: 0.1 is stored as the nearest float32', () => {
    expect(tensor([0.1]).get(0)).to.equal(Math.fround(0.1));
    expect(tensor([0.1], 'float64').get(0)).to.equal(0.1);
  });
  it('toNested follows views (transpose, step, pick)', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(toNested(t.transpose(1, 0))).to.deep.equal([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(toNested(t.step(1, -1))).to.deep.equal([
      [3, 2, 1],
      [6, 5, 4],
    ]);
    expect(toNested(t.pick(null, 1))).to.deep.equal([2, 5]);
  });
  it('zeros, full, copy and reshape keep dtype and values', () => {
    expect(toNested(zeros([2, 1], 'float64'))).to.deep.equal([[0], [0]]);
    expect(dtypeOf(zeros([2, 1], 'float64'))).to.equal('float64');
    expect(toNested(full([2], 7))).to.deep.equal([7, 7]);
    const t = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'float64',
    );
    const c = copy(t.transpose(1, 0));
    expect(isContiguous(c)).to.equal(true);
    expect(isContiguous(t.transpose(1, 0))).to.equal(false);
    expect(toNested(reshape(t.transpose(1, 0), [6]))).to.deep.equal([1, 4, 2, 5, 3, 6]);
    expect(dtypeOf(copy(t, 'float32'))).to.equal('float32');
    const dest = zeros([3, 2]);
    assign(dest.step(-1, 1), t.transpose(1, 0));
    expect(toNested(dest)).to.deep.equal([
      [3, 6],
      [2, 5],
      [1, 4],
    ]);
  });
});

describe('seeded random numbers', () => {
  it('the same seed gives the same numbers, another seed others', () => {
    expect(toNested(randn([5], 42))).to.deep.equal(toNested(randn([5], 42)));
    expect(toNested(randn([5], 42))).not.to.deep.equal(toNested(randn([5], 43)));
  });
  it('normal() has mean ≈ 0 and variance ≈ 1; uniform() lies in [0,1)', () => {
    const rng = seededRandom(1);
    const n = 20000;
    const values = Array.from({ length: n }, () => rng.normal());
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(mean).to.be.closeTo(0, 0.03);
    expect(variance).to.be.closeTo(1, 0.05);
    const u = rand([1000], 3, -2, 2).data;
    expect(Math.min(...u)).to.be.at.least(-2);
    expect(Math.max(...u)).to.be.below(2);
  });
  it('permutation holds every index once', () => {
    const p = seededRandom(5).permutation(100);
    expect([...p].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
    expect(p).not.to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
  });
});
