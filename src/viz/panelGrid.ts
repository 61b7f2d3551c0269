import {
  Figure,
  Json,
  MatrixLike,
  PlotlyObject,
  rangeOf,
  TITLE_MARGIN,
  titleLayout,
  toRows,
  isFigure,
} from './figure';
import { colorRange, heatmap, HeatmapOptions, MAX_VALUES_SIDE } from './heatmap';
import { ConvlabError } from '../cnn/convlabError';
import { positiveInteger } from '../cnn/positiveInteger';

/** One panel: a matrix (drawn as a heatmap) with a title, or a ready single-plot figure. */
export type PanelInput = Figure | { title?: string; matrix: MatrixLike };

export interface PanelGridOptions extends Pick<HeatmapOptions, 'diverging' | 'colorscale' | 'range'> {
  title?: string;
  /** Panels per row (default: up to 4). */
  columns?: number;
  /** Give every matrix panel the same colour range, so that colours compare across panels. */
  sharedRange?: boolean;
  /** Write values in the cells (default: when the cells are big enough to hold them). */
  showValues?: boolean;
  /** Panel size: the longer side of each panel in pixels (default 180). */
  panelSize?: number;
  /**
   * Size panels by their matrices, one cell the same size everywhere (so a 3×3 filter looks smaller
   * than the 6×6 image it slides over), instead of equal boxes. Default false.
   */
  sizeByCells?: boolean;
  /** Text drawn between neighbouring panels, e.g. `['*', '=']` for input * filter = output. */
  between?: string[];
  /** Row and column numbers on the axes (default: with sizeByCells). */
  showTicks?: boolean;
}

interface Placed {
  title: string | null;
  figure: Figure;
  boxWidth: number;
  boxHeight: number;
}

const PANEL_TITLE_SPACE = 24; // px above each row for the panel titles
const GAP = 24; // px between panels
const OPERATOR_GAP = 56; // px between panels when a '*' or '=' sits in the gap

function titleText(figure: Figure): string | null {
  const title = figure.layout.title as { text?: Json } | string | undefined;
  if (typeof title === 'string') return title;
  return title && typeof title.text === 'string' ? title.text : null;
}

function zDims(figure: Figure): [number, number] | null {
  const z = figure.data[0]?.z;
  return Array.isArray(z) && Array.isArray(z[0]) ? [z.length, z[0].length] : null;
}

/**
 * Several matrices or single-plot figures in a grid of panels, one pair of axes each, titles above,
 * optional operators between them. `featureMaps`, `filterBank` and `sideBySide` are built on it.
 */
export function panelGrid(panels: PanelInput[], options: PanelGridOptions = {}): Figure {
  const fn = 'panelGrid';
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new ConvlabError(
      fn,
      `expected a non-empty array of panels ({ title, matrix } or figures), got ${panels}`,
    );
  }
  const columns = positiveInteger(fn, 'columns', options.columns ?? Math.min(panels.length, 4));
  const panelSize = options.panelSize ?? 180;
  const rowsOf = panels.map((p, i) => (isFigure(p) ? null : toRows(fn, `panel ${i} matrix`, p.matrix)));
  const dimsOfPanel = panels.map((p, i) => (rowsOf[i] ? dimsOf(rowsOf[i]!) : zDims(p as Figure)));
  const largestSide = Math.max(1, ...dimsOfPanel.map((d) => (d ? Math.max(...d) : 1)));

  let range = options.range;
  if (options.sharedRange && !range) {
    const ranges = rowsOf.filter((r): r is number[][] => r !== null).map(rangeOf);
    const lowest = Math.min(...ranges.map(([lo]) => lo));
    const highest = Math.max(...ranges.map(([, hi]) => hi));
    const shared = colorRange([[lowest, highest]], options); // symmetric when diverging
    range = [shared.zmin, shared.zmax];
  }

  const placed: Placed[] = panels.map((panel, i) => {
    const rows = rowsOf[i];
    const dims = dimsOfPanel[i];
    const side = dims ? Math.max(...dims) : 1;
    // one cell size for all panels (sizeByCells), or each panel fitted into the same square box
    const cell = options.sizeByCells ? Math.min(56, panelSize / largestSide) : panelSize / side;
    const [boxHeight, boxWidth] = dims ? [dims[0] * cell, dims[1] * cell] : [panelSize, panelSize];
    if (!rows) return { title: titleText(panel as Figure), figure: panel as Figure, boxWidth, boxHeight };
    const showValues = options.showValues ?? (cell >= 40 && side <= MAX_VALUES_SIDE);
    const figure = heatmap(rows, {
      showValues,
      cellSize: cell,
      diverging: options.diverging,
      colorscale: options.colorscale,
      range,
      showScale: false,
    });
    return { title: (panel as { title?: string }).title ?? null, figure, boxWidth, boxHeight };
  });
  return arrange(placed, columns, options);
}

function dimsOf(rows: number[][]): [number, number] {
  return [rows.length, rows[0].length];
}

