/**
 * The course in the front ends students use: JupyterLab 4 (with and without the jupyterlab-plotly
 * renderer that the `plotly` pip package brings) and Notebook 7, from the project's .venv, driven by
 * playwright-core in Debian's Chromium. For 00, 03b and 13 (FRONT_ENDS says which where): Run All from the menu, every figure
 * drew; a slider moves a figure; 13's live training curve is redrawn while it trains; re-run the
 * first figure's cell, save, reload: every figure still draws. A failing `check` shows one line.
 *
 * `npm test` makes .venv (JupyterLab 4, Notebook 7) and .venv/jupyterlab-plotly (the renderer,
 * found through JUPYTER_PATH only when a test asks for it). Skipped, with the reason printed, where
 * either or Chromium is missing. Screenshots go to build/frontends-*.png.
 *
 * The three front ends run side by side, each with its own server and browser: most of the time
 * goes to waiting on kernels and pages, so together they take little longer than one.
 */
import { KernelAPI } from '@jupyterlab/services';
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Page } from 'playwright-core';
import { JupyterInstall, inspectJupyter } from '../src/jupyter/findJupyter';
import { readNotebook } from '../src/jupyter/notebookFormat';
import { JupyterApp, JupyterServer, startServer } from '../src/jupyter/server';
import { blockOutsideRequests, chromiumMissing, launchChromium } from './helpers/chromium';
import {
  newMark,
  repoRoot,
  scratchDir,
  waitForNoMarkedProcesses,
  writeCodeNotebook,
} from './jupyter/helpers';

const VENV_JUPYTER = process.env.CONVLAB_LAB_JUPYTER ?? path.join(repoRoot, '.venv', 'bin', 'jupyter');
/** A pip --prefix install of `plotly`: only its JupyterLab extension is used (see bootstrap.js). */
const PLOTLY_RENDERER = path.join(repoRoot, '.venv', 'jupyterlab-plotly', 'share', 'jupyter');
const NOTEBOOKS = ['00-welcome.ipynb', '03b-sobel-scharr-explorer.ipynb', '13-putting-it-together.ipynb'];

interface FrontEnd {
  name: string;
  app: JupyterApp;
  plotlyRenderer: boolean;
  /** The notebooks it runs. */
  notebooks: string[];
}
// JupyterLab, the default front end, runs all three. The renderer changes how figures draw, so the
// run with it takes 03b (figures and sliders); Notebook 7 shares JupyterLab's notebook and output
// code, so it takes 00 and 03b. 13's training (its live curve) runs once: it is the slowest of them,
// and on two cores three trainings at once made the whole suite about five minutes longer.
const FRONT_ENDS: FrontEnd[] = [
  { name: 'JupyterLab 4', app: 'lab', plotlyRenderer: false, notebooks: NOTEBOOKS },
  {
    name: 'JupyterLab 4 with jupyterlab-plotly',
    app: 'lab',
    plotlyRenderer: true,
    notebooks: [NOTEBOOKS[1]],
  },
  { name: 'Notebook 7', app: 'notebook', plotlyRenderer: false, notebooks: NOTEBOOKS.slice(0, 2) },
];

/** Counts every figure div the page ever got (a live figure's update brings a new one). */
/** The notebook in view (JupyterLab keeps other tabs' notebooks in the page, hidden). */
const SHOWN = '.jp-NotebookPanel:not(.lm-mod-hidden)';

const COUNT_INSERTED_FIGURES = () => {
  const w = window as unknown as { convlabFiguresInserted: number };
  w.convlabFiguresInserted = 0;
  new MutationObserver((records) => {
    for (const record of records)
      for (const node of Array.from(record.addedNodes))
        if (node instanceof Element)
          w.convlabFiguresInserted +=
            (node.matches('.convlab-figure') ? 1 : 0) + node.querySelectorAll('.convlab-figure').length;
  }).observe(document, { childList: true, subtree: true });
};

/** Figures on the page (div.convlab-figure) and how many Plotly has drawn (an svg inside). */
function countFigures(page: Page): Promise<{ figures: number; drawn: number }> {
  return page.evaluate((shown) => {
    const figures = Array.from(document.querySelectorAll(`${shown} .convlab-figure`));
    return { figures: figures.length, drawn: figures.filter((f) => f.querySelector('svg.main-svg')).length };
  }, SHOWN);
}

/** Figure outputs in a saved notebook, and whether it has any PNG copy of one. */
function savedFigures(file: string): { figures: number; pngs: number } {
  const outputs = readNotebook(file).cells.flatMap((cell) => (cell.cell_type === 'code' ? cell.outputs : []));
  const data = outputs.map((output) => ('data' in output ? output.data : {}) as Record<string, unknown>);
  return {
    figures: data.filter((d) => /class="convlab-figure"/.test(String(d['text/html'] ?? ''))).length,
    pngs: data.filter((d) => 'image/png' in d).length,
  };
}

