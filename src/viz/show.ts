/**
 * The one file that talks to the notebook. Everything else in `viz/` builds plain JSON figures.
 *
 * tslab 1.0.22's public `display.raw` sends one MIME type per message, but a figure should travel
 * as one bundle — the Plotly JSON for front ends with a Plotly renderer, HTML that draws itself for
 * every other front end, and a line of text for the rest — so that each front end picks what it
 * renders best. tslab keeps the writer of the cell being run in the internal
 * `lastWriteDisplayData` of its `dist/jupyter.js`; `show` uses it, and falls back to the public
 * `display.html` when a tslab version no longer has it. test/show.test.ts checks the internal.
 */
import { randomBytes } from 'crypto';
import { existsSync } from 'fs';
import * as path from 'path';
import { inspect } from 'util';
import { describeFigure } from './describeFigure';
import { Figure, isFigure } from './figure';
import { figureHtml, plotlyScriptTag, plotlyVersion } from './figureHtml';

/** The MIME type of a Plotly figure (JupyterLab's and VS Code's Plotly renderers read it). */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

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

// "Once per kernel" means once per process. The flag lives on globalThis so that two copies of this
// module (say `../dist` and a linked package) still inline plotly.js only once.
const INLINED = Symbol.for('convlab.viz.plotlyInlined');
const state = globalThis as unknown as { [INLINED]?: boolean };

/** Forget that plotly.js was sent, so the next `show` inlines it again (tests; a page that lost it). */
export function resetPlotlyInline(): void {
  state[INLINED] = false;
}

/** Whether this kernel has already sent plotly.js to the page. */
export function plotlyInlined(): boolean {
  return state[INLINED] === true;
}

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
            throw new Error(`show: no figure with id ${JSON.stringify(id)} was shown by this kernel`);
          if (!display) fallbackDisplays.set(id, (display = tslab.newDisplay()));
          display.html(html); // a tslab display updates itself from its second call on
        },
      };
    }
  }
  throw new Error(
    'show: there is no notebook to draw in: show() works inside a cell run by the tslab kernel. ' +
      'Elsewhere, write figureHtml(figure, { includePlotly: true }) to an .html file and open it.',
  );
}

function send(route: Route, figure: Figure, id: string, update: boolean, includePlotly: boolean): void {
  const html = figureHtml(figure, {
    includePlotly,
    divId: `convlab-figure-${randomBytes(6).toString('hex')}`,
  });
  if (route.kind === 'html') {
    route.html(id, html, update);
    return;
  }
  route.write(
    {
      data: { [PLOTLY_MIME]: figure, 'text/html': html, 'text/plain': describeFigure(figure) },
      metadata: {},
      transient: { display_id: id },
    },
    update,
  );
}

/** plotly.js in an output of its own, for figures that will be updated (an update would drop it). */
function sendLibrary(route: Route): void {
  const text = `plotly.js ${plotlyVersion()} (inlined once per kernel so that figures draw offline)`;
  const id = `convlab-plotly-${randomBytes(6).toString('hex')}`;
  if (route.kind === 'html') route.html(id, plotlyScriptTag(), false);
  else
    route.write(
      {
        data: { 'text/html': plotlyScriptTag(), 'text/plain': text },
        metadata: {},
        transient: { display_id: id },
      },
      false,
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
 * Draws a figure in the notebook, as one display bundle: `application/vnd.plotly.v1+json`,
 * `text/html` (draws with plotly.js, offline) and `text/plain` (`Figure: heatmap 6×6`).
 * The first figure of a kernel carries plotly.js itself (1.5 MB); later ones use it.
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
    throw new Error(
      `${fn}: expected a figure { data: [...], layout: {...} } (e.g. heatmap(x)), got ${figure === null ? 'null' : typeof figure}`,
    );
  }
  const { id, update = false } = options ?? {};
  if (id !== undefined && (typeof id !== 'string' || id === '')) {
    throw new Error(`${fn}: id must be a non-empty string, got ${JSON.stringify(id)}`);
  }
  if (update && id === undefined)
    throw new Error(`${fn}: update: true needs the id of the figure to replace`);
  const route = findRoute();
  if (update) {
    send(route, figure, id!, true, false);
    return handleFor(id!);
  }
  let includePlotly = !plotlyInlined();
  if (includePlotly && id !== undefined) {
    sendLibrary(route);
    state[INLINED] = true;
    includePlotly = false;
  }
  send(route, figure, id ?? `convlab-${randomBytes(6).toString('hex')}`, false, includePlotly);
  if (includePlotly) state[INLINED] = true;
  return id === undefined ? undefined : handleFor(id);
}

/**
 * Shows an HTML fragment — a widget such as `kernelPlayground(image)` — in the notebook, as a
 * `text/html` output with a line of `text/plain` for front ends that render no HTML. With
 * `plotly: true`, plotly.js is put on the page first unless this kernel already did.
 */
export function showHtml(html: string, options: { plotly?: boolean; text?: string } = {}): void {
  if (typeof html !== 'string' || html.trim() === '') {
    throw new Error(`showHtml: expected a non-empty HTML string, got ${JSON.stringify(html)}`);
  }
  const route = findRoute();
  if (options.plotly && !plotlyInlined()) {
    sendLibrary(route);
    state[INLINED] = true;
  }
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
