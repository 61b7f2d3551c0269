import { expect } from 'chai';
import { colorize, CYCLIC_SCALE, DIVERGING_SCALE, imageFigure, tensor, Tensor } from '../src/index';

/** The pixel at (h, w) as 0–255 integers. */
const rgbAt = (image: Tensor, h: number, w: number): number[] =>
  [0, 1, 2].map((c) => Math.round(image.get(h, w, c) * 255));

describe('colorize()', () => {
  it('paints [0, 0.5, 1] black, mid gray, white with the default gray scale (one sign)', () => {
    const image = colorize([[0, 0.5, 1]]);
    expect(image.shape).to.deep.equal([1, 3, 3]);
    expect([rgbAt(image, 0, 0), rgbAt(image, 0, 1), rgbAt(image, 0, 2)]).to.deep.equal([
      [0, 0, 0],
      [128, 128, 128],
      [255, 255, 255],
    ]);
  });

  it('centres a two-signed matrix on white like heatmap: [-2, 0, 1] → blue end, middle, halfway to red', () => {
    const image = colorize([[-2, 0, 1]]);
    expect(rgbAt(image, 0, 0)).to.deep.equal([0x21, 0x66, 0xac]); // DIVERGING_SCALE[0], the range is ±2
    expect(rgbAt(image, 0, 1)).to.deep.equal([0xf7, 0xf7, 0xf7]); // 0 sits on the white middle
    expect(rgbAt(image, 0, 2)).to.deep.equal([0xef, 0x8a, 0x62]); // 1 of 2 is the 0.75 stop
    expect(DIVERGING_SCALE[2][1]).to.equal('#f7f7f7');
  });

  it('clips values outside a given range, and interpolates between stops', () => {
    const scale: [number, string][] = [
      [0, '#000000'],
      [1, '#ff0000'],
    ];
    const image = colorize(tensor([[-5, 2.5, 7]]), { range: [0, 5], colorscale: scale });
    expect([rgbAt(image, 0, 0), rgbAt(image, 0, 1), rgbAt(image, 0, 2)]).to.deep.equal([
      [0, 0, 0],
      [128, 0, 0],
      [255, 0, 0],
    ]);
  });

  it('gives 0° and 360° the same colour on the cyclic scale, 180° cyan', () => {
    const image = colorize([[0, 180, 360]], { colorscale: CYCLIC_SCALE, range: [0, 360] });
    expect(rgbAt(image, 0, 0)).to.deep.equal([255, 0, 0]);
    expect(rgbAt(image, 0, 1)).to.deep.equal([0, 255, 255]);
    expect(rgbAt(image, 0, 2)).to.deep.equal([255, 0, 0]);
  });

  it('paints masked pixels (mask 0) with maskColor', () => {
    const image = colorize(
      [
        [1, 2],
        [3, 4],
      ],
      {
        mask: [
          [1, 0],
          [0, 1],
        ],
        maskColor: '#00ff00',
      },
    );
    expect(rgbAt(image, 0, 1)).to.deep.equal([0, 255, 0]);
    expect(rgbAt(image, 1, 0)).to.deep.equal([0, 255, 0]);
    expect(rgbAt(image, 0, 0)).to.deep.equal([0, 0, 0]);
  });

  it('rounds to `levels` colours: levels 3 paints [-1, -0.2, 0, 0.4, 1] blue, white, white, white, red', () => {
    const image = colorize([[-1, -0.2, 0, 0.4, 1]], { levels: 3 });
    const white = [0xf7, 0xf7, 0xf7];
    expect([0, 1, 2, 3, 4].map((w) => rgbAt(image, 0, w))).to.deep.equal([
      [0x21, 0x66, 0xac],
      white,
      white,
      white,
      [0xb2, 0x18, 0x2b],
    ]);
    expect(rgbAt(colorize([[-1, -0.2, 0, 0.4, 1]]), 0, 3)).to.not.deep.equal(white); // without levels: not rounded
  });

  it('gives an RGB image that imageFigure sends as a PNG when large', () => {
    const big = tensor(Array.from({ length: 130 }, (_, h) => Array.from({ length: 130 }, (_, w) => h - w)));
    const figure = imageFigure(colorize(big));
    expect(figure.data[0].type).to.equal('image');
    expect(String(figure.data[0].source)).to.match(/^data:image\/png;base64,/);
  });

  it('throws on a named colour scale, a bad colour, unordered stops, a mask of another shape, NaN and levels < 2', () => {
    expect(() => colorize([[1, 2]], { colorscale: 'Viridis' as unknown as [number, string][] })).to.throw(
      /colorize: colorscale must be colour stops .* got the name "Viridis"/,
    );
    expect(() =>
      colorize([[1, 2]], {
        colorscale: [
          [0, 'red'],
          [1, '#ffffff'],
        ],
      }),
    ).to.throw(/colorize: colours must be '#rrggbb', got "red"/);
    expect(() =>
      colorize([[1, 2]], {
        colorscale: [
          [0.5, '#000000'],
          [0.2, '#ffffff'],
        ],
      }),
    ).to.throw(/colorize: colour stop positions must rise from 0 to 1/);
    expect(() => colorize([[1, 2]], { mask: [[1], [1]] })).to.throw(
      /colorize: mask is 2×1 but the matrix is 1×2/,
    );
    expect(() => colorize([[1, NaN]])).to.throw(/colorize: matrix\[0\]\[1\] is NaN/);
    expect(() => colorize([[1, 2]], { levels: 1 })).to.throw(
      /colorize: levels must be an integer ≥ 2, got 1/,
    );
  });
});