async function waitForIdleKernel(server: JupyterServer): Promise<void> {
  for (let i = 0; i < 600; i++) {
    // (a kernel that is shutting down can make the list fail for a moment)
    const kernels = await KernelAPI.listRunning(server.settings).catch(() => []);
    if (kernels.length > 0 && kernels.every((kernel) => kernel.execution_state === 'idle')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no idle kernel after 60 s');
}

/** Runs a command from the menu bar (JupyterLab and Notebook 7 share lumino's menus). */
async function menu(page: Page, title: string, item: string): Promise<void> {
  await page.locator('.lm-MenuBar-item', { hasText: new RegExp(`^${title}$`) }).click();
  await page
    .locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${item}$`) })
    .first()
    .click();
}

/**
 * Run ▸ Run All Cells. A click that comes before the page has connected its kernel is lost, so
 * it is repeated until some cell is queued or running.
 */
async function runAll(page: Page): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await menu(page, 'Run', 'Run All Cells');
    try {
      await page.waitForFunction(
        (shown) =>
          Array.from(document.querySelectorAll(`${shown} .jp-CodeCell .jp-InputArea-prompt`)).some(
            (p) => !/^\[ ?\]:$/.test((p.textContent ?? '').trim()),
          ),
        SHOWN,
        { timeout: 15_000 },
      );
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Waits until every code cell shows an execution count ([3]:), none is queued or running. */
async function waitForAllRun(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(
    (shown) => {
      const prompts = Array.from(document.querySelectorAll(`${shown} .jp-CodeCell .jp-InputArea-prompt`));
      return prompts.length > 0 && prompts.every((p) => /^\[\d+\]:$/.test((p.textContent ?? '').trim()));
    },
    SHOWN,
    { timeout },
  );
}

async function waitForDrawn(page: Page, figures: number): Promise<void> {
  await page.waitForFunction(
    ([shown, n]) =>
      Array.from(document.querySelectorAll(`${shown} .convlab-figure`)).filter((f) =>
        f.querySelector('svg.main-svg'),
      ).length >= n,
    [SHOWN, figures] as const,
    { timeout: 60_000 },
  );
}

/** Saves from the File menu and waits until the file on disk is new and whole. */
async function save(page: Page, file: string): Promise<void> {
  const before = fs.readFileSync(file, 'utf8');
  await menu(page, 'File', 'Save Notebook');
  for (let i = 0; i < 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = fs.readFileSync(file, 'utf8');
    if (now === before) continue;
    try {
      JSON.parse(now); // Jupyter writes in place: a half-written file is not saved yet
      return;
    } catch {
      // not whole yet
    }
  }
  expect.fail(`${path.basename(file)} was not saved within 20 s`);
}

async function openNotebook(page: Page, server: JupyterServer, name: string): Promise<void> {
  // ?reset: JupyterLab would otherwise reopen the tabs of the page before (its workspace)
  await page.goto(`${server.browserUrl(`notebooks/${name}`)}&reset`);
  await page.locator('.jp-Notebook .jp-Cell').first().waitFor({ timeout: 60_000 });
  await waitForIdleKernel(server);
}

/** Which federated JupyterLab extensions the page loaded (from its page config). */
function loadedExtensions(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const config = JSON.parse(document.getElementById('jupyter-config-data')?.textContent ?? '{}');
    return ((config.federated_extensions ?? []) as Array<{ name: string }>).map((e) => e.name);
  });
}

function shot(page: Page, frontEnd: FrontEnd, what: string): Promise<Buffer> {
  const slug = frontEnd.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return page.screenshot({ path: path.join(repoRoot, 'build', `frontends-${slug}-${what}.png`) });
}

const venvJupyter: JupyterInstall | undefined = inspectJupyter(VENV_JUPYTER);

/** One front end, its own Jupyter server (a scratch copy of the notebooks) and its own Chromium. */
interface Session {
  frontEnd: FrontEnd;
  mark: string;
  dir: string;
  server?: JupyterServer;
  browser?: Awaited<ReturnType<typeof launchChromium>>;
}

/** Why a front end cannot be tested here, or undefined. */
function missingFor(frontEnd: FrontEnd): string | undefined {
  const missing = [
    chromiumMissing(),
    !(venvJupyter?.apps.lab && venvJupyter.apps.notebook) &&
      `JupyterLab 4 and Notebook 7 are not in ${VENV_JUPYTER} (npm test installs them)`,
    frontEnd.plotlyRenderer &&
      !fs.existsSync(PLOTLY_RENDERER) &&
      `${PLOTLY_RENDERER} is missing (npm test installs it)`,
  ].filter(Boolean);
  return missing.length > 0 ? missing.join('; ') : undefined;
}

async function startSession(frontEnd: FrontEnd): Promise<Session> {
  // Copies, so that saving in the browser never touches the committed sources.
  const session: Session = { frontEnd, mark: newMark(), dir: scratchDir('frontends') };
  const { dir } = session;
  fs.mkdirSync(path.join(dir, 'notebooks'));
  for (const name of NOTEBOOKS)
    fs.copyFileSync(path.join(repoRoot, 'notebooks', name), path.join(dir, 'notebooks', name));
  fs.symlinkSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'));
  fs.symlinkSync(path.join(repoRoot, 'data'), path.join(dir, 'data'));
  writeCodeNotebook(path.join(dir, 'notebooks'), 'failing-check.ipynb', [
    "import * as cl from '../dist';",
    "cl.check('zeroPad keeps the size', cl.zeroPad(cl.tensor([[[[1], [2]], [[3], [4]]]]), 1).shape, [1, 2, 2, 1]);",
  ]);
  session.server = await startServer({
    rootDir: dir,
    app: frontEnd.app,
    jupyter: venvJupyter,
    kernelPaths: frontEnd.plotlyRenderer ? [PLOTLY_RENDERER] : [],
    env: {
      CONVLAB_TEST_MARK: session.mark,
      // the browser session's settings and workspaces stay in the scratch folder
      JUPYTERLAB_SETTINGS_DIR: path.join(dir, 'lab-settings'),
      JUPYTERLAB_WORKSPACES_DIR: path.join(dir, 'workspaces'),
    },
  });
  session.browser = await launchChromium({ width: 1280, height: 900 });
  // three front ends at once on two cores: a JupyterLab page can take longer than 30 s to load
  session.browser.context.setDefaultTimeout(120_000);
  // Nothing from off this machine: the figures must draw offline.
  await blockOutsideRequests(session.browser.context);
  await session.browser.context.addInitScript(COUNT_INSERTED_FIGURES);
  return session;
}

async function stopSession(session: Session): Promise<string[]> {
  await session.browser?.close();
  await session.server?.stop();
  fs.rmSync(session.dir, { recursive: true, force: true });
  return (await waitForNoMarkedProcesses(session.mark)).map((p) => `${session.frontEnd.name}: ${p.command}`);
}

/**
 * Runs a check in every front end at once (they wait on kernels and pages more than on the CPU),
 * and fails naming each front end that failed, with a screenshot of its pages.
 */
async function inEachFrontEnd(
  sessions: Session[],
  check: (session: Session) => Promise<void>,
): Promise<void> {
  const results = await Promise.allSettled(sessions.map(check));
  const failures: string[] = [];
  for (const [i, result] of results.entries()) {
    if (result.status === 'fulfilled') continue;
    const { frontEnd, browser } = sessions[i];
    for (const [j, page] of (browser?.context.pages() ?? []).entries())
      await shot(page, frontEnd, `failed-${j}`).catch(() => undefined);
    failures.push(`${frontEnd.name}: ${(result.reason as Error).message ?? result.reason}`);
  }
  if (failures.length > 0) expect.fail(failures.join('\n\n'));
}

/** Run All, every figure drew, then re-run the first figure's cell, save, reload: all draw again. */
async function checkNotebook({ frontEnd, dir, server, browser }: Session, name: string): Promise<void> {
  const file = path.join(dir, 'notebooks', name);
  const page = await browser!.context.newPage();
  await openNotebook(page, server!, name);
  expect(await loadedExtensions(page)).to.satisfy((names: string[]) =>
    frontEnd.plotlyRenderer ? names.includes('jupyterlab-plotly') : !names.includes('jupyterlab-plotly'),
  );
  await runAll(page);
  await waitForAllRun(page, 300_000);
  await save(page, file);
  const saved = savedFigures(file);
  expect(saved.figures, 'figures in the saved notebook').to.be.at.least(1);
  expect(saved.pngs, 'PNG copies of figures in the saved notebook').to.equal(0);
  await waitForDrawn(page, saved.figures);
  expect(await countFigures(page)).to.deep.equal({ figures: saved.figures, drawn: saved.figures });
  expect(await page.locator('.jp-OutputArea-output[data-mime-type$="error"]').count(), 'errors').to.equal(0);
  await shot(page, frontEnd, name.slice(0, 3));

  if (name.startsWith('13')) {
    const inserted = await page.evaluate(
      () => (window as unknown as { convlabFiguresInserted: number }).convlabFiguresInserted,
    );
    // each update of the live training curve replaces its figure with a new one
    expect(inserted, 'figures inserted, counting live updates').to.be.greaterThan(saved.figures + 1);
  }
  if (name.startsWith('03b')) await moveASlider(page);

  // The first figure's cell again (plotly.js must not travel once per kernel), save, reload.
  const firstFigureCell = page.locator('.jp-CodeCell', { has: page.locator('.convlab-figure') }).first();
  await firstFigureCell.locator('.jp-InputArea-prompt').click();
  await page.keyboard.press('Shift+Enter');
  await waitForAllRun(page, 60_000);
  await save(page, file);
  await page.reload();
  await page.locator('.jp-Notebook .jp-Cell').first().waitFor({ timeout: 60_000 });
  await waitForDrawn(page, saved.figures);
  expect(await countFigures(page)).to.deep.equal({ figures: saved.figures, drawn: saved.figures });
  await shot(page, frontEnd, `${name.slice(0, 3)}-reloaded`);
  await page.close();
  const kernels = await KernelAPI.listRunning(server!.settings);
  await Promise.all(kernels.map((k) => KernelAPI.shutdownKernel(k.id, server!.settings)));
}

async function checkFailingCheck({ frontEnd, server, browser }: Session): Promise<void> {
  const page = await browser!.context.newPage();
  await openNotebook(page, server!, 'failing-check.ipynb');
  await runAll(page);
  const error = page.locator(
    '.jp-OutputArea-output[data-mime-type$="stderr"], .jp-OutputArea-output[data-mime-type$="error"]',
  );
  await error.first().waitFor({ timeout: 60_000 });
  const text = (await error.allInnerTexts()).join('\n').trim();
  expect(text).to.match(/^✗ zeroPad keeps the size: /);
  expect(text.split('\n').length, text).to.equal(1);
  await shot(page, frontEnd, 'failing-check');
  await page.close();
}

describe(`the course in ${FRONT_ENDS.map((f) => f.name).join(', ')} (Chromium)`, function () {
  this.timeout(420_000);
  let sessions: Session[] = [];
  const consoleDebug = console.debug;

  before(async function () {
    console.debug = () => undefined; // @jupyterlab/services logs each WebSocket it opens
    const missing = FRONT_ENDS.map(missingFor).find(Boolean);
    if (missing) {
      console.log(`  skipped: ${missing}`);
      this.skip();
    }
    const started = await Promise.allSettled(FRONT_ENDS.map(startSession));
    sessions = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  });

  after(async () => {
    console.debug = consoleDebug;
    const leftBehind = (await Promise.all(sessions.map(stopSession))).flat();
    expect(leftBehind, 'processes left behind').to.deep.equal([]);
  });

  for (const name of NOTEBOOKS) {
    const where = FRONT_ENDS.filter((f) => f.notebooks.includes(name)).map((f) => f.name);
    it(`${name} in ${where.join(', ')}: Run All draws every figure; after re-running the first figure's cell, save and reload, they all draw again`, () =>
      inEachFrontEnd(
        sessions.filter((session) => session.frontEnd.notebooks.includes(name)),
        (session) => checkNotebook(session, name),
      ));
  }

  it('in each: a failing check shows one line, without a stack', () =>
    inEachFrontEnd(sessions, checkFailingCheck));
});

