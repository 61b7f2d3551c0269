/**
 * Errors are values: what the library throws carries the function, the problem and the shapes, and
 * prints in a notebook as the one line a student needs. The last part runs a real tslab kernel on
 * the compiled library (`npm run build` first).
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { inspect } from 'util';
import { releaseCommand } from '../src/jupyter/commands/release';
import { manifestFile, ReleaseError } from '../src/jupyter/grading/releaseExercises';
import { CodeCell, ErrorOutput } from '../src/jupyter/notebookFormat';
import { runNotebook } from '../src/jupyter/runNotebook';
import { JupyterServer, startServer } from '../src/jupyter/server';
import {
  CheckFailure,
  check,
  conv2d,
  convolutionHover,
  ConvlabError,
  correlate2d,
  zeros,
} from '../src/index';
import {
  newMark,
  repoRoot,
  scratchDir,
  waitForNoMarkedProcesses,
  writeCodeNotebook,
} from './jupyter/helpers';
import { arithmeticSource } from './submissions/arithmetic';

/** The error `call` throws (failing the test if it returns). */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return expect.fail('expected a throw, but the call returned');
}

const channelMismatch =
  'conv2d: filter has 3 input channels but the input has 1 (input [1,6,6,1], filter [3,3,3,8])';

describe('ConvlabError', () => {
  it('Does a library error carry the function, the problem and the shapes, and the message users saw?', () => {
    const error = thrown(() => conv2d(zeros([1, 6, 6, 1]), zeros([3, 3, 3, 8]), zeros([8])));
    expect(error).to.be.instanceOf(ConvlabError).and.instanceOf(Error);
    const { fn, problem, shapes, message, name } = error as ConvlabError;
    expect({ fn, problem, shapes, name }).to.deep.equal({
      fn: 'conv2d',
      problem: 'filter has 3 input channels but the input has 1',
      shapes: { input: [1, 6, 6, 1], filter: [3, 3, 3, 8] },
      name: 'ConvlabError',
    });
    expect(message).to.equal(channelMismatch);
  });

  it('Is the message `fn: problem`, with the shapes listed after it only when there are any?', () => {
    expect(new ConvlabError('tensor', 'element at [0] is "a", not a number').message).to.equal(
      'tensor: element at [0] is "a", not a number',
    );
    expect(new ConvlabError('assign', 'shapes differ', { dest: [2, 3], src: [3] }).message).to.equal(
      'assign: shapes differ (dest [2,3], src [3])',
    );
  });

  it('Does it print as one line without a stack (what tslab shows: console.error asks inspect)?', () => {
    const error = thrown(() => conv2d(zeros([1, 6, 6, 1]), zeros([3, 3, 3, 8]), zeros([8])));
    expect(inspect(error)).to.equal(`ConvlabError: ${channelMismatch}`);
    // the stack is still there for whoever asks for it
    expect((error as Error).stack).to.match(/\n\s+at /);
  });

  it('Does an error that is not convlab’s keep its stack?', () => {
    const text = inspect(new RangeError('not ours'));
    expect(text.split('\n')[0]).to.equal('RangeError: not ours');
    expect(text).to.match(/\n\s+at /);
  });

  it('Does a failed check still print its ✗ line, and is it a ConvlabError naming what was checked?', () => {
    const error = thrown(() => check('strided cell (0,2)', 88, 83)) as CheckFailure;
    expect(error).to.be.instanceOf(CheckFailure).and.instanceOf(ConvlabError);
    expect(inspect(error)).to.equal('✗ strided cell (0,2): got 88, expected 83');
    expect([error.label, error.problem, error.name]).to.deep.equal([
      'strided cell (0,2)',
      'got 88, expected 83',
      'CheckFailure',
    ]);
  });

  it("Do callers that pass an error on build from its fields (correlate2d's 2-D shapes, convolutionHover's name)?", () => {
    const inner = thrown(() => correlate2d(zeros([2, 2]), zeros([3, 3]))) as ConvlabError;
    expect([inner.fn, inner.problem, inner.shapes]).to.deep.equal([
      'correlate2d',
      'filter 3×3 is larger than the padded input 2×2 (pad 0)',
      { image: [2, 2], kernel: [3, 3] },
    ]);
    expect((inner.cause as ConvlabError).fn).to.equal('conv2d');

    const outer = thrown(() =>
      convolutionHover(
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 0, -1],
          [1, 0, -1],
          [1, 0, -1],
        ],
      ),
    ) as ConvlabError;
    expect(outer.message).to.equal(
      'convolutionHover: filter 3×3 is larger than the padded input 2×2 (pad 0) (image [2,2], kernel [3,3])',
    );
    expect(outer.shapes).to.deep.equal(inner.shapes);
  });

  it('Does instanceof work across the dist build (what notebooks import) and this source?', () => {
    const distIndex = path.join(repoRoot, 'dist', 'index.js');
    expect(fs.existsSync(distIndex), 'dist/index.js: run `npm run build` first').to.equal(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled copy, on purpose
    const dist = require(distIndex) as typeof import('../src/index');
    expect(dist.ConvlabError, 'a second copy of the class').to.not.equal(ConvlabError);
    const fromDist = thrown(() => dist.conv2d(dist.zeros([1, 6, 6, 1]), dist.zeros([3, 3, 3, 8])));
    expect(fromDist).to.be.instanceOf(dist.ConvlabError).and.instanceOf(ConvlabError);
    expect(thrown(() => conv2d(zeros([1, 6, 6, 1]), zeros([3, 3, 3, 8])))).to.be.instanceOf(
      dist.ConvlabError,
    );
    const failedCheck = thrown(() => dist.check('x', 1, 2));
    expect(failedCheck).to.be.instanceOf(CheckFailure).and.instanceOf(ConvlabError);
    expect(
      thrown(() => dist.conv2d(dist.zeros([1, 6, 6, 1]), dist.zeros([3, 3, 3, 8]))),
    ).to.not.be.instanceOf(CheckFailure);
    expect(new Error('plain')).to.not.be.instanceOf(dist.ConvlabError);
    expect(inspect(fromDist)).to.equal(`ConvlabError: ${channelMismatch}`);
  });
});

