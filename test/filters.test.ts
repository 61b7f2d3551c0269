/** The lecture's edge filters, its worked examples run through correlate2d, and steered kernels. */
import { expect } from 'chai';
import { correlate2d, filters, steerKernel, tensor, toNested } from '../src/index';
import { expectClose } from './helpers/close';
import { brightLeft, brightRight, checker, lectureImage, lectureOutput } from './helpers/lectureExamples';

const rows4 = (row: number[]) => [row, row, row, row];

describe('filters', () => {
  it('are the lecture kernels, 3×3 float32, y versions the transposes of the x versions', () => {
    expect(toNested(filters.vertical)).to.deep.equal([
      [1, 0, -1],
      [1, 0, -1],
      [1, 0, -1],
    ]);
    expect(toNested(filters.horizontal)).to.deep.equal([
      [1, 1, 1],
      [0, 0, 0],
      [-1, -1, -1],
    ]);
    expect(toNested(filters.sobelX)).to.deep.equal([
      [1, 0, -1],
      [2, 0, -2],
      [1, 0, -1],
    ]);
    expect(toNested(filters.scharrX)).to.deep.equal([
      [3, 0, -3],
      [10, 0, -10],
      [3, 0, -3],
    ]);
    for (const [x, y] of [
      ['vertical', 'horizontal'],
      ['sobelX', 'sobelY'],
      ['scharrX', 'scharrY'],
    ] as const) {
      const kx = filters[x];
      const ky = filters[y];
      expect(ky.shape, y).to.deep.equal([3, 3]);
      expect(ky.data, y).to.be.instanceOf(Float32Array);
      expect(toNested(ky), `${y} = ${x}ᵀ`).to.deep.equal(toNested(kx.transpose(1, 0)));
    }
  });

  it('is each read a fresh copy, so editing one does not change the library', () => {
    const mine = filters.sobelX;
    mine.set(1, 0, 99);
    expect(filters.sobelX.get(1, 0)).to.equal(2);
    expect(filters.sobelX).to.not.equal(filters.sobelX);
    expect(Object.isFrozen(filters), 'filters cannot be re-pointed').to.equal(true);
  });
});

describe('the lecture, edge detection worked examples (correlate2d)', () => {
  it('6×6 * vertical → 4×4 [[-5,-4,0,8],[-10,-2,2,3],[0,-2,-4,-7],[-3,-2,-3,-16]]', () => {
    expect(toNested(correlate2d(tensor(lectureImage), filters.vertical))).to.deep.equal(lectureOutput);
  });

  it('10s then 0s * vertical → columns 0, 30, 30, 0 (bright left is positive)', () => {
    const row = [0, 30, 30, 0];
    expect(toNested(correlate2d(tensor(brightLeft), filters.vertical))).to.deep.equal([row, row, row, row]);
  });

  it('0s then 10s * vertical → columns 0, −30, −30, 0 (the edge flipped, the sign flipped)', () => {
    const row = [0, -30, -30, 0];
    expect(toNested(correlate2d(tensor(brightRight), filters.vertical))).to.deep.equal([row, row, row, row]);
  });

  it('the checker image * horizontal → rows 0 / 30,10,−10,−30 / 30,10,−10,−30 / 0', () => {
    expect(toNested(correlate2d(tensor(checker), filters.horizontal))).to.deep.equal([
      [0, 0, 0, 0],
      [30, 10, -10, -30],
      [30, 10, -10, -30],
      [0, 0, 0, 0],
    ]);
  });

  it('Sobel and Scharr weigh the centre row more: 10s then 0s → 0, 40, 40, 0 and 0, 160, 160, 0', () => {
    // each output sums (10 − 0) over the kernel's left column: 1+2+1 = 4, 3+10+3 = 16
    expect(toNested(correlate2d(tensor(brightLeft), filters.sobelX))).to.deep.equal(rows4([0, 40, 40, 0]));
    expect(toNested(correlate2d(tensor(brightLeft), filters.scharrX))).to.deep.equal(rows4([0, 160, 160, 0]));
  });
});

describe('steerKernel', () => {
  it('0° is sobelX and 90° is sobelY exactly (no 6e-17 leftovers)', () => {
    expect(toNested(steerKernel(0))).to.deep.equal(toNested(filters.sobelX));
    expect(toNested(steerKernel(90))).to.deep.equal(toNested(filters.sobelY));
    expect(toNested(steerKernel(90, { base: 'scharr' }))).to.deep.equal(toNested(filters.scharrY));
  });

  it('180° is −sobelX and −90° is the same as 270°', () => {
    expect(toNested(steerKernel(180))).to.deep.equal([
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ]);
    expect(toNested(steerKernel(-90))).to.deep.equal(toNested(steerKernel(270)));
  });

  it('45° is (sobelX + sobelY)/√2 = [[2,2,0],[2,0,−2],[0,−2,−2]]/√2', () => {
    const r = Math.SQRT1_2;
    expectClose(
      steerKernel(45),
      [
        [2 * r, 2 * r, 0],
        [2 * r, 0, -2 * r],
        [0, -2 * r, -2 * r],
      ],
      { absolute: 1e-6 },
    );
  });

  it('45° Scharr = (scharrX + scharrY)/√2 and it answers most to a bright top-left corner', () => {
    const r = Math.SQRT1_2;
    expectClose(
      steerKernel(45, { base: 'scharr' }),
      [
        [6 * r, 10 * r, 0],
        [10 * r, 0, -10 * r],
        [0, -10 * r, -6 * r],
      ],
      { absolute: 1e-5 },
    );
    // a diagonal edge, bright above the anti-diagonal: 45° answers more than 0° or 90°
    const diagonal = tensor([
      [1, 1, 0],
      [1, 0, 0],
      [0, 0, 0],
    ]);
    const response = (deg: number) => correlate2d(diagonal, steerKernel(deg)).get(0, 0);
    expect(response(45)).to.be.greaterThan(response(0));
    expect(response(45)).to.be.greaterThan(response(90));
    expect(response(0)).to.equal(3); // left column 1·1 + 2·1 + 1·0 minus right column 0
  });

  it('rejects a non-finite angle and an unknown base, naming itself', () => {
    expect(() => steerKernel(NaN)).to.throw(
      /^steerKernel: angle must be a finite number of degrees, got null/,
    );
    expect(() => steerKernel(0, { base: 'prewitt' as 'sobel' })).to.throw(
      `steerKernel: base must be 'sobel' or 'scharr', got "prewitt"`,
    );
  });
});