/** Moves 03b's first frame slider with the mouse and checks that the figure changed. */
async function moveASlider(page: Page): Promise<void> {
  const figure = page.locator(`${SHOWN} .convlab-figure`, { has: page.locator('.slider-container') }).first();
  const picture = () =>
    figure.evaluate((div) => {
      const images = Array.from(div.querySelectorAll('image')).map((image) => image.getAttribute('href'));
      const texts = Array.from(div.querySelectorAll('.annotation-text, .gtitle')).map((t) => t.textContent);
      return JSON.stringify([images, texts]);
    });
  const before = await picture();
  const rail = figure.locator('.slider-rail-touch-rect').first();
  // Cells above may still be growing as they render (content-visibility): wait until the rail
  // stays put and is what the mouse would hit there.
  let box = null;
  for (let i = 0; i < 50; i++) {
    await rail.scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
    const now = await rail.boundingBox();
    const hit =
      now &&
      (await rail.evaluate(
        (r, [x, y]) => r.closest('.slider-container')!.contains(document.elementFromPoint(x, y)),
        [now.x + now.width * 0.6, now.y + now.height / 2],
      ));
    if (hit && box && now.x === box.x && now.y === box.y) break;
    box = now;
  }
  await page.mouse.click(box!.x + box!.width * 0.6, box!.y + box!.height / 2);
  for (let i = 0; i < 50 && (await picture()) === before; i++) await page.waitForTimeout(200);
  expect((await picture()) === before, 'the figure is the same after moving its slider').to.equal(false);
}
