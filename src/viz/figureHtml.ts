import { randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import { describeFigure } from './describeFigure';
import { checkJson, Figure, isFigure } from './figure';
import { ConvlabError } from '../cnn/convlabError';
import { escapeHtml } from './escapeHtml';
import { scriptSafe } from './scriptSafe';

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
      throw new ConvlabError(
        'plotlyJs',
        `the npm package ${PLOTLY_PACKAGE} is not installed (run npm install)`,
      );
    }
    plotlySource = readFileSync(file, 'utf8');
  }
  return plotlySource;
}

/**
 * Where a Jupyter server serves plotly.js to the page: a file of the convlab kernelspec
 * (`npm run build` copies it there), at `{baseUrl}kernelspecs/convlab/plotly.min.js`. Jupyter serves
 * any kernelspec's files at that route (jupyter_server 1 and 2, the classic Notebook), behind the
 * same login as the notebook. So a figure's output never carries the 1.5 MB library: re-running a
 * cell, clearing outputs, saving and reopening in a fresh browser all leave figures able to draw.
 */
export const plotlyAssetPath = 'kernelspecs/convlab/plotly.min.js';

/**
 * The page-side loader every figure and widget script uses: `window.Plotly` if the page has it (an
 * exported page inlines it once), else one `<script>` from the Jupyter server for the whole page.
 * The server's base URL is in the page config (JupyterLab, Notebook 7) or on the body (classic).
 */
export const loadPlotlyJs = `function convlabLoadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.convlabPlotlyLoading) {
    window.convlabPlotlyLoading = new Promise(function (resolve, reject) {
      var base = '/';
      var config = document.getElementById('jupyter-config-data');
      try {
        if (config) base = JSON.parse(config.textContent).baseUrl || base;
      } catch (error) {}
      if (document.body && document.body.getAttribute('data-base-url')) base = document.body.getAttribute('data-base-url');
      var script = document.createElement('script');
      if (base.charAt(base.length - 1) !== '/') base += '/';
      script.src = base + ${JSON.stringify(plotlyAssetPath)};
      script.onload = function () {
        if (window.Plotly) resolve(window.Plotly);
        else reject(new Error('plotly.js loaded but defined no Plotly'));
      };
      script.onerror = function () {
        window.convlabPlotlyLoading = null;
        reject(new Error('no Jupyter server serves plotly.js here'));
      };
      document.head.appendChild(script);
    });
  }
  return window.convlabPlotlyLoading;
}`;

/** `<script>` that defines `window.Plotly`: put it once in a page, before (or with) the first figure. */
export function plotlyScriptTag(): string {
  return `<script type="text/javascript">${scriptSafe(plotlyJs())}\n</script>`;
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
 * untrusted notebook, a sanitised viewer) the placeholder says so. plotly.js comes from the page
 * (an exported page inlines it) or from the Jupyter server (`loadPlotlyJs`).
 */
export function figureHtml(figure: Figure, options: FigureHtmlOptions = {}): string {
  if (!isFigure(figure)) {
    throw new ConvlabError(
      'figureHtml',
      `expected a figure { data: [...], layout: {...} }, got ${typeof figure}`,
    );
  }
  checkJson('figureHtml', figure);
  const divId = options.divId ?? `convlab-figure-${randomBytes(6).toString('hex')}`;
  if (!/^[A-Za-z][\w-]*$/.test(divId)) {
    throw new ConvlabError(
      'figureHtml',
      `divId must be letters, digits, - or _ and start with a letter, got ${JSON.stringify(divId)}`,
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
  const missingText =
    `${description}. plotly.js could not be loaded here: open the notebook in Jupyter started by ` +
    '`npm start` (it serves plotly.js with the convlab kernel), or the HTML pages of the course.';
  // Wait for the div rather than draw at once: in JupyterLab the output may run its script before
  // it is attached to the page.
  const draw = `(function () {
  var id = ${JSON.stringify(divId)};
  var figure = ${JSON.stringify(plotted)};
  ${loadPlotlyJs}
  var waited = 0;
  function attached() {
    var el = document.getElementById(id);
    if (!el) {
      waited += 50;
      if (waited < 10000) setTimeout(attached, 50);
      return;
    }
    convlabLoadPlotly().then(
      function (Plotly) {
        el.textContent = '';
        Plotly.newPlot(el, figure);
      },
      function () {
        el.firstChild.textContent = ${JSON.stringify(missingText)};
      },
    );
  }
  attached();
})();`;
  return [
    `<div id="${divId}" class="convlab-figure" style="min-height:${Math.min(height, 120)}px">${placeholder}</div>`,
    options.includePlotly ? plotlyScriptTag() : '',
    `<script type="text/javascript">\n${scriptSafe(draw)}\n</script>`,
  ].join('\n');
}
