import { expect } from 'chai';
import ndarray from 'ndarray';
import { DType, full, ops, tensor, toNested, zeros } from '../src/index';

// a 3×4 matrix with distinct values: row r, column c holds 10·r + c − 5
const grid = (dtype: DType) =>
  tensor(
    [
      [-5, -4, -3, -2],
      [5, 6, 7, 8],
      [15, 16, 17, 18],
    ],
    dtype,
  );

describe('ops (ndarray-ops for tensors)', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    describe(dtype, () => {
      it('mul(out, gx, gx) squares element by element, in place, and returns out', () => {
        const gx = tensor([[1, -2, 3]], dtype);
        const out = zeros([1, 3], dtype);
        expect(ops.mul(out, gx, gx)).to.equal(out);
        expect(toNested(out)).to.deep.equal([[1, 4, 9]]);
        expect(toNested(gx)).to.deep.equal([[1, -2, 3]]);
      });
      it('the eq / s / seq forms: addeq, subs, mulseq, divs, maxs (a ReLU), powseq', () => {
        const a = tensor([1, -2, 3], dtype);
        const b = tensor([10, 20, 30], dtype);
        expect(toNested(ops.addeq(zeros([3], dtype), a))).to.deep.equal([1, -2, 3]);
        expect(toNested(ops.addeq(b, a))).to.deep.equal([11, 18, 33]);
        expect(toNested(ops.subs(zeros([3], dtype), a, 1))).to.deep.equal([0, -3, 2]);
        expect(toNested(ops.mulseq(tensor([1, -2, 3], dtype), 0.5))).to.deep.equal([0.5, -1, 1.5]);
        expect(toNested(ops.divs(zeros([3], dtype), a, 4))).to.deep.equal([0.25, -0.5, 0.75]);
        expect(toNested(ops.maxs(zeros([3], dtype), a, 0))).to.deep.equal([1, 0, 3]);
        expect(toNested(ops.powseq(tensor([1, -2, 3], dtype), 2))).to.deep.equal([1, 4, 9]);
      });
      it('one-argument ops: abs, sqrteq, neg, round', () => {
        const a = tensor([-4, 9, -0.4], dtype);
        const point4 = dtype === 'float32' ? Math.fround(0.4) : 0.4;
        expect(toNested(ops.abs(zeros([3], dtype), a))).to.deep.equal([4, 9, point4]);
        expect(toNested(ops.sqrteq(tensor([4, 9, 0.25], dtype)))).to.deep.equal([2, 3, 0.5]);
        expect(toNested(ops.neg(zeros([3], dtype), tensor([1, -2, 0.5], dtype)))).to.deep.equal([
          -1, 2, -0.5,
        ]);
        expect(toNested(ops.round(zeros([3], dtype), tensor([1.4, 2.5, -0.6], dtype)))).to.deep.equal([
          1, 3, -1,
        ]);
      });
      it('comparisons store 1 or 0: gts(out, a, 0.5), eq, neqs', () => {
        const out = ops.gts(zeros([4], dtype), tensor([0.2, 0.7, 0.5, 3], dtype), 0.5);
        expect(toNested(out)).to.deep.equal([0, 1, 0, 1]);
        const same = ops.eq(zeros([3], dtype), tensor([1, 2, 3], dtype), tensor([1, 0, 3], dtype));
        expect(toNested(same)).to.deep.equal([1, 0, 1]);
        expect(toNested(ops.neqs(zeros([3], dtype), tensor([1, 2, 3], dtype), 2))).to.deep.equal([1, 0, 1]);
      });
      it('reductions on a contiguous tensor: sum, prod, sup, inf, norms, argmax, argmin', () => {
        const m = grid(dtype);
        expect(ops.sum(m)).to.equal(78);
        expect(ops.prod(tensor([2, -3, 4], dtype))).to.equal(-24);
        expect(ops.sup(m)).to.equal(18);
        expect(ops.inf(m)).to.equal(-5);
        expect(ops.norm1(tensor([3, -4], dtype))).to.equal(7);
        expect(ops.norm2(tensor([3, -4], dtype))).to.equal(5);
        expect(ops.norm2squared(tensor([3, -4], dtype))).to.equal(25);
        expect(ops.norminf(tensor([3, -4], dtype))).to.equal(4);
        expect(ops.argmax(m)).to.deep.equal([2, 3]);
        expect(ops.argmin(m)).to.deep.equal([0, 0]);
        expect(ops.any(zeros([2, 2], dtype))).to.equal(false);
        expect(ops.all(m)).to.equal(true);
        expect(ops.equals(m, grid(dtype))).to.equal(true);
      });
      it('views: a transpose, a window, a step and a picked row are read with their strides', () => {
        const m = grid(dtype);
        expect(ops.sum(m.transpose(1, 0))).to.equal(78);
        // rows 1..2, columns 1..2: 6, 7, 16, 17
        expect(ops.sum(m.lo(1, 1).hi(2, 2))).to.equal(46);
        expect(ops.sup(m.lo(1, 1).hi(2, 2))).to.equal(17);
        // every other column: -5, -3, 5, 7, 15, 17
        expect(ops.sum(m.step(1, 2))).to.equal(36);
        expect(ops.inf(m.pick(1, null))).to.equal(5);
        // the index is in the view's own coordinates
        expect(ops.argmax(m.transpose(1, 0))).to.deep.equal([3, 2]);
        expect(ops.argmin(m.pick(null, 2))).to.deep.equal([0]);
      });
      it('writing into a view changes only the window, and a view can be an operand', () => {
        const m = grid(dtype);
        ops.mulseq(m.lo(1, 1).hi(1, 2), 10); // row 1, columns 1..2
        expect(toNested(m)).to.deep.equal([
          [-5, -4, -3, -2],
          [5, 60, 70, 8],
          [15, 16, 17, 18],
        ]);
        const columns = zeros([4, 3], dtype);
        ops.assign(columns, grid(dtype).transpose(1, 0));
        expect(toNested(columns)).to.deep.equal([
          [-5, 5, 15],
          [-4, 6, 16],
          [-3, 7, 17],
          [-2, 8, 18],
        ]);
        const sums = ops.add(zeros([3], dtype), grid(dtype).pick(null, 0), grid(dtype).pick(null, 3));
        expect(toNested(sums)).to.deep.equal([-7, 13, 33]);
      });
    });
  }

  it('mixes dtypes: assign a float64 tensor into a float32 one rounds to float32', () => {
    const out = zeros([2]);
    ops.assign(out, tensor([0.1, 2], 'float64'));
    expect(out.data).to.be.instanceOf(Float32Array);
    expect(Array.from(out.data)).to.deep.equal([Math.fround(0.1), 2]);
  });
  it('reads other arrays too: the RGB bytes of RGBA pixels divided by 255', () => {
    const rgba = ndarray(new Uint8Array([255, 0, 51, 9, 0, 102, 255, 9]), [1, 2, 3], [8, 4, 1]);
    const rgb = ops.divs(zeros([1, 2, 3]), rgba, 255);
    expect(Array.from(rgb.data)).to.deep.equal([1, 0, 0.2, 0, 0.4, 1].map(Math.fround));
  });
  it('assigns fills; sup of an empty tensor is -Infinity and its sum 0', () => {
    expect(toNested(ops.assigns(zeros([2, 2]), 7))).to.deep.equal([
      [7, 7],
      [7, 7],
    ]);
    expect(ops.sup(zeros([0, 3]))).to.equal(-Infinity);
    expect(ops.inf(zeros([0, 3]))).to.equal(Infinity);
    expect(ops.sum(zeros([0, 3]))).to.equal(0);
  });
  it('NaN: sup and argmax skip it (a comparison with NaN is false), sum is NaN', () => {
    const a = tensor([1, 5, 3]);
    a.set(1, NaN);
    expect(ops.sup(a)).to.equal(3);
    expect(ops.argmax(a)).to.deep.equal([2]);
    expect(Number.isNaN(ops.sum(a))).to.equal(true);
  });
  it('argmax: ties go to the first in row-major order; all NaN or all -Infinity give the first element', () => {
    expect(
      ops.argmax(
        tensor([
          [1, 9],
          [9, 2],
        ]),
      ),
    ).to.deep.equal([0, 1]);
    expect(ops.argmax(full([2], NaN))).to.deep.equal([0]);
    expect(ops.argmax(tensor([[-Infinity, -Infinity]]))).to.deep.equal([0, 0]);
    expect(ops.argmin(tensor([Infinity]))).to.deep.equal([0]);
  });
  it('Is a wrong call refused with the call, the argument and the shapes named?', () => {
    expect(() => ops.mul(zeros([2, 2]), zeros([2, 3]), zeros([2, 3]))).to.throw(
      'ops.mul: shapes differ (out [2,2], a [2,3], b [2,3])',
    );
    expect(() => ops.equals(zeros([2]), zeros([3]))).to.throw('ops.equals: shapes differ (a [2], b [3])');
    expect(() => (ops.mul as (...args: unknown[]) => unknown)(zeros([2]), zeros([2]))).to.throw(
      'ops.mul: takes (out, a, b), got 2 argument(s)',
    );
    expect(() => (ops.adds as (...args: unknown[]) => unknown)(zeros([2]), zeros([2]), '1')).to.throw(
      'ops.adds: s must be a number, got string',
    );
    expect(() => (ops.sum as (...args: unknown[]) => unknown)([1, 2])).to.throw(
      'ops.sum: a must be an ndarray (use tensor([...])), got an array',
    );
    expect(() => ops.argmax(zeros([0]))).to.throw('ops.argmax: a is empty (a [0])');
  });
});
