import { ConvOptions } from '../cnn/conv2d';
import { correlate2d } from '../cnn/correlate2d';
import { checkStride, resolvePad } from '../cnn/shape';
import { tensor } from '../cnn/tensor';
import { Figure, formatValue, MatrixLike, toRows } from './figure';
import { heatmap, HeatmapOptions } from './heatmap';
import { ConvlabError } from '../cnn/convlabError';

export interface ConvolutionHoverOptions
  extends ConvOptions, Pick<HeatmapOptions, 'title' | 'showValues' | 'colorscale'> {}

// a negative factor in parentheses: 1×(−1), not 1×−1
const factor = (v: number): string => (v < 0 ? `(${formatValue(v)})` : formatValue(v));

/**
 * The output of a small cross-correlation (what ML calls convolution) as a heatmap whose hover text
 * shows the multiply-add behind each output cell, one kernel row per line:
 * `3×1 + 0×0 + 1×(−1) + 1×1 + 5×0 + 8×(−1) + 2×1 + 7×0 + 2×(−1) = −5` for the lecture's first output.
 * The values come from `correlate2d`; the terms are read at the same indices (zeros where the
 * window hangs over the padding).
 */
export function convolutionHover(
  image: MatrixLike,
  kernel: MatrixLike,
  options: ConvolutionHoverOptions = {},
): Figure {
  const fn = 'convolutionHover';
  const x = toRows(fn, 'image', image);
  const k = toRows(fn, 'kernel', kernel);
  const f = k.length;
  if (k[0].length !== f) throw new ConvlabError(fn, `kernel must be square (f,f), got ${f}×${k[0].length}`);
  const stride = checkStride(fn, options.stride ?? 1);
  const pad = resolvePad(fn, options.pad ?? 0, f);
  let output: number[][];
  try {
    // float64 so that integer examples give exact sums
    output = toRows(fn, 'output', correlate2d(tensor(x, 'float64'), tensor(k, 'float64'), { stride, pad }));
  } catch (e) {
    if (!(e instanceof ConvlabError)) throw e;
    throw new ConvlabError(fn, e.problem, e.shapes, { cause: e });
  }

  const valueAt = (xR: number, xC: number): number =>
    xR >= 0 && xR < x.length && xC >= 0 && xC < x[0].length ? x[xR][xC] : 0; // outside = zero padding
  const hover = output.map((row, yR) =>
    row.map((value, yC) => {
      const xRCorner = yR * stride - pad; // top-left of the window in the unpadded image
      const xCCorner = yC * stride - pad;
      const lines = k.map((kernelRow, wR) =>
        kernelRow
          .map((weight, wC) => `${factor(valueAt(xRCorner + wR, xCCorner + wC))}×${factor(weight)}`)
          .join(' + '),
      );
      return `${lines.join('<br>+ ')}<br>= ${formatValue(value)}`;
    }),
  );
  const figure = heatmap(output, {
    title: options.title,
    showValues: options.showValues,
    colorscale: options.colorscale,
    hovertemplate: 'output [%{y}, %{x}]<br>%{customdata}<extra></extra>',
  });
  figure.data[0].customdata = hover;
  return figure;
}
