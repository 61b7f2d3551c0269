import { ConvlabError } from '../cnn/convlabError';
import { escapeHtml } from './escapeHtml';

/** One table cell: text (left-aligned, HTML-escaped) or a number (right-aligned, with thousands commas). */
export type TableCell = string | number;

/**
 * A small HTML table: a header row, then one row per array. Numbers are right-aligned and written
 * `48,120`; text is left-aligned and escaped. Show it with `showHtml`:
 *
 * ```ts
 * showHtml(htmlTable(['layer', '# parameters'], [['CONV1', 608], ['FC3', 48120]]));
 * ```
 */
export function htmlTable(header: TableCell[], rows: TableCell[][]): string {
  const fn = 'htmlTable';
  if (!Array.isArray(header) || header.length === 0) {
    throw new ConvlabError(fn, `expected a non-empty header row, got ${JSON.stringify(header)}`);
  }
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== header.length) {
      throw new ConvlabError(
        fn,
        `row ${i} has ${Array.isArray(row) ? row.length : 'no'} cells but the header has ${header.length}`,
      );
    }
  });
  const cell = (tag: 'th' | 'td', value: TableCell) => {
    const isNumber = typeof value === 'number';
    const text = isNumber ? value.toLocaleString('en-US') : escapeHtml(String(value));
    return `<${tag} style="text-align:${isNumber ? 'right' : 'left'};padding:2px 10px">${text}</${tag}>`;
  };
  const row = (tag: 'th' | 'td', values: TableCell[]) =>
    `<tr>${values.map((v) => cell(tag, v)).join('')}</tr>`;
  return `<table><thead>${row('th', header)}</thead><tbody>${rows.map((r) => row('td', r)).join('')}</tbody></table>`;
}
