import { Tensor, zeros } from '../cnn/tensor';
import { MatrixLike, toRows } from './figure';
import { colorRange, HeatmapOptions } from './heatmap';
import { ConvlabError } from '../cnn/convlabError';

/**
 * A colour wheel for angles (an orientation in degrees, 0…360): red, yellow, green, cyan, blue,
 * magenta and back to red, so that 0° and 360° get the same colour.
 */
export const CYCLIC_SCALE: [number, string][] = [
  [0, '#ff0000'],
  [1 / 6, '#ffff00'],
  [2 / 6, '#00ff00'],
  [3 / 6, '#00ffff'],
  [4 / 6, '#0000ff'],
  [5 / 6, '#ff00ff'],
  [1, '#ff0000'],
];

export interface ColorizeOptions extends Pick<HeatmapOptions, 'diverging' | 'range'> {
  /** Colour stops `[position 0..1, '#rrggbb']` (default: as `heatmap` draws the matrix: gray, or blue–white–red). */
  colorscale?: [number, string][];
  /** Same shape as the matrix: where it is 0, the pixel gets `maskColor` instead (e.g. no edge → no orientation). */
  mask?: MatrixLike;
  /** Colour of masked pixels (default '#ffffff'). */
  maskColor?: string;
  /**
   * Round every value to one of this many evenly spaced colours (at least 2). A PNG of a map with 33
   * colours is about half the size of one with all of them and looks the same; an odd number keeps 0 on
   * the middle colour of a diverging scale. Default: no rounding.
   */
  levels?: number;
}

function parseHex(fn: string, color: string): [number, number, number] {
  const match = typeof color === 'string' ? /^#([0-9a-f]{6})$/i.exec(color) : null;
  if (!match) throw new ConvlabError(fn, `colours must be '#rrggbb', got ${JSON.stringify(color)}`);
  const n = parseInt(match[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * A matrix painted with a colour scale, as an (H,W,3) float32 RGB image with values in [0, 1] — the
 * colours `heatmap` would use (same default scale, same symmetric range around 0 when the values
 * have both signs), but as an image. `imageFigure` sends an image above 128×128 pixels as a PNG, so
 * a large map or a figure with many frames stays a few kB per map instead of megabytes of numbers:
 *
 * ```ts
 * show(imageFigure(colorize(gx), { title: 'Sobel x' }));
 * ```
 */
export function colorize(matrix: MatrixLike, options: ColorizeOptions = {}): Tensor {
  const fn = 'colorize';
  const rows = toRows(fn, 'matrix', matrix);
  const { zmin, zmax, colorscale } = colorRange(rows, options);
  if (typeof colorscale === 'string') {
    throw new ConvlabError(
      fn,
      `colorscale must be colour stops [[0, '#rrggbb'], …, [1, '#rrggbb']], got the name ${JSON.stringify(colorscale)}`,
    );
  }
  if (!Array.isArray(colorscale) || colorscale.length < 2) {
    throw new ConvlabError(fn, `colorscale needs at least two stops, got ${JSON.stringify(colorscale)}`);
  }
  const stops = colorscale.map(([position, color], i) => {
    const previous = i > 0 ? colorscale[i - 1][0] : -Infinity;
    if (typeof position !== 'number' || position < 0 || position > 1 || position < previous) {
      throw new ConvlabError(
        fn,
        `colour stop positions must rise from 0 to 1, got ${JSON.stringify(colorscale.map((s) => s[0]))}`,
      );
    }
    return { position, rgb: parseHex(fn, color) };
  });
  const [height, width] = [rows.length, rows[0].length];
  const mask = options.mask === undefined ? null : toRows(fn, 'mask', options.mask);
  if (mask && (mask.length !== height || mask[0].length !== width)) {
    throw new ConvlabError(
      fn,
      `mask is ${mask.length}×${mask[0].length} but the matrix is ${height}×${width}`,
    );
  }
  const maskRgb = parseHex(fn, options.maskColor ?? '#ffffff');
  const levels = options.levels;
  if (levels !== undefined && (!Number.isInteger(levels) || levels < 2)) {
    throw new ConvlabError(fn, `levels must be an integer ≥ 2, got ${JSON.stringify(levels)}`);
  }

  const out = zeros([height, width, 3]);
  for (let h = 0; h < height; h++) {
    for (let w = 0; w < width; w++) {
      let rgb: readonly number[];
      if (mask && mask[h][w] === 0) rgb = maskRgb;
      else {
        let t = Math.min(1, Math.max(0, (rows[h][w] - zmin) / (zmax - zmin))); // outside the range: clipped
        if (levels !== undefined) t = Math.round(t * (levels - 1)) / (levels - 1);
        let upper = stops.findIndex((s) => s.position >= t);
        if (upper <= 0) upper = Math.max(upper, 1);
        const low = stops[upper - 1];
        const high = stops[upper];
        const span = high.position - low.position;
        const a = span > 0 ? (t - low.position) / span : 1;
        rgb = low.rgb.map((v, c) => v + a * (high.rgb[c] - v));
      }
      for (let c = 0; c < 3; c++) out.set(h, w, c, rgb[c] / 255);
    }
  }
  return out;
}
