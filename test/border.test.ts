/** Border modes, each worked by hand on the row a b c d = 1 2 3 4, and their names across libraries. */
import { expect } from 'chai';
import { borderInterpolate, borderModes, padBorder, tensor, toNested, zeroPad } from '../src/index';

const row = tensor([[1, 2, 3, 4]]); // a 1×4 image: a=1 b=2 c=3 d=4

describe('padBorder on the row a b c d = 1 2 3 4, pad 3', () => {
  // A 1×4 image padded by 3 is 7×10; its middle row shows the left/right rule, its first column
  // (all copies of a) the top/bottom rule.
  const middle = (mode: (typeof borderModes)[number]) => (toNested(padBorder(row, 3, mode)) as number[][])[3];

  it("'zero': 0 0 0 | a b c d | 0 0 0 (OpenCV BORDER_CONSTANT, NumPy 'constant')", () => {
    expect(middle('zero')).to.deep.equal([0, 0, 0, 1, 2, 3, 4, 0, 0, 0]);
  });

  it("'reflect': c b a | a b c d | d c b — edge repeated (OpenCV BORDER_REFLECT, NumPy 'symmetric', scipy 'reflect')", () => {
    expect(middle('reflect')).to.deep.equal([3, 2, 1, 1, 2, 3, 4, 4, 3, 2]);
  });

  it("'reflect-101': d c b | a b c d | c b a — edge not repeated (OpenCV BORDER_REFLECT_101, NumPy 'reflect', scipy 'mirror')", () => {
    expect(middle('reflect-101')).to.deep.equal([4, 3, 2, 1, 2, 3, 4, 3, 2, 1]);
  });

  it("'replicate': a a a | a b c d | d d d (OpenCV BORDER_REPLICATE, NumPy 'edge', scipy 'nearest')", () => {
    expect(middle('replicate')).to.deep.equal([1, 1, 1, 1, 2, 3, 4, 4, 4, 4]);
  });

  it('pads the rows by the same rule: a column of one pixel reflects onto itself, or is zero', () => {
    for (const mode of ['reflect', 'reflect-101', 'replicate'] as const) {
      const column = (toNested(padBorder(row, 3, mode)) as number[][]).map((r) => r[3]); // the column of a
      expect(column, mode).to.deep.equal([1, 1, 1, 1, 1, 1, 1]);
    }
    expect((toNested(padBorder(row, 3, 'zero')) as number[][]).map((r) => r[3])).to.deep.equal([
      0, 0, 0, 1, 0, 0, 0,
    ]);
  });
});

describe('padBorder on 2-D and 3-D images', () => {
  it('2×3 gray, pad 1, reflect-101: corners come from the diagonal neighbour', () => {
    const image = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // rows: r−1 → r1, r2 → r0; columns: c−1 → c1, c3 → c1
    expect(toNested(padBorder(image, 1, 'reflect-101'))).to.deep.equal([
      [5, 4, 5, 6, 5],
      [2, 1, 2, 3, 2],
      [5, 4, 5, 6, 5],
      [2, 1, 2, 3, 2],
    ]);
    expect(toNested(padBorder(image, 1, 'reflect'))).to.deep.equal([
      [1, 1, 2, 3, 3],
      [1, 1, 2, 3, 3],
      [4, 4, 5, 6, 6],
      [4, 4, 5, 6, 6],
    ]);
  });

  it('pads each channel of an (H,W,C) image the same way and keeps float64', () => {
    const image = tensor(
      [
        [
          [1, -1],
          [2, -2],
          [3, -3],
        ],
      ],
      'float64',
    ); // 1×3×2
    const out = padBorder(image, 2, 'reflect-101');
    expect(out.shape).to.deep.equal([5, 7, 2]);
    expect(out.data).to.be.instanceOf(Float64Array);
    const middle = (toNested(out) as number[][][])[2];
    expect(middle.map((p) => p[0])).to.deep.equal([3, 2, 1, 2, 3, 2, 1]);
    expect(middle.map((p) => p[1])).to.deep.equal([-3, -2, -1, -2, -3, -2, -1]);
  });

  it("'zero' equals zeroPad, and pad 0 returns an equal copy", () => {
    const image = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(toNested(padBorder(image, 2, 'zero'))).to.deep.equal(toNested(zeroPad(image, 2)));
    for (const mode of borderModes)
      expect(toNested(padBorder(image, 0, mode)), mode).to.deep.equal([
        [1, 2],
        [3, 4],
      ]);
  });

  it('reads views: a transposed image pads as its transpose', () => {
    const image = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const padded = padBorder(image.transpose(1, 0), 1, 'replicate');
    expect((toNested(padded) as number[][])[0]).to.deep.equal([1, 1, 4, 4]);
  });
});

describe('borderInterpolate (the index rule, as OpenCV names it)', () => {
  it('keeps bouncing when the pad is wider than the row (n = 3: a b c)', () => {
    // reflect, period 6:     … c c b a | a b c | c b a a …
    expect([-4, -3, -2, -1, 3, 4, 5, 6].map((p) => borderInterpolate(p, 3, 'reflect'))).to.deep.equal([
      2, 2, 1, 0, 2, 1, 0, 0,
    ]);
    // reflect-101, period 4: … a b c b | a b c | b a b c …
    expect([-4, -3, -2, -1, 3, 4, 5, 6].map((p) => borderInterpolate(p, 3, 'reflect-101'))).to.deep.equal([
      0, 1, 2, 1, 1, 0, 1, 2,
    ]);
    expect([-2, 5].map((p) => borderInterpolate(p, 3, 'replicate'))).to.deep.equal([0, 2]);
    expect([-1, 3].map((p) => borderInterpolate(p, 3, 'zero'))).to.deep.equal([-1, -1]);
  });

  it('a row of one pixel: reflect-101 has nothing to skip and stays on it', () => {
    expect(borderInterpolate(-2, 1, 'reflect-101')).to.equal(0);
    expect(borderInterpolate(3, 1, 'reflect')).to.equal(0);
  });
});

describe('border bad input', () => {
  it('names the function, the problem and the shape', () => {
    const image = tensor([[1, 2]]);
    expect(() => padBorder(image, 1, 'mirror' as 'reflect')).to.throw(
      `padBorder: border mode must be one of 'zero', 'reflect', 'reflect-101', 'replicate', got "mirror"`,
    );
    expect(() => padBorder(image, -1, 'reflect')).to.throw(
      'padBorder: pad must be a non-negative integer, got -1 (image [1,2])',
    );
    expect(() => padBorder(image, 1.5, 'reflect')).to.throw(/pad must be a non-negative integer, got 1.5/);
    expect(() => padBorder(tensor([[[[1]]]]), 1, 'reflect')).to.throw(
      'padBorder: image must have 2 or 3 dimensions, got 4 (image [1,1,1,1])',
    );
    expect(() => padBorder([[1, 2]] as never, 1, 'reflect')).to.throw(/^padBorder: image must be an ndarray/);
    expect(() => borderInterpolate(0, 0, 'reflect')).to.throw(
      'borderInterpolate: p must be an integer and n a positive integer, got p=0, n=0',
    );
  });
});