/** Works out every panel's domain in pixels, then writes the axes, traces and titles. */
function arrange(placed: Placed[], columns: number, options: PanelGridOptions): Figure {
  const rowCount = Math.ceil(placed.length / columns);
  const gapX = options.between ? OPERATOR_GAP : GAP;
  const showTicks = options.showTicks ?? !!options.sizeByCells;
  const gapY = showTicks ? GAP + 16 : GAP;
  const columnWidths = Array.from({ length: columns }, (_, c) =>
    Math.max(0, ...placed.filter((_, i) => i % columns === c).map((p) => p.boxWidth)),
  );
  const rowHeights = Array.from({ length: rowCount }, (_, r) =>
    Math.max(...placed.slice(r * columns, (r + 1) * columns).map((p) => p.boxHeight)),
  );
  const hasTitles = placed.some((p) => p.title);
  const titleSpace = hasTitles ? PANEL_TITLE_SPACE : 0;
  const areaWidth = columnWidths.reduce((a, b) => a + b, 0) + gapX * (columns - 1);
  const areaHeight = rowHeights.reduce((a, b) => a + b + titleSpace, 0) + gapY * (rowCount - 1);
  const margin = {
    l: showTicks ? 30 : 10,
    r: 10,
    t: options.title ? TITLE_MARGIN : 10,
    b: showTicks ? 30 : 10,
  };

  const data: PlotlyObject[] = [];
  const annotations: PlotlyObject[] = [];
  const layout: PlotlyObject = {
    width: Math.round(areaWidth + margin.l + margin.r),
    height: Math.round(areaHeight + margin.t + margin.b),
    margin,
    showlegend: false,
  };
  const round = (v: number): number => Math.round(v * 1e4) / 1e4;
  let top = 0; // px from the top of the plotting area
  for (let r = 0; r < rowCount; r++) {
    let left = 0;
    for (let c = 0; c < columns && r * columns + c < placed.length; c++) {
      const i = r * columns + c;
      const p = placed[i];
      // centre the panel in its grid cell
      const x0 = left + (columnWidths[c] - p.boxWidth) / 2;
      const y0 = top + titleSpace + (rowHeights[r] - p.boxHeight) / 2;
      const xDomain = [round(x0 / areaWidth), round((x0 + p.boxWidth) / areaWidth)];
      const yDomain = [round(1 - (y0 + p.boxHeight) / areaHeight), round(1 - y0 / areaHeight)];
      placePanel(p, i, xDomain, yDomain, showTicks, data, layout);
      if (p.title) {
        annotations.push({
          text: p.title,
          x: round((xDomain[0] + xDomain[1]) / 2),
          y: yDomain[1],
          xref: 'paper',
          yref: 'paper',
          xanchor: 'center',
          yanchor: 'bottom',
          showarrow: false,
          font: { size: 13 },
        });
      }
      const operator = options.between?.[i];
      if (operator && c < columns - 1 && i < placed.length - 1) {
        annotations.push({
          text: operator,
          x: round((left + columnWidths[c] + gapX / 2) / areaWidth),
          y: round(1 - (top + titleSpace + rowHeights[r] / 2) / areaHeight),
          xref: 'paper',
          yref: 'paper',
          showarrow: false,
          font: { size: 26 },
        });
      }
      left += columnWidths[c] + gapX;
    }
    top += titleSpace + rowHeights[r] + gapY;
  }
  if (annotations.length) layout.annotations = annotations;
  if (options.title) layout.title = titleLayout(options.title);
  return { data, layout };
}

/** Moves a single-plot figure onto axes number i+1 of the grid. */
function placePanel(
  p: Placed,
  i: number,
  xDomain: number[],
  yDomain: number[],
  showTicks: boolean,
  data: PlotlyObject[],
  layout: PlotlyObject,
): void {
  const suffix = i === 0 ? '' : String(i + 1);
  const axes = new Set(p.figure.data.map((t) => `${t.xaxis ?? 'x'} ${t.yaxis ?? 'y'}`));
  if (axes.size > 1 || !axes.has('x y')) {
    throw new ConvlabError(
      'panelGrid',
      `panel ${i} is a figure with its own subplots (${[...axes].join(', ')}); give one-plot figures`,
    );
  }
  for (const trace of p.figure.data) {
    // one colour bar per panel would crowd the grid: hover shows the values
    data.push({
      ...trace,
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      ...(trace.type === 'heatmap' ? { showscale: false } : {}),
    });
  }
  // A panel's own background (heatmap's gray between cells, so that white cells keep their grid)
  // must stay behind that panel alone: one layout.plot_bgcolor would paint every panel.
  const background = p.figure.layout.plot_bgcolor;
  if (typeof background === 'string') {
    const shapes = (layout.shapes ?? []) as PlotlyObject[];
    shapes.push({
      type: 'rect',
      xref: `x${suffix} domain`,
      yref: `y${suffix} domain`,
      x0: 0,
      x1: 1,
      y0: 0,
      y1: 1,
      fillcolor: background,
      line: { width: 0 },
      layer: 'below',
    });
    layout.shapes = shapes;
  }
  const hideTicks: PlotlyObject = showTicks ? {} : { showticklabels: false, ticks: '' };
  const xAxis = (p.figure.layout.xaxis ?? {}) as PlotlyObject;
  const yAxis = (p.figure.layout.yaxis ?? {}) as PlotlyObject;
  layout[`xaxis${suffix}`] = { ...xAxis, ...hideTicks, domain: xDomain, anchor: `y${suffix}` };
  layout[`yaxis${suffix}`] = {
    ...yAxis,
    ...hideTicks,
    domain: yDomain,
    anchor: `x${suffix}`,
    ...(yAxis.scaleanchor ? { scaleanchor: `x${suffix}` } : ({} as PlotlyObject)),
  };
}
