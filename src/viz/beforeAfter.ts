import { ConvlabError } from '../cnn/convlabError';
import { Figure, MatrixLike, rangeOf, toRows } from './figure';
import { heatmap } from './heatmap';
import { panelGrid } from './panelGrid';

/** One stage to compare: the same matrix before and after a change (a shift, a step of training…). */
export interface BeforeAfterRow {
  name: string;
  before: MatrixLike;
  after: MatrixLike;
}

export interface BeforeAfterOptions {
  title?: string;
  /** Says what changed, in the middle panel's title: `'<name>, <afterLabel>'` (default `'after'`). */
  afterLabel?: string;
  /** Longer side of each panel in pixels (default 220). */
  panelSize?: number;
}

/**
 * One row per stage, three panels: before, after (one colour range for the two, so their colours
 * compare), and after − before on a diverging scale centred on 0 (red: larger after, blue: smaller).
 *
 * ```ts
 * show(beforeAfter([{ name: 'edge map', before: maps, after: mapsOfShifted }], { afterLabel: 'shifted 4 px' }));
 * ```
 */
export function beforeAfter(rows: BeforeAfterRow[], options: BeforeAfterOptions = {}): Figure {
  const fn = 'beforeAfter';
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new ConvlabError(fn, `expected a non-empty array of { name, before, after }, got ${rows}`);
  }
  const afterLabel = options.afterLabel ?? 'after';
  const panels = rows.flatMap((row, i) => {
    const before = toRows(fn, `rows[${i}].before`, row.before);
    const after = toRows(fn, `rows[${i}].after`, row.after);
    if (before.length !== after.length || before[0].length !== after[0].length) {
      throw new ConvlabError(
        fn,
        `rows[${i}] (${row.name}): before is ${before.length}×${before[0].length} but after is ` +
          `${after.length}×${after[0].length}`,
      );
    }
    const difference = after.map((r, h) => r.map((v, w) => v - before[h][w]));
    const [lowBefore, highBefore] = rangeOf(before);
    const [lowAfter, highAfter] = rangeOf(after);
    const range: [number, number] = [Math.min(lowBefore, lowAfter), Math.max(highBefore, highAfter)];
    const plain = { showValues: false, range, diverging: false };
    return [
      heatmap(before, { ...plain, title: row.name }),
      heatmap(after, { ...plain, title: `${row.name}, ${afterLabel}` }),
      heatmap(difference, { showValues: false, diverging: true, title: 'difference' }),
    ];
  });
  return panelGrid(panels, { columns: 3, panelSize: options.panelSize ?? 220, title: options.title });
}
