/**
 * runCorrelateJs runs the kernel playground's own JavaScript (CORRELATE_JS) in Node: on the
 * lecture's 6×6 example it must give the lecture's 4×4 output, and correlate2d's numbers elsewhere.
 */
import { expect } from 'chai';
import { correlate2d, filters, rand, runCorrelateJs, tensor, toNested, zeros } from '../src/index';
import { expectClose } from './helpers/close';
import { lectureImage, lectureOutput } from './helpers/lectureExamples';

const lectureInput = tensor(lectureImage);

describe('runCorrelateJs', () => {
  it("lecture 6×6 ⋆ vertical filter, pad 'valid': the lecture's 4×4 output", () => {
    expect(toNested(runCorrelateJs(lectureInput, filters.vertical, { pad: 'valid' }))).to.deep.equal(
      lectureOutput,
    );
  });

  it("pad 'same' (the default) keeps 6×6: the same numbers as correlate2d, corners from zero padding", () => {
    const out = runCorrelateJs(lectureInput, filters.sobelX);
    expect(out.shape).to.deep.equal([6, 6]);
    expect(toNested(out)).to.deep.equal(toNested(correlate2d(lectureInput, filters.sobelX, { pad: 'same' })));
    // top-left corner: only the window's bottom-right 2×2 lies on the image: 0·3 + (−2)·0 + 0·1 + (−1)·5
    expect(out.get(0, 0)).to.equal(-5);
  });

  for (const [height, width, f, pad] of [
    [9, 7, 3, 0],
    [9, 7, 3, 1],
    [5, 8, 3, 2],
    [6, 6, 5, 2],
    [4, 4, 1, 0],
  ]) {
    it(`matches correlate2d in float64: image ${height}×${width}, kernel ${f}×${f}, pad ${pad}`, () => {
      const image = rand([height, width], 11 + height, -1, 1, 'float64');
      const kernel = rand([f, f], 7 + f, -2, 2, 'float64');
      expectClose(runCorrelateJs(image, kernel, { pad }), correlate2d(image, kernel, { pad }), {
        absolute: 1e-12,
      });
    });
  }

  it('a 5×5 kernel with pad 2 on a random 9×7 float32 image: correlate2d within float32 rounding', () => {
    const image = rand([9, 7], 3);
    const kernel = rand([5, 5], 4);
    const out = runCorrelateJs(image, kernel, { pad: 2 });
    expectClose(out, correlate2d(image, kernel, { pad: 2 }), { absolute: 1e-5 });
  });

  it('bad input: a 3-D image, a non-square kernel, a kernel that does not fit, a bad pad', () => {
    expect(() => runCorrelateJs(zeros([4, 4, 1]), filters.vertical)).to.throw(
      /^runCorrelateJs: image must have 2 dimensions, got 3/,
    );
    expect(() => runCorrelateJs(zeros([4, 4]), zeros([3, 2]))).to.throw(
      'runCorrelateJs: kernel must be square and not empty (image [4,4], kernel [3,2])',
    );
    expect(() => runCorrelateJs(zeros([2, 6]), filters.vertical, { pad: 'valid' })).to.throw(
      'runCorrelateJs: the kernel does not fit in the image padded by 0 (image [2,6], kernel [3,3])',
    );
    expect(() => runCorrelateJs(zeros([4, 4]), filters.vertical, { pad: -1 })).to.throw(
      /^runCorrelateJs: pad must be a non-negative integer/,
    );
  });
});
