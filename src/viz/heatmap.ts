import {
  Figure,
  formatValue,
  Json,
  MatrixLike,
  PlotlyObject,
  rangeOf,
  TITLE_MARGIN,
  titleLayout,
  toRows,
} from './figure';
import { ConvlabError } from '../cnn/convlabError';

/** A Plotly colour scale: a named one ('Viridis', 'Greys', …) or `[position 0..1, colour]` stops. */
export type ColorScale = string | [number, string][];

/** Black (low) to white (high), as the lecture draws images and filters. */
export const GRAY_SCALE: [number, string][] = [
  [0, '#000000'],
  [1, '#ffffff'],
];
/** Blue below zero, white at zero, red above (ColorBrewer RdBu, reversed so that red is positive). */
export const DIVERGING_SCALE: [number, string][] = [
  [0, '#2166ac'],
  [0.25, '#67a9cf'],
  [0.5, '#f7f7f7'],
  [0.75, '#ef8a62'],
  [1, '#b2182b'],
];

/** Matrices up to this many rows and columns get their values written in the cells by default. */
export const MAX_VALUES_SIDE = 12;

export interface HeatmapOptions {
  title?: string;
  /** Write each value in its cell. Default: when the matrix is at most 12×12. */
  showValues?: boolean;
  /**
   * A diverging scale centred on 0 (symmetric zmin/zmax), so that sign reads as colour.
   * Default: when the data has both signs.
   */
  diverging?: boolean;
  /** Default: gray, or blue–white–red when diverging. */
  colorscale?: ColorScale;
  /** Fixes the colour range [zmin, zmax], e.g. to compare several panels or frames. */
  range?: [number, number];
  /** Draw the colour bar (default true). */
  showScale?: boolean;
  /** Names for the columns / rows instead of 0, 1, 2… */
  xLabels?: string[];
  yLabels?: string[];
  xTitle?: string;
  yTitle?: string;
  /** Side of one cell in pixels (default: fits the matrix in about 420 px, at least 36 px with values). */
  cellSize?: number;
  /** Plotly hover template (default `row %{y}, col %{x}: %{z}`). */
  hovertemplate?: string;
}

/** The default cell size in pixels: big enough to read a value in it, small enough to fit the page. */
export function defaultCellSize(height: number, width: number, showValues: boolean): number {
  const side = Math.max(height, width);
  return showValues ? Math.max(36, Math.min(56, Math.floor(480 / side))) : Math.min(40, 420 / side);
}

/** The colour range and scale a matrix is drawn with (shared by heatmap, panel grids and frames). */
export function colorRange(
  rows: readonly (readonly number[])[],
  options: Pick<HeatmapOptions, 'diverging' | 'range' | 'colorscale'> = {},
): { zmin: number; zmax: number; diverging: boolean; colorscale: ColorScale } {
  const [min, max] = options.range ?? rangeOf(rows);
  const diverging = options.diverging ?? (min < 0 && max > 0);
  let zmin = min;
  let zmax = max;
  if (diverging && !options.range) {
    const reach = Math.max(Math.abs(min), Math.abs(max)) || 1;
    zmin = -reach; // symmetric, so that 0 sits on the white middle of the scale
    zmax = reach;
  }
  if (zmin === zmax) zmax = zmin + 1; // a constant matrix still needs a colour range
  const colorscale = options.colorscale ?? (diverging ? DIVERGING_SCALE : GRAY_SCALE);
  return { zmin, zmax, diverging, colorscale };
}

function ticks(count: number, labels: string[] | undefined, fn: string, name: string): PlotlyObject {
  if (labels) {
    if (labels.length !== count) {
      throw new ConvlabError(fn, `${name} has ${labels.length} labels but the matrix has ${count}`);
    }
    return { tickmode: 'array', tickvals: labels.map((_, i) => i), ticktext: labels.slice() };
  }
  // one tick per row/column while they are few enough to label
  return count <= MAX_VALUES_SIDE ? { tickmode: 'linear', tick0: 0, dtick: 1 } : {};
}

/**
 * A matrix drawn as an image: row 0 on top, square cells, values written in the cells when it
 * is small, a blue–white–red scale centred on 0 when it has both signs.
 *
 * ```ts
 * show(heatmap([[1, 0, -1], [1, 0, -1], [1, 0, -1]], { title: 'vertical edge filter' }));
 * ```
 */
export function heatmap(matrix: MatrixLike, options: HeatmapOptions = {}): Figure {
  const fn = 'heatmap';
  const z = toRows(fn, 'matrix', matrix);
  const height = z.length;
  const width = z[0].length;
  const showValues = options.showValues ?? (height <= MAX_VALUES_SIDE && width <= MAX_VALUES_SIDE);
  const { zmin, zmax, colorscale } = colorRange(z, options);
  const showScale = options.showScale ?? true;

  const trace: PlotlyObject = {
    type: 'heatmap',
    z,
    zmin,
    zmax,
    colorscale: colorscale as Json,
    showscale: showScale,
    hovertemplate: options.hovertemplate ?? 'row %{y}, col %{x}: %{z}<extra></extra>',
  };
  if (showScale) trace.colorbar = { thickness: 14, outlinewidth: 0 };
  const cell = options.cellSize ?? defaultCellSize(height, width, showValues);
  if (showValues) {
    const text = z.map((row) => row.map(formatValue));
    trace.text = text;
    trace.texttemplate = '%{text}';
    // the longest label must fit its cell: a character is about 0.6 em wide
    const longest = Math.max(...text.flat().map((t) => t.length));
    trace.textfont = {
      size: Math.round(Math.max(8, Math.min(16, cell * 0.32, (0.85 * cell) / (0.6 * longest)))),
    };
    // thin gaps show the cell grid, so that a white cell does not melt into the white page
    trace.xgap = 1;
    trace.ygap = 1;
  }

  const margin = {
    l: options.yTitle ? 60 : 40,
    r: 10,
    t: options.title ? TITLE_MARGIN : 30,
    b: options.xTitle ? 50 : 30,
  };
  const layout: PlotlyObject = {
    width: Math.round(width * cell + margin.l + margin.r + (showScale ? 70 : 0)),
    height: Math.round(height * cell + margin.t + margin.b),
    margin,
    xaxis: {
      ...ticks(width, options.xLabels, fn, 'xLabels'),
      constrain: 'domain',
      showgrid: false,
      zeroline: false,
      ...(options.xTitle ? { title: { text: options.xTitle } } : {}),
    },
    yaxis: {
      ...ticks(height, options.yLabels, fn, 'yLabels'),
      autorange: 'reversed', // row 0 on top, as in an image or a printed matrix
      scaleanchor: 'x', // square cells
      scaleratio: 1,
      constrain: 'domain',
      showgrid: false,
      zeroline: false,
      ...(options.yTitle ? { title: { text: options.yTitle } } : {}),
    },
  };
  if (showValues) layout.plot_bgcolor = '#c8c8c8';
  if (options.title) layout.title = titleLayout(options.title);
  return { data: [trace], layout };
}
