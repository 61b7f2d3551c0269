/** smallGray: gray, shrunk by a whole factor (block averages), cut to its middle maxSide×maxSide. */
import { expect } from 'chai';
import { smallGray, tensor, toNested, zeros } from '../src/index';
import { expectClose } from './helpers/close';

describe('smallGray', () => {
  it('4×6 gray, maxSide 3: shrunk by 2 (ceil(6/3)) to 2×3 block averages', () => {
    const image = tensor(
      [
        [0, 2, 4, 6, 8, 10],
        [2, 4, 6, 8, 10, 12],
        [1, 1, 1, 1, 1, 1],
        [3, 3, 3, 3, 3, 3],
      ],
      'float64',
    );
    expect(toNested(smallGray(image, 3))).to.deep.equal([
      [2, 6, 10],
      [2, 2, 2],
    ]);
  });

  it('a small image is kept as it is (factor 1)', () => {
    const image = tensor([[0.1, 0.2, 0.3]], 'float64');
    expect(toNested(smallGray(image))).to.deep.equal([[0.1, 0.2, 0.3]]);
  });

  it('2×12, maxSide 3: the factor stops at the shorter side (2), then the middle 3 of 6 columns', () => {
    const image = zeros([2, 12], 'float64');
    for (let c = 0; c < 12; c++) {
      image.set(0, c, c);
      image.set(1, c, c);
    }
    // block means of columns (0,1), (2,3), …: 0.5, 2.5, 4.5, 6.5, 8.5, 10.5; the middle three start at 1
    expect(toNested(smallGray(image, 3))).to.deep.equal([[2.5, 4.5, 6.5]]);
  });

  it('RGB (1,2,3): made gray with the BT.601 weights first', () => {
    const image = tensor([
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
    ]);
    const gray = smallGray(image);
    expect(gray.shape).to.deep.equal([1, 2]);
    expectClose(gray, [[0.299, 0.114]], { absolute: 1e-6 });
  });

  it('bad input: maxSide not a positive integer, 5 channels, an empty image, a 1-D tensor', () => {
    expect(() => smallGray(zeros([4, 4]), 0)).to.throw(
      'smallGray: maxSide must be a positive integer, got 0 (image [4,4])',
    );
    expect(() => smallGray(zeros([4, 4]), 1.5)).to.throw(
      /^smallGray: maxSide must be a positive integer, got 1.5/,
    );
    expect(() => smallGray(zeros([2, 2, 5]))).to.throw(
      'smallGray: image must be (H,W) or (H,W,C) with 1 to 4 channels and H, W > 0 (image [2,2,5])',
    );
    expect(() => smallGray(zeros([0, 3]))).to.throw(
      /^smallGray: image must be \(H,W\) or \(H,W,C\).*\(image \[0,3\]\)$/,
    );
    expect(() => smallGray(zeros([4]))).to.throw(/^smallGray: image must have 2 or 3 dimensions/);
  });
});
