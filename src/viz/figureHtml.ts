import { randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import { describeFigure } from './describeFigure';
import { checkJson, Figure, isFigure } from './figure';

/**
 * How to let a notebook's scripts run, for each front end: JupyterLab has the command in its palette
 * only; Notebook 7 and the classic Notebook in the File menu. (HTML, because figures are HTML.)
 */
export const trustHint =
  'trust the notebook (JupyterLab: command palette, Ctrl+Shift+C, “Trust Notebook”; Notebook 7 and the ' +
  'classic Notebook: File ▸ Trust Notebook; or <code>jupyter trust notebook.ipynb</code>)';

/** The npm package whose minified bundle is inlined: heatmaps, images, lines, sliders, dropdowns in 1.5 MB. */
export const PLOTLY_PACKAGE = 'plotly.js-cartesian-dist-min';

let plotlySource: string | null = null;

/**
 * The plotly.js bundle as text. It is read from the package's file, never `require`d: plotly.js
 * expects a browser and throws `self is not defined` when Node evaluates it.
 */
export function plotlyJs(): string {
  if (plotlySource === null) {
    let file: string;
    try {
      file = require.resolve(PLOTLY_PACKAGE);
    } catch {
      throw new Error(`plotlyJs: the npm package ${PLOTLY_PACKAGE} is not installed (run npm install)`);
    }
    plotlySource = readFileSync(file, 'utf8');
  }
  return plotlySource;
}

/** The version of the inlined plotly.js (from its package.json). */
export function plotlyVersion(): string {
  const file = require.resolve(`${PLOTLY_PACKAGE}/package.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * Text safe to put between `<script>` and `</script>`: an HTML parser ends the script at the first
 * `</script`, whatever JavaScript string it sits in. `<\/` means the same thing to JavaScript.
 */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** `<script>` that defines `window.Plotly`: put it once in a page, before (or with) the first figure. */
export function plotlyScriptTag(): string {
  return `<script type="text/javascript">${scriptSafe(plotlyJs())}\n</script>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface FigureHtmlOptions {
  /** Put plotly.js itself in the HTML (1.5 MB). Needed once per page, before or with the first figure. */
  includePlotly?: boolean;
  /** The id of the div the figure is drawn in (default: a random one, so that pages can hold many). */
  divId?: string;
}

/**
 * A figure as an HTML fragment that draws itself with plotly.js, offline (no CDN): a div holding a
 * placeholder text, and a script that replaces it with the figure. Where scripts do not run (an
 * untrusted notebook, a sanitised viewer) the placeholder says so. Where plotly.js is not loaded
 * yet, the script waits for it (the figure carrying the library may render after this one).
 */
export function figureHtml(figure: Figure, options: FigureHtmlOptions = {}): string {
  if (!isFigure(figure)) {
    throw new Error(`figureHtml: expected a figure { data: [...], layout: {...} }, got ${typeof figure}`);
  }
  checkJson('figureHtml', figure);
  const divId = options.divId ?? `convlab-figure-${randomBytes(6).toString('hex')}`;
  if (!/^[A-Za-z][\w-]*$/.test(divId)) {
    throw new Error(
      `figureHtml: divId must be letters, digits, - or _ and start with a letter, got ${JSON.stringify(divId)}`,
    );
  }
  const description = describeFigure(figure);
  const height = typeof figure.layout.height === 'number' ? figure.layout.height : 450;
  const config = { displaylogo: false, responsive: true, ...figure.config };
  const plotted = { ...figure, config };

  const placeholder =
    `<div class="convlab-figure-placeholder" style="padding:1em;border:1px dashed #999;color:#555;font:13px sans-serif">` +
    `${escapeHtml(description)}. This interactive figure is drawn by JavaScript, which did not run here: ` +
    `${trustHint} or open it where scripts may run.</div>`;
  const waitingText =
    'Waiting for plotly.js: it is inlined in the first figure the kernel showed. If this stays, that output ' +
    'is gone: run the notebook again from the top (or call resetPlotlyInline() and run this cell again).';
  // Poll rather than draw at once: in JupyterLab the output may run its script before it is attached
  // to the page, and plotly.js may arrive with a later-rendered output (the first figure's).
  const draw = `(function () {
  var id = ${JSON.stringify(divId)};
  var figure = ${JSON.stringify(plotted)};
  var waited = 0;
  function draw() {
    var el = document.getElementById(id);
    if (el && window.Plotly) {
      el.textContent = '';
      window.Plotly.newPlot(el, figure);
      return;
    }
    waited += 100;
    if (el && waited === 3000) el.firstChild.textContent = ${JSON.stringify(waitingText)};
    if (waited < 120000) setTimeout(draw, 100);
  }
  draw();
})();`;
  return [
    `<div id="${divId}" class="convlab-figure" style="min-height:${Math.min(height, 120)}px">${placeholder}</div>`,
    options.includePlotly ? plotlyScriptTag() : '',
    `<script type="text/javascript">\n${scriptSafe(draw)}\n</script>`,
  ].join('\n');
}
