import { checkTensor, Tensor } from '../cnn/tensor';
import { ConvlabError } from '../cnn/convlabError';

/** Any value JSON can hold. Figures are built from these only, so they survive `JSON.stringify` unchanged. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A Plotly trace, layout, config or frame: a plain JSON object. */
export type PlotlyObject = { [key: string]: Json };

/** One named state of an animated figure: Plotly's `{ name, data, layout? }`. */
export interface FigureFrame {
  name: string;
  data: PlotlyObject[];
  layout?: PlotlyObject;
}

/**
 * A Plotly figure as plain JSON — exactly what `Plotly.newPlot(div, figure)` draws and what the
 * `application/vnd.plotly.v1+json` MIME type carries. Every builder in `viz/` returns one.
 */
export interface Figure {
  data: PlotlyObject[];
  layout: PlotlyObject;
  frames?: FigureFrame[];
  config?: PlotlyObject;
}

/** A 2-D matrix: a (H,W) tensor or rows of numbers. */
export type MatrixLike = Tensor | readonly (readonly number[])[];

/** True for something shaped like a Figure (a `data` array and a `layout` object). */
export function isFigure(value: unknown): value is Figure {
  const v = value as Figure;
  return !!v && typeof v === 'object' && Array.isArray(v.data) && !!v.layout && typeof v.layout === 'object';
}

/** True for a tensor (anything with an ndarray `shape` and `data`). */
export function isTensor(value: unknown): value is Tensor {
  const v = value as Tensor;
  return !!v && typeof v === 'object' && Array.isArray(v.shape) && !!v.data && typeof v.get === 'function';
}

function checkFinite(fn: string, name: string, v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ConvlabError(
      fn,
      `${name}${where} is ${typeof v === 'number' ? v : JSON.stringify(v)}, not a finite number`,
    );
  }
  return v + 0; // -0 → 0: JSON has no negative zero, and a figure must round-trip through JSON
}

/**
 * A matrix as rows of plain numbers (never typed arrays: figures must be JSON).
 * `fn` and `name` name the caller and its argument in error messages.
 */
export function toRows(fn: string, name: string, matrix: MatrixLike): number[][] {
  if (isTensor(matrix)) {
    const t = checkTensor(fn, name, matrix, [2]);
    const [height, width] = t.shape;
    const tidy = t.data instanceof Float32Array ? shortestFloat32 : (v: number) => v;
    const rows: number[][] = [];
    for (let h = 0; h < height; h++) {
      const row: number[] = [];
      for (let w = 0; w < width; w++) row.push(tidy(checkFinite(fn, name, t.get(h, w), `[${h},${w}]`)));
      rows.push(row);
    }
    if (height === 0 || width === 0) throw new ConvlabError(fn, `${name} is empty`, { shape: t.shape });
    return rows;
  }
  if (!Array.isArray(matrix) || matrix.length === 0 || !matrix.every((row) => Array.isArray(row))) {
    throw new ConvlabError(
      fn,
      `${name} must be a 2-D tensor (H,W) or a non-empty array of rows, got ${describe(matrix)}`,
    );
  }
  const width = matrix[0].length;
  if (width === 0) throw new ConvlabError(fn, `${name} has an empty first row`);
  return matrix.map((row, h) => {
    if (row.length !== width) {
      throw new ConvlabError(
        fn,
        `${name} is ragged: row ${h} has ${row.length} values but row 0 has ${width}`,
      );
    }
    return (row as number[]).map((v: number, w: number) => checkFinite(fn, name, v, `[${h}][${w}]`));
  });
}

/**
 * The shortest decimal that reads back as the same float32: 0.1 rather than 0.10000000149011612,
 * which is what a float32 0.1 becomes as a JavaScript number. Figures store every value as text,
 * so this keeps them about half the size, and hover labels show what the tensor holds.
 */
export function shortestFloat32(v: number): number {
  for (let digits = 7; digits < 9; digits++) {
    const short = Number(v.toPrecision(digits));
    if (Math.fround(short) === v) return short;
  }
  return Number(v.toPrecision(9)); // 9 significant digits always read back (IEEE 754)
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (isTensor(value)) return `a tensor of shape [${value.shape}]`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}

/** Smallest and largest value of a matrix. */
export function rangeOf(rows: readonly (readonly number[])[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const row of rows) {
    for (const v of row) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return [min, max];
}

/**
 * A value as a cell label or hover term: integers as they are, others to 3 significant digits,
 * negatives with a real minus sign (−5), as Plotly writes its tick labels.
 */
export function formatValue(v: number): string {
  let text: string;
  if (Number.isInteger(v)) text = String(Math.abs(v));
  else if (Math.abs(v) >= 100) text = Math.abs(v).toFixed(0);
  else text = String(Number(Math.abs(v).toPrecision(3)));
  // float32 noise can round a tiny negative to "0": no sign then
  return v < 0 && Number(text) !== 0 ? `−${text}` : text;
}

/** Top margin (px) that leaves room for a title under Plotly's mode bar. */
export const TITLE_MARGIN = 64;

/**
 * A title placed just above the plot area rather than at the top of the figure, where Plotly's
 * mode bar (zoom, pan, save) would cover it on a small figure.
 */
export function titleLayout(text: string): PlotlyObject {
  return { text, x: 0.5, xanchor: 'center', y: 1, yref: 'paper', yanchor: 'bottom', pad: { b: 10 } };
}

/**
 * Throws when a figure holds something `JSON.stringify` would silently change: a typed array (it
 * becomes `{"0":…}`), NaN or ±Infinity (null), undefined or a function (dropped). `path` names the spot.
 */
export function checkJson(fn: string, value: unknown, path = 'figure'): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new ConvlabError(fn, `${path} is ${value}; figures must be plain JSON (use null for a gap)`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(fn, v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, v] of Object.entries(value)) checkJson(fn, v, `${path}.${key}`);
    return;
  }
  const kind = ArrayBuffer.isView(value)
    ? `a ${value.constructor.name} (use Array.from)`
    : typeof value === 'object'
      ? `a ${value.constructor?.name ?? 'prototype-less object'}`
      : String(typeof value === 'function' ? 'a function' : value);
  throw new ConvlabError(fn, `${path} is ${kind}; figures must be plain JSON`);
}
