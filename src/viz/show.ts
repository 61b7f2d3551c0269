/**
 * The one file that talks to the notebook. Everything else in `viz/` builds plain JSON figures.
 *
 * A figure travels as one bundle of two MIME types: HTML that draws itself with plotly.js, and a
 * line of text for front ends that render no HTML. Deliberately not `application/vnd.plotly.v1+json`:
 * where the `plotly` pip package is installed, JupyterLab's Plotly renderer takes that type first
 * and behaves differently (live updates freeze, PNG snapshots go into the saved file, figures stay
 * static until hovered); with HTML alone every front end draws the same figure the same way. The
 * HTML never carries plotly.js: the page loads it once from the Jupyter server (figureHtml.ts), so
 * no order of clicks (re-run, Clear All, save and reload) can lose the library.
 *
 * tslab 1.0.22's public `display.raw` sends one MIME type per message; tslab keeps the writer of the
 * cell being run in the internal `lastWriteDisplayData` of its `dist/jupyter.js`. `show` uses it,
 * and falls back to the public `display.html` when a tslab version no longer has it.
 * test/show.test.ts checks the internal.
 */
import { randomBytes } from 'crypto';
import { existsSync } from 'fs';
import * as path from 'path';
import { inspect } from 'util';
import { describeFigure } from './describeFigure';
import { Figure, isFigure } from './figure';
import { figureHtml } from './figureHtml';
import { ConvlabError } from '../cnn/convlabError';

/** The content of a Jupyter `display_data` / `update_display_data` message. */
export interface DisplayData {
  data: { [mimeType: string]: unknown };
  metadata: { [key: string]: unknown };
  transient: { display_id: string };
}

/** tslab's internal writer: sends `display_data`, or `update_display_data` when `update` is true. */
export type WriteDisplayData = (content: DisplayData, update: boolean) => void;

/** A figure on the page that can be redrawn in place (an animation, a live training curve). */
export interface DisplayHandle {
  readonly id: string;
  /** Replaces the figure shown under this id (an `update_display_data` message). */
  update(figure: Figure): void;
}

export interface ShowOptions {
  /** A display id: the figure can then be replaced with `handle.update(figure)` or `show(figure, { id, update: true })`. */
  id?: string;
  /** Replace the figure already shown under `id` instead of adding a new one. */
  update?: boolean;
}

/** How show() reaches the notebook: tslab's bundle writer, or its public one-MIME-type display. */
type Route =
  | { kind: 'bundle'; write: WriteDisplayData }
  | { kind: 'html'; html(id: string, html: string, update: boolean): void };

/** Directories of every tslab `dist/` that this process has loaded (the kernel's own is one of them). */
function loadedTslabDirs(): string[] {
  const dirs = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    if (/[\\/]tslab[\\/]dist[\\/][^\\/]+\.js$/.test(file)) dirs.add(path.dirname(file));
  }
  return [...dirs];
}

/**
 * The running tslab kernel's display writer, found through the module cache rather than
 * `require('tslab')`: the kernel may run a tslab other than the one next to this file, and only
 * the kernel's own copy has a writer set.
 */
export function tslabDisplayWriter(): WriteDisplayData | null {
  for (const dir of loadedTslabDirs()) {
    const jupyter = require.cache[path.join(dir, 'jupyter.js')]?.exports as
      { lastWriteDisplayData?: unknown } | undefined;
    if (typeof jupyter?.lastWriteDisplayData === 'function') {
      const write = jupyter.lastWriteDisplayData as WriteDisplayData;
      return (content, update) => write(content, update);
    }
  }
  return null;
}

interface PublicDisplay {
  html(s: string): void;
}
const fallbackDisplays = new Map<string, PublicDisplay>();

