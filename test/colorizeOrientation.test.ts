/**
 * colorizeOrientation: the orientation of gradients(image) on a colour wheel, white where the edge
 * is weak. Checked on hand-made gradients (exact colours) and on a bright disc (which rim gets which colour).
 */
import { expect } from 'chai';
import { colorizeOrientation, gradients, tensor, Tensor, zeros } from '../src/index';

/** The colour of pixel (h, w) as 0–255 RGB. */
const rgbAt = (image: Tensor, h: number, w: number): number[] =>
  [0, 1, 2].map((c) => Math.round(image.get(h, w, c) * 255));

describe('colorizeOrientation', () => {
  // strongest edge 10: with the default minStrength 0.1, pixels with strength ≤ 1 stay white
  const magnitude = tensor([
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 10],
  ]);
  const orientation = tensor([
    [0, 0, 0],
    [90, 180, 270],
    [45, 359, 360 - 7.5],
  ]);

  it('0° red, 90° yellow-green, 180° cyan, 270° violet, 45° orange; 25 colours: 359° rounds to red', () => {
    const picture = colorizeOrientation({ magnitude, orientation });
    expect(picture.shape).to.deep.equal([3, 3, 3]);
    expect(rgbAt(picture, 0, 2)).to.deep.equal([255, 0, 0]); // 0°
    expect(rgbAt(picture, 1, 0)).to.deep.equal([128, 255, 0]); // 90°: halfway from yellow (60°) to green (120°)
    expect(rgbAt(picture, 1, 1)).to.deep.equal([0, 255, 255]); // 180°
    expect(rgbAt(picture, 1, 2)).to.deep.equal([128, 0, 255]); // 270°: halfway from blue (240°) to magenta (300°)
    expect(rgbAt(picture, 2, 0)).to.deep.equal([255, 191, 0]); // 45°: three quarters of the way to yellow
    expect(rgbAt(picture, 2, 1)).to.deep.equal([255, 0, 0]); // 359° is within 7.5° of 360°
    expect(rgbAt(picture, 2, 2)).to.deep.equal([255, 0, 0]); // 352.5° rounds up to 360° (red) too
  });

  it('strength at most a tenth of the strongest is white; minStrength moves that line', () => {
    const picture = colorizeOrientation({ magnitude, orientation });
    expect(rgbAt(picture, 0, 0)).to.deep.equal([255, 255, 255]); // strength 0
    expect(rgbAt(picture, 0, 1)).to.deep.equal([255, 255, 255]); // strength 1 = 10% of 10: not above it
    const strict = colorizeOrientation({ magnitude, orientation }, { minStrength: 0.5 });
    expect(rgbAt(strict, 1, 1)).to.deep.equal([255, 255, 255]); // 4 ≤ 5
    expect(rgbAt(strict, 2, 1)).to.deep.equal([255, 0, 0]); // 7 > 5
  });

  it('levels: 7 gives one colour every 60°: 45° rounds to 60°, pure yellow', () => {
    const picture = colorizeOrientation({ magnitude, orientation }, { levels: 7 });
    expect(rgbAt(picture, 2, 0)).to.deep.equal([255, 255, 0]);
  });

  it('a bright disc: right rim red (0°), left rim cyan (180°), top violet (270°), inside white', () => {
    const disc = zeros([21, 21]);
    for (let r = 0; r < 21; r++)
      for (let c = 0; c < 21; c++) disc.set(r, c, (r - 10) ** 2 + (c - 10) ** 2 < 49 ? 1 : 0);
    const picture = colorizeOrientation(gradients(disc));
    expect(rgbAt(picture, 10, 17)).to.deep.equal([255, 0, 0]);
    expect(rgbAt(picture, 10, 3)).to.deep.equal([0, 255, 255]);
    expect(rgbAt(picture, 3, 10)).to.deep.equal([128, 0, 255]);
    expect(rgbAt(picture, 10, 10)).to.deep.equal([255, 255, 255]);
  });

  it('bad input: not gradients, different shapes, minStrength outside [0, 1)', () => {
    expect(() => colorizeOrientation(undefined as never)).to.throw(
      /^colorizeOrientation: expected the result of gradients\(image\)/,
    );
    expect(() => colorizeOrientation({ magnitude, orientation: zeros([3, 4]) })).to.throw(
      'colorizeOrientation: magnitude and orientation must have the same shape (magnitude [3,3], orientation [3,4])',
    );
    expect(() => colorizeOrientation({ magnitude, orientation }, { minStrength: 1 })).to.throw(
      'colorizeOrientation: minStrength must be a fraction in [0, 1), got 1 (magnitude [3,3])',
    );
    expect(() => colorizeOrientation({ magnitude: zeros([3]), orientation })).to.throw(
      /^colorizeOrientation: magnitude must have 2 dimensions/,
    );
  });
});
