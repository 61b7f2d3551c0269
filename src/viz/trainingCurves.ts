import { Figure, PlotlyObject, TITLE_MARGIN, titleLayout } from './figure';
import { ConvlabError } from '../cnn/convlabError';

/**
 * One epoch (or batch) of a training history, as `model.fit` reports it in `history.epochs`.
 * `loss` is read as `cost`; `valCost`/`valAccuracy` as the validation values.
 */
export interface TrainingRecord {
  epoch?: number;
  batch?: number;
  cost?: number;
  loss?: number;
  accuracy?: number;
  validationCost?: number;
  validationAccuracy?: number;
  valCost?: number;
  valAccuracy?: number;
}

/** Column form of a history: one array per quantity. */
export interface TrainingColumns {
  epoch?: number[];
  cost?: number[];
  loss?: number[];
  accuracy?: number[];
  validationCost?: number[];
  validationAccuracy?: number[];
}

/**
 * What `trainingCurves` accepts: `model.fit`'s `{ epochs, batches }`, an array of records,
 * columns, `{ history }` around either, or plain costs.
 */
export type TrainingHistory =
  | { epochs: readonly TrainingRecord[]; batches?: readonly TrainingRecord[] }
  | { history: readonly TrainingRecord[] | TrainingColumns }
  | readonly TrainingRecord[]
  | TrainingColumns
  | readonly number[];

export interface TrainingCurvesOptions {
  title?: string;
  /** With `fit`'s history: one point per epoch (default) or per mini-batch. */
  per?: 'epoch' | 'batch';
  /** What one point is (default 'epoch', or 'batch' with per: 'batch'). */
  xTitle?: string;
}

interface Columns {
  x: number[];
  cost: (number | null)[];
  accuracy: (number | null)[] | null;
  valCost: (number | null)[] | null;
  valAccuracy: (number | null)[] | null;
}

// A diverging run gives NaN or Infinity: draw a gap there rather than refuse the whole history
const point = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function unwrap(
  history: TrainingHistory,
  per: 'epoch' | 'batch',
): readonly TrainingRecord[] | TrainingColumns | readonly number[] {
  if (Array.isArray(history) || !history || typeof history !== 'object') return history as readonly number[];
  if ('history' in history) return history.history;
  if ('epochs' in history && Array.isArray(history.epochs)) {
    if (per === 'epoch') return history.epochs;
    if (!history.batches)
      throw new ConvlabError('trainingCurves', `per: 'batch' needs a history with batches`);
    return history.batches.map((r, i) => ({ ...r, epoch: i })); // x = running batch count
  }
  return history as TrainingColumns;
}

function toColumns(history: TrainingHistory, per: 'epoch' | 'batch'): Columns {
  const fn = 'trainingCurves';
  const inner = unwrap(history, per);
  if (Array.isArray(inner)) {
    if (inner.length === 0) throw new ConvlabError(fn, 'the history is empty');
    if (inner.every((v) => typeof v === 'number')) {
      return {
        x: inner.map((_, i) => i + 1),
        cost: inner.map(point),
        accuracy: null,
        valCost: null,
        valAccuracy: null,
      };
    }
    const records = inner as TrainingRecord[];
    records.forEach((r, i) => {
      if (!r || typeof r !== 'object' || (r.cost === undefined && r.loss === undefined)) {
        throw new ConvlabError(
          fn,
          `history entry ${i} has no cost (expected { epoch, cost, accuracy? }), got ${JSON.stringify(r)}`,
        );
      }
    });
    const column = (key: keyof TrainingRecord, alias: keyof TrainingRecord) =>
      records.some((r) => (r[key] ?? r[alias]) !== undefined)
        ? records.map((r) => point(r[key] ?? r[alias]))
        : null;
    return {
      x: records.map((r, i) => (typeof r.epoch === 'number' ? r.epoch : i + 1)),
      cost: records.map((r) => point(r.cost ?? r.loss)),
      accuracy: column('accuracy', 'accuracy'),
      valCost: column('validationCost', 'valCost'),
      valAccuracy: column('validationAccuracy', 'valAccuracy'),
    };
  }
  if (!inner || typeof inner !== 'object') {
    throw new ConvlabError(
      fn,
      `expected a history (an array of { epoch, cost, accuracy? }, or { cost: [...] }), got ${typeof inner}`,
    );
  }
  const cols = inner as TrainingColumns;
  const cost = cols.cost ?? cols.loss;
  if (!Array.isArray(cost) || cost.length === 0) {
    throw new ConvlabError(fn, `the history has no cost array (keys: ${Object.keys(cols).join(', ')})`);
  }
  const same = (name: string, values: number[] | undefined) => {
    if (values === undefined) return null;
    if (!Array.isArray(values) || values.length !== cost.length) {
      throw new ConvlabError(
        fn,
        `${name} has ${Array.isArray(values) ? values.length : typeof values} values but cost has ${cost.length}`,
      );
    }
    return values.map(point);
  };
  return {
    x: same('epoch', cols.epoch)?.map((v, i) => v ?? i + 1) ?? cost.map((_, i) => i + 1),
    cost: cost.map(point),
    accuracy: same('accuracy', cols.accuracy),
    valCost: same('validationCost', cols.validationCost),
    valAccuracy: same('validationAccuracy', cols.validationAccuracy),
  };
}

