/**
 * `convlab run` end to end: a real Jupyter server, real tslab kernels, the CLI as a child process.
 * After every test no process started by it may be left (Jupyter server, kernels).
 */
import { expect } from 'chai';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CodeCell, ErrorOutput } from '../src/jupyter/notebookFormat';
import { startServer } from '../src/jupyter/server';
import { sleep } from '../src/jupyter/sleep';
import {
  markedProcesses,
  repoRoot,
  newMark,
  readOutputs,
  runCli,
  scratchDir,
  waitForNoMarkedProcesses,
  writeCodeNotebook,
} from './jupyter/helpers';

describe('convlab run (real Jupyter server and kernel)', function () {
  this.timeout(120_000);
  let dir: string;
  let mark: string;

  beforeEach(() => {
    dir = scratchDir('runner');
    mark = newMark();
  });

  afterEach(async () => {
    // Every test must leave nothing behind: no Jupyter server, no kernel.
    const left = await waitForNoMarkedProcesses(mark);
    expect(left, `processes left behind: ${JSON.stringify(left)}`).to.deep.equal([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the cells in order in the notebook folder, writes the executed copy, leaves the source alone', async () => {
    const notebook = writeCodeNotebook(dir, 'ok.ipynb', [
      'const n: number = 6 * 7;',
      'console.log(n)',
      'console.log(process.cwd())',
      'console.log(process.env.MALLOC_MMAP_THRESHOLD_, process.env.MALLOC_TRIM_THRESHOLD_)',
    ]);
    const before = fs.readFileSync(notebook, 'utf8');
    const result = await runCli(['run', notebook, '--out', path.join(dir, 'out')], { mark });

    expect(result.code, result.stderr).to.equal(0);
    expect(fs.readFileSync(notebook, 'utf8'), 'source untouched').to.equal(before);
    const cells = readOutputs(path.join(dir, 'out', 'ok.ipynb')) as CodeCell[];
    expect(cells.map((cell) => cell.execution_count)).to.deep.equal([1, 2, 3, 4]);
    expect(cells[1].outputs).to.deep.equal([{ output_type: 'stream', name: 'stdout', text: '42\n' }]);
    // The kernel's working folder is the notebook's, so relative paths in notebooks resolve.
    expect(cells[2].outputs).to.deep.equal([
      { output_type: 'stream', name: 'stdout', text: `${fs.realpathSync(dir)}\n` },
    ]);
    // kernel.json's env reaches the kernel: glibc keeps freed memory for the next big array
    expect(cells[3].outputs).to.deep.equal([
      { output_type: 'stream', name: 'stdout', text: '33554432 268435456\n' },
    ]);
  });

  it('--inplace writes the outputs into the source notebook', async () => {
    const notebook = writeCodeNotebook(dir, 'inplace.ipynb', ['console.log("in place")']);
    const result = await runCli(['run', notebook, '--inplace'], { mark });
    expect(result.code, result.stderr).to.equal(0);
    const [cell] = readOutputs(notebook) as CodeCell[];
    expect(cell.outputs).to.deep.equal([{ output_type: 'stream', name: 'stdout', text: 'in place\n' }]);
  });

  it('a failing cell: reports the notebook, cell index, source and stderr, stops there, exits 1', async () => {
    const notebook = writeCodeNotebook(dir, 'bad.ipynb', [
      'console.log("before")',
      'const grid = [1, 2];\nthrow new RangeError("the filter does not fit: " + grid.length)',
      'console.log("never runs")',
    ]);
    const result = await runCli(['run', notebook, '--out', path.join(dir, 'out')], { mark });

    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(
      'bad.ipynb: cell index 1 failed: RangeError: the filter does not fit: 2',
    );
    expect(result.stderr).to.include('| throw new RangeError("the filter does not fit: " + grid.length)');
    expect(result.stderr).to.match(/stderr:\n(.*\n)*.*RangeError: the filter does not fit: 2/);
    // tslab sends no `error` message: the runner made an nbformat error output from the stderr.
    const cells = readOutputs(path.join(dir, 'out', 'bad.ipynb')) as CodeCell[];
    const error = cells[1].outputs.find((output) => output.output_type === 'error') as ErrorOutput;
    expect([error.ename, error.evalue]).to.deep.equal(['RangeError', 'the filter does not fit: 2']);
    expect(error.traceback.join('\n')).to.include('RangeError: the filter does not fit: 2');
    expect(cells[2].execution_count, 'the cell after the error did not run').to.equal(null);
    expect(cells[2].outputs).to.deep.equal([]);
  });

  it('a TypeScript type error fails the cell with the line and column', async () => {
    const notebook = writeCodeNotebook(dir, 'types.ipynb', ['const size: number = "three";']);
    const result = await runCli(['run', notebook, '--out', path.join(dir, 'out')], { mark });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(
      `types.ipynb: cell index 0 failed: TypeScriptError: 1:7 Type 'string' is not assignable to type 'number'.`,
    );
  });

  it("--allow-errors runs the cells after a failing one (waiting out tslab's abort window) and still exits 1", async () => {
    const notebook = writeCodeNotebook(dir, 'go-on.ipynb', [
      'throw new Error("first")',
      'console.log("second ran")',
    ]);
    const result = await runCli(['run', notebook, '--out', path.join(dir, 'out'), '--allow-errors'], {
      mark,
    });
    expect(result.code).to.equal(1);
    const cells = readOutputs(path.join(dir, 'out', 'go-on.ipynb')) as CodeCell[];
    expect(cells[1].outputs).to.deep.equal([{ output_type: 'stream', name: 'stdout', text: 'second ran\n' }]);
    expect(cells[1].execution_count).to.equal(2);
  });

  it('a cell that ends its kernel (process.exit): reported as a death, the run ends cleanly with exit 1', async () => {
    const notebook = writeCodeNotebook(dir, 'exit.ipynb', [
      "console.log('before')",
      'process.exit(3)',
      "console.log('after')",
    ]);
    const result = await runCli(['run', notebook, '--out', path.join(dir, 'out'), '--allow-errors'], {
      mark,
    });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(
      'exit.ipynb: cell index 1 failed: Error: convlab: the kernel died while running this cell',
    );
    // no stack of an unhandled rejection, no server traceback, no "Connection lost" from the client
    expect(result.stderr).not.to.match(
      /Kernel connection disconnected|Traceback|Connection lost|at .*\.js:\d+/,
    );
    const cells = readOutputs(path.join(dir, 'out', 'exit.ipynb')) as CodeCell[];
    expect(cells[0].outputs).to.deep.equal([{ output_type: 'stream', name: 'stdout', text: 'before\n' }]);
    expect(cells[2].execution_count).to.equal(null);
  });

  it('an import that failed works once the file exists (tslab alone fails every later cell: kernels/convlab/tslabTimers.js)', async () => {
    const notebook = writeCodeNotebook(dir, 'late-module.ipynb', [
      "import { x } from './helper';",
      // the pause lets the kernel see the new file before the next cell is compiled
      "require('fs').writeFileSync('helper.ts', 'export const x = 41;\\n');\nawait new Promise((done) => setTimeout(done, 1000));",
      "import { x } from './helper';\nconsole.log('x + 1 =', x + 1);",
      "console.log('still fine');",
    ]);
    const result = await runCli(['run', notebook, '--out', path.join(dir, 'out'), '--allow-errors'], {
      mark,
    });
    const cells = readOutputs(path.join(dir, 'out', 'late-module.ipynb')) as CodeCell[];
    expect((cells[0].outputs[0] as ErrorOutput).evalue).to.include("Cannot find module './helper'");
    expect(cells[2].outputs, result.stderr).to.deep.equal([
      { output_type: 'stream', name: 'stdout', text: 'x + 1 = 42\n' },
    ]);
    expect(cells[3].outputs).to.deep.equal([{ output_type: 'stream', name: 'stdout', text: 'still fine\n' }]);
  });

  it('an endless loop times out: the kernel is interrupted, the cell reported, and the kernel still runs the next cell', async () => {
    const notebook = writeCodeNotebook(dir, 'loop.ipynb', [
      'let spins = 0;\nwhile (true) { spins++; }',
      'console.log("alive after the interrupt")',
    ]);
    const started = Date.now();
    const result = await runCli(
      ['run', notebook, '--out', path.join(dir, 'out'), '--timeout', '3', '--allow-errors'],
      { mark },
    );
    const seconds = (Date.now() - started) / 1000;

    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(
      'loop.ipynb: cell index 0 failed: CellTimeoutError: cell timed out after 3 s and the kernel was interrupted',
    );
    expect(result.stderr).to.include('| while (true) { spins++; }');
    expect(seconds, 'interrupted soon after the timeout').to.be.below(30);
    const cells = readOutputs(path.join(dir, 'out', 'loop.ipynb')) as CodeCell[];
    expect((cells[0].outputs[0] as ErrorOutput).ename).to.equal('CellTimeoutError');
    expect(cells[1].outputs).to.deep.equal([
      { output_type: 'stream', name: 'stdout', text: 'alive after the interrupt\n' },
    ]);
  });

  it('update_display_data replaces the output shown under the same display id, even in an earlier cell', async () => {
    const notebook = writeCodeNotebook(dir, 'display.ipynb', [
      'import { newDisplay } from "tslab";\nconst status = newDisplay();\nstatus.text("epoch 1");',
      'status.text("epoch 2");\nstatus.text("epoch 3");\nconsole.log("updated")',
    ]);
    const result = await runCli(['run', notebook, '--out', path.join(dir, 'out')], { mark });
    expect(result.code, result.stderr).to.equal(0);
    const cells = readOutputs(path.join(dir, 'out', 'display.ipynb')) as CodeCell[];
    expect(cells[0].outputs).to.deep.equal([
      { output_type: 'display_data', data: { 'text/plain': 'epoch 3' }, metadata: {} },
    ]);
    expect(cells[1].outputs).to.deep.equal([{ output_type: 'stream', name: 'stdout', text: 'updated\n' }]);
  });

  it('--jobs 2 runs two notebooks at the same time, one kernel each', async () => {
    const cell =
      'const t0 = Date.now();\nawait new Promise((resolve) => setTimeout(resolve, 3000));\nconsole.log(JSON.stringify({ t0, t1: Date.now(), pid: process.pid }))';
    const a = writeCodeNotebook(dir, 'a.ipynb', [cell]);
    const b = writeCodeNotebook(dir, 'b.ipynb', [cell]);
    const result = await runCli(['run', a, b, '--out', path.join(dir, 'out'), '--jobs', '2'], { mark });
    expect(result.code, result.stderr).to.equal(0);
    const times = ['a.ipynb', 'b.ipynb'].map((name) => {
      const [only] = readOutputs(path.join(dir, 'out', name)) as CodeCell[];
      return JSON.parse((only.outputs[0] as { text: string }).text) as {
        t0: number;
        t1: number;
        pid: number;
      };
    });
    expect(times[0].pid, 'two kernels').to.not.equal(times[1].pid);
    // The two 3-second waits overlap in time.
    expect(Math.max(times[0].t0, times[1].t0)).to.be.below(Math.min(times[0].t1, times[1].t1));
  });

  it('Ctrl-C (SIGINT) while a cell runs: stops the server and kernel, exits 130', async () => {
    const notebook = writeCodeNotebook(dir, 'interrupted.ipynb', ['while (true) {}']);
    const result = await runCli(['run', notebook, '--out', path.join(dir, 'out')], {
      mark,
      whileRunning: (pid) => {
        // Send SIGINT once the kernel exists (it carries the mark), i.e. mid-notebook.
        const poll = setInterval(() => {
          if (markedProcesses(mark).some((p) => p.command.includes('launch.js'))) {
            clearInterval(poll);
            setTimeout(() => process.kill(pid, 'SIGINT'), 1000);
          }
        }, 100);
      },
    });
    expect(result.code).to.equal(130);
    expect(result.stderr).to.include('SIGINT, stopping the Jupyter server and kernels');
  });

  it('--server URL --token T: runs on a server somebody else started, shuts its kernel down, leaves the server up', async () => {
    const server = await startServer({ rootDir: dir, env: { CONVLAB_TEST_MARK: mark } });
    try {
      const notebook = writeCodeNotebook(dir, 'remote.ipynb', ['console.log(process.cwd())']);
      const result = await runCli(
        ['run', 'remote.ipynb', '--server', server.url, '--token', server.token, '--out', 'out'],
        {
          mark: newMark(),
          cwd: dir,
        },
      );
      expect(result.code, result.stderr).to.equal(0);
      const [cell] = readOutputs(path.join(dir, 'out', path.basename(notebook))) as CodeCell[];
      expect(cell.outputs).to.deep.equal([
        { output_type: 'stream', name: 'stdout', text: `${fs.realpathSync(dir)}\n` },
      ]);
      const response = await fetch(`${server.url}api/kernels`, {
        headers: { Authorization: `token ${server.token}` },
      });
      expect(response.status, 'the server still answers').to.equal(200);
      expect(await response.json(), 'kernels left running on it').to.deep.equal([]);
    } finally {
      await server.stop();
    }
  });

  it('a script using startServer interrupted by SIGINT: the server and kernel are stopped, then the signal ends it', async () => {
    const notebook = writeCodeNotebook(dir, 'endless.ipynb', ['while (true) {}']);
    const script = [
      `const { startServer } = require(${JSON.stringify(path.join(repoRoot, 'src', 'jupyter', 'server.ts'))});`,
      `const { runNotebook } = require(${JSON.stringify(path.join(repoRoot, 'src', 'jupyter', 'runNotebook.ts'))});`,
      `startServer({ rootDir: ${JSON.stringify(dir)} }).then((server) => runNotebook(server, ${JSON.stringify(notebook)}));`,
    ].join('\n');
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: repoRoot,
      env: { ...process.env, CONVLAB_TEST_MARK: mark },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_, signal) => resolve(signal)),
    );
    const deadline = Date.now() + 60_000;
    while (!markedProcesses(mark).some((p) => p.command.includes('launch.js')) && Date.now() < deadline) {
      await sleep(100);
    }
    child.kill('SIGINT');
    expect(await exited, 'ended by the signal').to.equal('SIGINT');
  });

  it('usage errors exit 2 and name the problem', async () => {
    const result = await runCli(['run', path.join(dir, 'missing.ipynb')], { mark });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include(`no such notebook or folder: ${path.join(dir, 'missing.ipynb')}`);
    const notebook = writeCodeNotebook(dir, 'ok.ipynb', ['1 + 1']);
    for (const [args, problem] of [
      [['--jobs', 'zero'], "--jobs must be a positive number, got 'zero'"],
      [['--jobs', '0.5'], "--jobs must be a positive whole number, got '0.5'"],
      [['--timeout', '0'], "--timeout must be a positive number, got '0'"],
    ] as Array<[string[], string]>) {
      const result = await runCli(['run', notebook, ...args], { mark });
      expect(result.code, args.join(' ')).to.equal(2);
      expect(result.stderr, args.join(' ')).to.include(`convlab run: ${problem}\n\nusage: convlab run`);
    }
  });
});
