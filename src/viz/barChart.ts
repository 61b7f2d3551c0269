import { Figure, PlotlyObject, TITLE_MARGIN, titleLayout } from './figure';
import { ConvlabError } from '../cnn/convlabError';

/** One group of bars: a value per category, an optional legend name and a label per bar. */
export interface BarSeries {
  name?: string;
  values: readonly number[];
  /** Text written above each bar (default: the value with thousands separators). */
  labels?: readonly string[];
}

export interface BarChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** A logarithmic value axis, for counts that span several orders of magnitude (values must be > 0). */
  logScale?: boolean;
  /** Write each bar's label above it (default true). */
  showLabels?: boolean;
  width?: number;
  height?: number;
}

/** 48120 → '48,120': the lecture writes its counts this way. */
function thousands(v: number): string {
  return v.toLocaleString('en-US');
}

/**
 * Bars, one per category, e.g. the parameters of each layer of a model:
 * `barChart(rows.map((r) => r.name), rows.map((r) => r.params))`, or several series side by side:
 * `barChart(names, [{ name: 'activation size', values: sizes }, { name: 'parameters', values: params }])`.
 */
export function barChart(
  categories: readonly string[],
  series: readonly number[] | readonly BarSeries[],
  options: BarChartOptions = {},
): Figure {
  const fn = 'barChart';
  if (
    !Array.isArray(categories) ||
    categories.length === 0 ||
    categories.some((c) => typeof c !== 'string')
  ) {
    throw new ConvlabError(
      fn,
      `categories must be a non-empty array of strings, got ${JSON.stringify(categories)}`,
    );
  }
  if (!Array.isArray(series) || series.length === 0) {
    throw new ConvlabError(
      fn,
      `expected an array of numbers or of series { name?, values, labels? }, got ${JSON.stringify(series)}`,
    );
  }
  const list: BarSeries[] = series.every((v) => typeof v === 'number')
    ? [{ values: series as number[] }]
    : (series as BarSeries[]);
  const showLabels = options.showLabels ?? true;
  const data: PlotlyObject[] = list.map((s, i) => {
    const what = `series ${i}${s && s.name ? ` (${s.name})` : ''}`;
    if (!s || !Array.isArray(s.values))
      throw new ConvlabError(fn, `${what} needs a values array, got ${JSON.stringify(s)}`);
    if (s.values.length !== categories.length) {
      throw new ConvlabError(fn, `${what} has ${s.values.length} values for ${categories.length} categories`);
    }
    s.values.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ConvlabError(fn, `${what} value ${j} (${categories[j]}) is ${v}, not a finite number`);
      }
      if (options.logScale && v <= 0) {
        throw new ConvlabError(
          fn,
          `${what} value ${j} (${categories[j]}) is ${v}; a log scale needs values > 0`,
        );
      }
    });
    if (s.labels && s.labels.length !== categories.length) {
      throw new ConvlabError(fn, `${what} has ${s.labels.length} labels for ${categories.length} categories`);
    }
    const labels = s.labels ? Array.from(s.labels) : s.values.map(thousands);
    return {
      type: 'bar',
      x: Array.from(categories),
      y: Array.from(s.values),
      ...(s.name ? { name: s.name } : {}),
      text: labels,
      textposition: showLabels ? 'outside' : 'none',
      cliponaxis: false, // a label above the tallest bar stays visible
      hovertemplate: `%{x}: %{text}${s.name ? ` (${s.name})` : ''}<extra></extra>`,
    };
  });
  // wide enough for the category names to stand upright under their bars (about 8 px per character)
  const longestName = Math.max(...categories.map((c) => c.length));
  const perCategory = Math.max(90 * list.length, 8 * longestName);
  const layout: PlotlyObject = {
    width: options.width ?? Math.max(480, Math.min(1000, 120 + perCategory * categories.length)),
    height: options.height ?? 400,
    margin: { l: 70, r: 20, t: (options.title ? TITLE_MARGIN : 30) + 20, b: 60 },
    barmode: 'group',
    showlegend: list.some((s) => s.name),
    xaxis: { type: 'category', ...(options.xTitle ? { title: { text: options.xTitle } } : {}) },
    yaxis: {
      ...(options.yTitle ? { title: { text: options.yTitle } } : {}),
      // one tick per power of ten: the 2 and 5 ticks between them crowd a log axis
      ...(options.logScale ? { type: 'log', dtick: 1 } : { rangemode: 'tozero' }),
    },
  };
  if (options.title) layout.title = titleLayout(options.title);
  return { data, layout };
}