function line(
  name: string,
  x: number[],
  y: (number | null)[],
  color: string,
  validation: boolean,
  axis: string,
): PlotlyObject {
  return {
    type: 'scatter',
    mode: x.length <= 30 ? 'lines+markers' : 'lines',
    name,
    x,
    y,
    xaxis: `x${axis}`,
    yaxis: `y${axis}`,
    legendgroup: name,
    showlegend: axis === '', // one legend entry per series, from the cost panel
    line: { color, dash: validation ? 'dash' : 'solid' },
  };
}

/**
 * Cost J and accuracy per epoch, in two panels (one when there is no accuracy), training solid and
 * validation dashed. Takes `model.fit`'s history `{ epochs: [{ epoch, cost, accuracy, validationCost?, validationAccuracy? }], batches }`.
 */
export function trainingCurves(history: TrainingHistory, options: TrainingCurvesOptions = {}): Figure {
  const per = options.per ?? 'epoch';
  const c = toColumns(history, per);
  const hasAccuracy = c.accuracy !== null || c.valAccuracy !== null;
  const train = '#1f77b4';
  const validation = '#ff7f0e';
  const data: PlotlyObject[] = [line('training', c.x, c.cost, train, false, '')];
  if (c.valCost) data.push(line('validation', c.x, c.valCost, validation, true, ''));
  if (c.accuracy) data.push(line('training', c.x, c.accuracy, train, false, '2'));
  if (c.valAccuracy) data.push(line('validation', c.x, c.valAccuracy, validation, true, '2'));
  // training-only runs need no legend: the panel titles say what is drawn
  if (!c.valCost && !c.valAccuracy) data.forEach((t) => (t.showlegend = false));

  const xTitle = options.xTitle ?? per;
  const layout: PlotlyObject = {
    width: hasAccuracy ? 860 : 480,
    height: 360,
    margin: { l: 60, r: 20, t: options.title ? TITLE_MARGIN + 20 : 40, b: 50 },
    legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.02, yanchor: 'bottom' },
    xaxis: { domain: hasAccuracy ? [0, 0.44] : [0, 1], title: { text: xTitle }, anchor: 'y' },
    yaxis: { title: { text: 'cost J' }, anchor: 'x', rangemode: 'tozero' },
    annotations: [],
  };
  if (hasAccuracy) {
    const values = [...(c.accuracy ?? []), ...(c.valAccuracy ?? [])].filter((v): v is number => v !== null);
    const fraction = values.every((v) => v >= 0 && v <= 1);
    layout.xaxis2 = { domain: [0.56, 1], title: { text: xTitle }, anchor: 'y2' };
    layout.yaxis2 = {
      title: { text: 'accuracy' },
      anchor: 'x2',
      ...(fraction ? { range: [0, 1.02], tickformat: '.0%' } : {}),
    };
  }
  if (options.title) layout.title = titleLayout(options.title);
  return { data, layout };
}
