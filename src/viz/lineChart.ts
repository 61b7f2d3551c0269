import { Figure, PlotlyObject, TITLE_MARGIN, titleLayout } from './figure';
import { ConvlabError } from '../cnn/convlabError';

/** One line: y values, optional x values (default 0, 1, 2…) and a legend name. */
export interface LineSeries {
  name?: string;
  x?: readonly number[];
  y: readonly number[];
}

export interface LineChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
}

/**
 * Lines on one pair of axes: `lineChart([1, 4, 9])`, or several named series
 * `lineChart([{ name: 'relu', x, y: x.map(relu) }, { name: 'tanh', x, y: x.map(Math.tanh) }])`.
 */
export function lineChart(
  series: readonly number[] | readonly LineSeries[],
  options: LineChartOptions = {},
): Figure {
  const fn = 'lineChart';
  if (!Array.isArray(series) || series.length === 0) {
    throw new ConvlabError(fn, `expected an array of numbers or of series { name?, x?, y }, got ${series}`);
  }
  const list: LineSeries[] = series.every((v) => typeof v === 'number')
    ? [{ y: series as number[] }]
    : (series as LineSeries[]);
  const data: PlotlyObject[] = list.map((s, i) => {
    if (!s || !Array.isArray(s.y))
      throw new ConvlabError(fn, `series ${i} needs a y array, got ${JSON.stringify(s)}`);
    const x = s.x ? Array.from(s.x) : s.y.map((_, j) => j);
    if (x.length !== s.y.length) {
      throw new ConvlabError(
        fn,
        `series ${i}${s.name ? ` (${s.name})` : ''} has ${x.length} x values but ${s.y.length} y values`,
      );
    }
    // non-finite values become gaps (JSON has no NaN)
    const y = Array.from(s.y, (v) => (Number.isFinite(v) ? v + 0 : null));
    return { type: 'scatter', mode: 'lines', x, y, ...(s.name ? { name: s.name } : {}) };
  });
  const layout: PlotlyObject = {
    width: 640,
    height: 380,
    margin: { l: 60, r: 20, t: options.title ? TITLE_MARGIN : 30, b: 50 },
    showlegend: list.some((s) => s.name),
    xaxis: options.xTitle ? { title: { text: options.xTitle } } : {},
    yaxis: options.yTitle ? { title: { text: options.yTitle } } : {},
  };
  if (options.title) layout.title = titleLayout(options.title);
  return { data, layout };
}
