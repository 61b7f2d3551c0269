/**
 * Every lecture notebook (`notebooks/*.ipynb`) runs top to bottom on the convlab kernel without an
 * error and draws at least one Plotly figure. One Jupyter server serves them all; the notebooks
 * import the compiled library (`../dist`), so `npm run build` must have run (`npm test` does it).
 */
import { KernelSpecAPI } from '@jupyterlab/services';
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { CodeCell, readNotebook } from '../src/jupyter/notebookFormat';
import { NotebookRun, describeFailures, runNotebooks } from '../src/jupyter/runNotebooks';
import { JupyterServer, startServer } from '../src/jupyter/server';
import { newMark, repoRoot, waitForNoMarkedProcesses } from './jupyter/helpers';

/** A figure output: show() sends HTML that draws itself (a div of class convlab-figure). */
const isFigureOutput = (output: object) =>
  'data' in output &&
  /class="convlab-figure"/.test(
    String((output as { data: Record<string, unknown> }).data['text/html'] ?? ''),
  );
const notebookDir = path.join(repoRoot, 'notebooks');
const files = fs
  .readdirSync(notebookDir)
  .filter((name) => name.endsWith('.ipynb'))
  .sort()
  .map((name) => path.join(notebookDir, name));

describe('the lecture notebooks (run on a real kernel)', function () {
  this.timeout(20 * 60_000);
  const mark = newMark();
  let server: JupyterServer | undefined;
  const runs = new Map<string, NotebookRun>();

  const consoleDebug = console.debug;

  before(async () => {
    // @jupyterlab/services logs each WebSocket it opens with console.debug: noise in a test report.
    console.debug = () => undefined;
    expect(
      fs.existsSync(path.join(repoRoot, 'dist', 'index.js')),
      'dist/index.js: run `npm run build` first',
    ).to.equal(true);
    server = await startServer({ rootDir: repoRoot, env: { CONVLAB_TEST_MARK: mark } });
    for (const run of await runNotebooks(server, files, { jobs: 2, timeoutSeconds: 300 }))
      runs.set(run.file, run);
  });

  after(async () => {
    console.debug = consoleDebug;
    await server?.stop();
    expect(await waitForNoMarkedProcesses(mark), 'Jupyter or kernel processes left behind').to.deep.equal([]);
  });

  it("students' kernel list offers the convlab kernel, as the default, not the grader's sandbox kernel", async () => {
    const specs = await KernelSpecAPI.getSpecs(server!.settings);
    expect(Object.keys(specs.kernelspecs)).to.include('convlab').and.not.to.include('convlab-grade');
    // jupyter-config/: the default decides what a new notebook and the Launcher's first tile run
    expect(specs.default).to.equal('convlab');
  });

  it('there are notebooks, the welcome notebook first', () => {
    expect(files.map((file) => path.basename(file))[0]).to.equal('00-welcome.ipynb');
  });

  for (const file of files) {
    const name = path.basename(file);

    it(`${name}: committed clean, for the convlab kernel`, () => {
      const notebook = readNotebook(file);
      expect(notebook.metadata.kernelspec?.name).to.equal('convlab');
      const code = notebook.cells.filter((cell): cell is CodeCell => cell.cell_type === 'code');
      expect(code.filter((cell) => cell.outputs.length > 0).length, 'code cells with outputs').to.equal(0);
      expect(
        code.filter((cell) => cell.execution_count !== null).length,
        'code cells with an execution count',
      ).to.equal(0);
    });

    it(`${name}: runs without errors and draws a Plotly figure`, () => {
      const run = runs.get(file)!;
      expect(run, 'the notebook was run').to.not.equal(undefined);
      expect(describeFailures([run]), 'failures').to.equal('');
      const outputs = run.notebook.cells.flatMap((cell) => (cell.cell_type === 'code' ? cell.outputs : []));
      const figures = outputs.filter(isFigureOutput);
      expect(figures.length, 'figure outputs').to.be.at.least(1);
    });
  }
});
