/**
 * The figures draw in a real browser: Debian's Chromium, driven by playwright-core, opens the welcome
 * notebook in the classic Jupyter Notebook, runs all cells, and checks that Plotly drew every figure;
 * then it opens the notebook exported to HTML (as `convlab course` does) and checks the same, with
 * every request off this machine blocked — the figures must draw offline.
 * Screenshots go to build/browser-*.png. Skipped (with the reason printed) only without Chromium.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { BrowserContext, Page } from 'playwright-core';
import { exportHtml } from '../src/jupyter/exportHtml';
import { requireJupyter } from '../src/jupyter/findJupyter';
import { writeNotebook } from '../src/jupyter/notebookFormat';
import { runNotebook } from '../src/jupyter/runNotebook';
import { JupyterServer, startServer } from '../src/jupyter/server';
import { blockOutsideRequests, chromiumMissing, launchChromium } from './helpers/chromium';
import { newMark, repoRoot, scratchDir, waitForNoMarkedProcesses } from './jupyter/helpers';

const WELCOME = '00-welcome.ipynb';

/** The parts of the classic Notebook's page global `Jupyter` the test reads. */
interface ClassicJupyter {
  notebook?: {
    kernel?: { is_connected?(): boolean };
    get_cells(): Array<{ cell_type: string; input_prompt_number?: number | string | null }>;
  };
}

/** A figure output: show() sends HTML that draws itself (a div of class convlab-figure). */
const isFigureOutput = (output: object) =>
  'data' in output &&
  /class="convlab-figure"/.test(
    String((output as { data: Record<string, unknown> }).data['text/html'] ?? ''),
  );

/** Plot divs on the page and how many of them Plotly has drawn (an svg.main-svg inside). */
async function countFigures(page: Page): Promise<{ plots: number; drawn: number }> {
  return page.evaluate(() => {
    const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
    return { plots: plots.length, drawn: plots.filter((plot) => plot.querySelector('svg.main-svg')).length };
  });
}

describe('figures in a real browser (Chromium)', function () {
  this.timeout(180_000);
  const mark = newMark();
  let dir: string;
  let server: JupyterServer | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext | undefined;
  /** Requests to anywhere but this machine, blocked (the figures must draw offline). */
  let blocked: string[] = [];
  /** How many figures the welcome notebook draws, from running it (not hard-coded). */
  let expectedFigures = 0;

  const consoleDebug = console.debug;

  before(async function () {
    // @jupyterlab/services logs each WebSocket it opens with console.debug: noise in a test report.
    console.debug = () => undefined;
    const missing = chromiumMissing();
    if (missing) {
      console.log(`  browser test skipped: ${missing}`);
      this.skip();
    }
    // A copy of the notebook in a scratch folder, so that the browser session can never save
    // outputs into the committed source; `dist` is linked beside it for `import ... from '../dist'`.
    dir = scratchDir('browser');
    fs.mkdirSync(path.join(dir, 'notebooks'));
    fs.copyFileSync(path.join(repoRoot, 'notebooks', WELCOME), path.join(dir, 'notebooks', WELCOME));
    fs.symlinkSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'));
    server = await startServer({ rootDir: dir, app: 'notebook', env: { CONVLAB_TEST_MARK: mark } });
    browser = await launchChromium();
    context = browser.context;
    blocked = await blockOutsideRequests(context);
  });

  after(async () => {
    console.debug = consoleDebug;
    await browser?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    expect(await waitForNoMarkedProcesses(mark), 'Jupyter or kernel processes left behind').to.deep.equal([]);
  });

  it(`${WELCOME} executed by the runner and exported to HTML draws its figures offline`, async () => {
    const notebookFile = path.join(dir, 'notebooks', WELCOME);
    const run = await runNotebook(server!, notebookFile);
    expect(run.failures).to.deep.equal([]);
    expectedFigures = run.notebook.cells
      .flatMap((cell) => (cell.cell_type === 'code' ? cell.outputs : []))
      .filter(isFigureOutput).length;
    expect(expectedFigures, 'figures in the welcome notebook').to.be.at.least(1);

    const executed = path.join(dir, 'executed', WELCOME);
    fs.mkdirSync(path.dirname(executed));
    writeNotebook(executed, run.notebook);
    const [html] = exportHtml(requireJupyter(), [executed], path.join(dir, 'html'));
    const page = await context!.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`file://${html}`);
    await page.waitForFunction(
      (n) => document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= n,
      expectedFigures,
      {
        timeout: 60_000,
      },
    );
    expect(await countFigures(page)).to.deep.equal({ plots: expectedFigures, drawn: expectedFigures });
    // The page is whole: no script, style or font from anywhere else, not even this machine's
    // /usr/share/javascript (MathJax and require.js are dropped by exportHtml's portablePage).
    expect(requested.filter((url) => url !== `file://${html}` && !url.startsWith('data:'))).to.deep.equal([]);
    await page.screenshot({ path: path.join(repoRoot, 'build', 'browser-export.png'), fullPage: true });
    expect(
      blocked.filter((url) => /plotly/i.test(url)),
      'plotly fetched from the network',
    ).to.deep.equal([]);
    await page.close();
  });

  it(`${WELCOME} opened in Jupyter Notebook: Run All draws every figure, no cell fails`, async () => {
    const page = await context!.newPage();
    await page.goto(server!.browserUrl(`notebooks/${WELCOME}`));
    // The classic Notebook UI exposes `Jupyter`; wait until its kernel is connected and idle.
    await page.waitForFunction(
      () => {
        const jupyter = (window as unknown as { Jupyter?: ClassicJupyter }).Jupyter;
        return (
          jupyter?.notebook?.kernel?.is_connected?.() &&
          document.querySelector('#kernel_indicator_icon.kernel_idle_icon')
        );
      },
      undefined,
      { timeout: 60_000 },
    );
    await page.click('#celllink');
    await page.click('#run_all_cells > a');
    // Done when every code cell has an execution count (the prompt shows a number, not '*').
    await page.waitForFunction(
      () => {
        // (runs in the page: only types may come from outside the function)
        const jupyter = (window as unknown as { Jupyter: Required<ClassicJupyter> }).Jupyter;
        const cells = jupyter.notebook.get_cells().filter((cell) => cell.cell_type === 'code');
        return cells.every((cell) => typeof cell.input_prompt_number === 'number');
      },
      undefined,
      { timeout: 120_000 },
    );
    await page.waitForFunction(
      (n) => document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= n,
      expectedFigures,
      {
        timeout: 60_000,
      },
    );
    expect(await countFigures(page)).to.deep.equal({ plots: expectedFigures, drawn: expectedFigures });
    expect(await page.locator('.output_error, .output_stderr').count(), 'error or stderr outputs').to.equal(
      0,
    );
    await page.screenshot({ path: path.join(repoRoot, 'build', 'browser-notebook.png'), fullPage: true });
    expect(
      blocked.filter((url) => /plotly/i.test(url)),
      'plotly fetched from the network',
    ).to.deep.equal([]);
    await page.close();
  });
});
