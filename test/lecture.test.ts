/** The lecture's worked examples that are about the operations themselves (filters have their own file). */
import { expect } from 'chai';
import { conv2d, correlate2d, outputSize, pool2d, tensor, toNested, zeroPad, convolve2d } from '../src/index';
import {
  averagePoolInput,
  averagePoolOutput,
  lectureImage,
  maxPoolInput,
  maxPoolOutput,
  stridedImage,
  stridedKernel,
  stridedOutput,
} from './helpers/lectureExamples';

describe('the lecture, worked examples', () => {
  it('strided convolution, 7×7 * 3×3, s=2: its own input gives 88 and 117 where the slide prints 83 and 127', () => {
    expect(toNested(correlate2d(tensor(stridedImage), tensor(stridedKernel), { stride: 2 }))).to.deep.equal(
      stridedOutput,
    );
    // (7 + 0 − 3)/2 + 1 = 3
    expect(outputSize(7, 3, 0, 2)).to.equal(3);
  });

  it('max pooling 4×4, f=2 s=2 → [[9,2],[6,3]]', () => {
    expect(toNested(pool2d(tensor(maxPoolInput), { size: 2, stride: 2, mode: 'max' }))).to.deep.equal(
      maxPoolOutput,
    );
  });

  it('average pooling 4×4, f=2 s=2 → [[3.75,1.25],[4,2]]', () => {
    expect(toNested(pool2d(tensor(averagePoolInput), { size: 2, stride: 2, mode: 'avg' }))).to.deep.equal(
      averagePoolOutput,
    );
  });

  it('max pooling 5×5×2 with f=3 s=1 works on each channel on its own → 3×3×2', () => {
    const values = Array.from({ length: 5 }, (_, h) =>
      Array.from({ length: 5 }, (_, w) => [h * 5 + w, -(h * 5 + w)]),
    );
    const out = pool2d(tensor(values), { size: 3, stride: 1, mode: 'max' });
    expect(out.shape).to.deep.equal([3, 3, 2]);
    expect(out.get(0, 0, 0)).to.equal(12); // largest of rows 0–2, cols 0–2 in channel 0
    expect(out.get(0, 0, 1)).to.equal(0); // channel 1 is negated: its max is the window's smallest index
    expect(out.get(2, 2, 0)).to.equal(24);
  });

  it('global average pooling 7×7×1000 → 1×1×1000', () => {
    const x = tensor(
      Array.from({ length: 7 }, () =>
        Array.from({ length: 7 }, () => Array.from({ length: 1000 }, (_, c) => c)),
      ),
    );
    const out = pool2d(x, { size: 7, mode: 'avg' });
    expect(out.shape).to.deep.equal([1, 1, 1000]);
    expect(out.get(0, 0, 999)).to.be.closeTo(999, 1e-3);
  });

  it('padding 6×6 with p=1 gives 8×8, and a 3×3 filter then gives 6×6 ("same")', () => {
    const x = tensor(Array.from({ length: 6 }, () => Array(6).fill(1)));
    const padded = zeroPad(x, 1);
    expect(padded.shape).to.deep.equal([8, 8]);
    expect(padded.get(0, 0)).to.equal(0);
    expect(padded.get(1, 1)).to.equal(1);
    expect(
      correlate2d(
        x,
        tensor([
          [1, 1, 1],
          [1, 1, 1],
          [1, 1, 1],
        ]),
        { pad: 'same' },
      ).shape,
    ).to.deep.equal([6, 6]);
    expect(outputSize(6, 3, 1, 1)).to.equal(6);
    expect(outputSize(6, 3, 0, 1)).to.equal(4);
  });

  it('6×6×3 * two 3×3×3 filters → 4×4×2; a filter reading only the red channel ignores green and blue', () => {
    const x = tensor(
      Array.from({ length: 6 }, () => Array.from({ length: 6 }, (_, w) => [w < 3 ? 10 : 0, 5, 7])),
    );
    const vertical = [1, 0, -1];
    // filter 0: vertical edges in red only; filter 1: vertical edges in any channel
    const W = tensor(
      [0, 1, 2].map(() =>
        vertical.map((v) => [
          [v, v],
          [0, v],
          [0, v],
        ]),
      ),
    );
    const z = conv2d(x, W, tensor([0, 0]));
    expect(z.shape).to.deep.equal([4, 4, 2]);
    expect(toNested(z.pick(0, null, 0))).to.deep.equal([0, 30, 30, 0]);
    expect(toNested(z.pick(0, null, 1))).to.deep.equal([0, 30, 30, 0]); // green and blue are flat: no edge there
  });

  it('convolve2d flips the kernel: on the 6×6 example it equals correlate2d with the kernel turned 180°', () => {
    const image = tensor(lectureImage);
    const kernel = tensor([
      [3, 4, 5],
      [1, 0, 2],
      [-1, 9, 7],
    ]);
    const turned = tensor([
      [7, 9, -1],
      [2, 0, 1],
      [5, 4, 3],
    ]);
    expect(toNested(convolve2d(image, kernel))).to.deep.equal(toNested(correlate2d(image, turned)));
  });
});