describe("convlab release reports its refusal from the error's fields", () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Does the command print the problem once, without the "release: " prefix doubled?', async () => {
    dir = scratchDir('release-error');
    const source = path.join(dir, 'arithmetic.ipynb');
    fs.writeFileSync(source, JSON.stringify(arithmeticSource(), null, 1));
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, manifestFile), 'mine');

    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((text: string) => written.push(text) > 0) as typeof process.stderr.write;
    let code: number;
    try {
      code = await releaseCommand.main([source, '--out', out]);
    } finally {
      process.stderr.write = write;
    }
    expect(code).to.equal(1);
    const problem = `${path.join(out, manifestFile)} already exists; use --force to overwrite it`;
    expect(written).to.deep.equal([`convlab release: ${problem}\n`]);
    const error = new ReleaseError(problem);
    expect([error.problem, error.message]).to.deep.equal([problem, `release: ${problem}`]);
  });
});

describe('ConvlabError in a notebook (real Jupyter server and tslab kernel)', function () {
  this.timeout(180_000);
  const mark = newMark();
  let server: JupyterServer | undefined;
  let dir: string;
  let cells: CodeCell[];
  const consoleDebug = console.debug;

  before(async () => {
    // @jupyterlab/services logs each WebSocket it opens with console.debug: noise in a test report.
    console.debug = () => undefined;
    expect(fs.existsSync(path.join(repoRoot, 'dist', 'index.js')), 'run `npm run build` first').to.equal(
      true,
    );
    dir = scratchDir('convlab-error');
    fs.symlinkSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'));
    fs.mkdirSync(path.join(dir, 'notebooks'));
    const notebook = writeCodeNotebook(path.join(dir, 'notebooks'), 'errors.ipynb', [
      "import * as cl from '../dist';",
      'cl.conv2d(cl.zeros([1, 6, 6, 1]), cl.zeros([3, 3, 3, 8]), cl.zeros([8]));',
      "throw new RangeError('not a convlab error');",
      "throw new cl.ConvlabError('myFunction', 'thrown by the cell itself', { x: [2, 3] });",
    ]);
    server = await startServer({ rootDir: dir, env: { CONVLAB_TEST_MARK: mark } });
    const run = await runNotebook(server, notebook, { allowErrors: true, timeoutSeconds: 120 });
    cells = run.notebook.cells as CodeCell[];
  });

  after(async () => {
    console.debug = consoleDebug;
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    expect(await waitForNoMarkedProcesses(mark), 'Jupyter or kernel processes left behind').to.deep.equal([]);
  });

  const errorOf = (cell: CodeCell) => cell.outputs.find((o) => o.output_type === 'error') as ErrorOutput;

  it('Does a cell that throws a ConvlabError show the one line, without a stack?', () => {
    const error = errorOf(cells[1]);
    expect([error.ename, error.evalue]).to.deep.equal(['ConvlabError', channelMismatch]);
    expect(error.traceback).to.deep.equal([`ConvlabError: ${channelMismatch}`]);
  });

  it('Does a plain Error keep its stack?', () => {
    const error = errorOf(cells[2]);
    expect([error.ename, error.evalue]).to.deep.equal(['RangeError', 'not a convlab error']);
    // Node's own text: the cell's line and a caret, the message, then the stack
    expect(error.traceback).to.include('RangeError: not a convlab error');
    expect(error.traceback.filter((line) => /^\s+at /.test(line))).to.not.deep.equal([]);
  });

  it('Does a ConvlabError thrown by the cell itself (not from inside the library) show one line too?', () => {
    const error = errorOf(cells[3]);
    const line = 'ConvlabError: myFunction: thrown by the cell itself (x [2,3])';
    expect([error.ename, error.evalue, error.traceback]).to.deep.equal([
      'ConvlabError',
      'myFunction: thrown by the cell itself (x [2,3])',
      [line],
    ]);
  });
});