function findRoute(): Route {
  const write = tslabDisplayWriter();
  if (write) return { kind: 'bundle', write };
  for (const dir of loadedTslabDirs()) {
    const jupyter = require.cache[path.join(dir, 'jupyter.js')]?.exports as object | undefined;
    const hookGone = !jupyter || !('lastWriteDisplayData' in jupyter);
    const publicFile = path.join(dir, 'public.js');
    if (hookGone && existsSync(publicFile)) {
      // tslab changed: its public API still sends HTML, one MIME type per message
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time
      const tslab = require(publicFile) as { newDisplay(): PublicDisplay };
      return {
        kind: 'html',
        html(id, html, update) {
          let display = fallbackDisplays.get(id);
          if (update && !display)
            throw new ConvlabError(
              'show',
              `no figure with id ${JSON.stringify(id)} was shown by this kernel`,
            );
          if (!display) fallbackDisplays.set(id, (display = tslab.newDisplay()));
          display.html(html); // a tslab display updates itself from its second call on
        },
      };
    }
  }
  throw new ConvlabError(
    'show',
    'there is no notebook to draw in: show() works inside a cell run by the tslab kernel. ' +
      'Elsewhere, write figureHtml(figure, { includePlotly: true }) to an .html file and open it.',
  );
}

function send(route: Route, figure: Figure, id: string, update: boolean): void {
  const html = figureHtml(figure, { divId: `convlab-figure-${randomBytes(6).toString('hex')}` });
  if (route.kind === 'html') {
    route.html(id, html, update);
    return;
  }
  route.write(
    {
      data: { 'text/html': html, 'text/plain': describeFigure(figure) },
      metadata: {},
      transient: { display_id: id },
    },
    update,
  );
}

function handleFor(id: string): DisplayHandle {
  return {
    id,
    update: (figure: Figure): void => {
      show(figure, { id, update: true });
    },
    // tslab prints a cell's last value: keep that to one line
    [inspect.custom]: () => `DisplayHandle ${JSON.stringify(id)}`,
  } as DisplayHandle;
}

/**
 * Draws a figure in the notebook, as one display bundle: `text/html` (draws with plotly.js,
 * offline) and `text/plain` (`Figure: heatmap 6×6`).
 *
 * ```ts
 * show(heatmap(x));                               // a figure
 * const live = show(trainingCurves([]), { id: 'cost' }); // one that can change
 * live.update(trainingCurves(history));            // …redrawn in place
 * ```
 */
export function show(figure: Figure, options?: { id?: undefined; update?: false }): void;
export function show(figure: Figure, options: ShowOptions & { id: string }): DisplayHandle;
export function show(figure: Figure, options?: ShowOptions): DisplayHandle | void;
export function show(figure: Figure, options: ShowOptions = {}): DisplayHandle | void {
  const fn = 'show';
  if (!isFigure(figure)) {
    throw new ConvlabError(
      fn,
      `expected a figure { data: [...], layout: {...} } (e.g. heatmap(x)), got ${figure === null ? 'null' : typeof figure}`,
    );
  }
  const { id, update = false } = options ?? {};
  if (id !== undefined && (typeof id !== 'string' || id === '')) {
    throw new ConvlabError(fn, `id must be a non-empty string, got ${JSON.stringify(id)}`);
  }
  if (update && id === undefined)
    throw new ConvlabError(fn, 'update: true needs the id of the figure to replace');
  const route = findRoute();
  send(route, figure, id ?? `convlab-${randomBytes(6).toString('hex')}`, update);
  return id === undefined ? undefined : handleFor(id);
}

/**
 * Shows an HTML fragment — a widget such as `kernelPlayground(image)` — in the notebook, as a
 * `text/html` output with a line of `text/plain` for front ends that render no HTML. A widget that
 * draws with Plotly loads it itself (`loadPlotlyJs`).
 */
export function showHtml(html: string, options: { text?: string } = {}): void {
  if (typeof html !== 'string' || html.trim() === '') {
    throw new ConvlabError('showHtml', `expected a non-empty HTML string, got ${JSON.stringify(html)}`);
  }
  const route = findRoute();
  const id = `convlab-html-${randomBytes(6).toString('hex')}`;
  if (route.kind === 'html') route.html(id, html, false);
  else {
    const text = options.text ?? 'HTML output: open the notebook in Jupyter or its HTML export to see it';
    route.write(
      { data: { 'text/html': html, 'text/plain': text }, metadata: {}, transient: { display_id: id } },
      false,
    );
  }
}
