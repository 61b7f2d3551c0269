import { Figure, Json } from './figure';

function dims(z: Json | undefined): string | null {
  if (!Array.isArray(z) || !Array.isArray(z[0])) return null;
  return `${z.length}×${z[0].length}`;
}

function titleOf(figure: Figure): string | null {
  const title = figure.layout.title;
  if (typeof title === 'string') return title;
  if (title && typeof title === 'object' && !Array.isArray(title) && typeof title.text === 'string')
    return title.text;
  return null;
}

/**
 * A one-line description of a figure for `text/plain` (what a terminal, a test or a screen
 * reader gets): `Figure: heatmap 6×6`, `Figure: 8 panels (heatmap 4×4), 12 frames — feature maps`.
 */
export function describeFigure(figure: Figure): string {
  const traces = figure.data;
  const panels = new Set(traces.map((t) => `${t.xaxis ?? 'x'}/${t.yaxis ?? 'y'}`)).size;
  const first = traces[0];
  let what: string;
  if (!first) what = 'empty';
  else {
    const firstDims = dims(first.z);
    const kind = `${first.type ?? 'scatter'}${firstDims ? ` ${firstDims}` : ''}`;
    if (panels > 1) what = `${panels} panels (${kind}${traces.length > panels ? ', …' : ''})`;
    else if (traces.length > 1) what = `${traces.length} traces (${kind}, …)`;
    else what = kind;
  }
  const frames = figure.frames?.length ? `, ${figure.frames.length} frames` : '';
  const title = titleOf(figure);
  return `Figure: ${what}${frames}${title ? ` — ${title.replace(/<[^>]*>/g, ' ').trim()}` : ''}`;
}
