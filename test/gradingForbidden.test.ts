/**
 * Forbidden library functions and the kernel's own doors (guard.js) in a real grading kernel: one
 * sandboxed kernel runs teacher cells (listed by hash, as the grader does) and student cells that try
 * every road the red team found or we could think of. Each student cell prints what happened; the
 * test reads the lines. The end-to-end attack suite (scores, feedback) is test/gradingRun.test.ts.
 */
import { expect } from 'chai';
import { createHash } from 'crypto';
import { gradingLimitOptions } from '../src/jupyter/commands/gradingSession';
import { probeBoundary } from '../src/jupyter/grading/probeBoundary';
import { createSandbox, gradingKernelPath } from '../src/jupyter/grading/sandbox';
import { Notebook } from '../src/jupyter/notebookFormat';
import { runNotebook } from '../src/jupyter/runNotebook';
import { JupyterServer, repoRoot, startServer } from '../src/jupyter/server';

const teacher = (source: string) => ({ source, teacher: true });
const student = (source: string) => ({ source, teacher: false });

/** A teacher's setup and cross-check, then a student's attempts, each printing `road: outcome`. */
const cells = [
  teacher(`import * as cl from '../../dist';
const x = cl.randn([1, 5, 5, 1], 1);
const W = cl.randn([3, 3, 1, 1], 2);
const b = cl.zeros([1]);
const expected = cl.conv2d(x, W, b);
console.log('teacher direct:', expected.shape.join('x'));`),
  student(`const outcome = (road: string, attempt: () => unknown) => {
  try {
    const value = attempt() as any;
    console.log(road + ': ALLOWED', value && value.shape ? value.shape.join('x') : value);
  } catch (error) {
    console.log(road + ': refused', String((error as Error).message).slice(0, 60));
  }
};
const convForward: (...args: any[]) => any = cl.conv2d;
function mine() {
  return cl.conv2d(x, W, b);
}
outcome('direct', () => cl.conv2d(x, W, b));
outcome('variant', () => require('../../dist/cnn/fast/conv2dFast').conv2dFast(x, W, b, { stride: 1, pad: 0 }));
outcome('vm.Script prototype', () => {
  const vm = require('vm');
  const Raw = Object.getPrototypeOf(new vm.Script('0')).constructor;
  return new Raw('(cl, x, W, b) => cl.conv2d(x, W, b)', { filename: '/course/node_modules/x.js' })
    .runInThisContext()(cl, x, W, b);
});
outcome('ContextifyScript', () => {
  const vm = require('vm');
  const Contextify = Object.getPrototypeOf(Object.getPrototypeOf(new vm.Script('0'))).constructor;
  return new Contextify('1', '/course/node_modules/x.js');
});
outcome('zeromq via children', () => {
  const tslab = Object.values(require.cache).find((m: any) => /tslab[\\\\/]dist[\\\\/]jupyter\\.js$/.test(m.id)) as any;
  const zmq = tslab.children.find((m: any) => /zeromq/.test(m.id));
  if (!zmq) throw new Error('no zeromq among the children');
  return new zmq.exports.Router().bind('ipc:///course/run/by-student');
});
outcome('net connect', () => require('net').connect(80, '127.0.0.1'));
outcome('net listen', () => require('net').createServer().listen('/course/run/left-by-student'));`),
  // the second red team: an executor of the student's own, with a converter that answers a teacher
  // cell's text with the student's code, run from a timer (no student frame on the stack)
  student(`const g: any = globalThis;
g.cl = cl; // (tslab does not rewrite shorthand properties to its exports)
g.x = x;
g.W = W;
g.b = b;
const executorModule: any = (Object.values(require.cache).find((m: any) =>
  /tslab[\\/]dist[\\/]executor[.]js$/.test(m.id),
) as any).exports;
const savedTslab = g.__tslab__;
const forged = {
  node: {
    convert: () => ({
      output:
        'globalThis.myConv = function (x, W, b) { return cl.conv2d(x, W, b); };\\n' +
        'try { globalThis.stolen = cl.conv2d(x, W, b).shape.join("x"); } catch (e) { globalThis.stolen = "refused"; }',
      diagnostics: [],
      declOutput: '',
    }),
  },
};
const ownExecutor = executorModule.createExecutor(process.cwd(), forged, console);
g.__tslab__ = savedTslab;
setTimeout(() => ownExecutor.execute(${JSON.stringify('@@T1@@')}), 0);
await new Promise((resolve) => setTimeout(resolve, 200));
g.__tslab__ = savedTslab;
console.log('own executor from a timer:', g.stolen);`),
  teacher(`const viaAlias = (() => {
  try {
    return convForward(x, W, b).shape.join('x');
  } catch (error) {
    return 'refused';
  }
})();
console.log('alias called by the teacher:', viaAlias);
console.log('student function called by the teacher:', (() => {
  try {
    return mine().shape.join('x');
  } catch (error) {
    return 'refused';
  }
})());
console.log('teacher again:', cl.conv2d(x, W, b).shape.join('x'));
console.log('forged teacher code called by the teacher:', (() => {
  try {
    return (globalThis as any).myConv(x, W, b).shape.join('x');
  } catch (error) {
    return 'refused';
  }
})());`),
];
// the forged executor presents the first teacher cell's exact text
cells[2].source = cells[2].source.replace(JSON.stringify('@@T1@@'), JSON.stringify(cells[0].source));

describe('grading kernel: forbidden functions and closed doors (guard.js, real kernel)', function () {
  this.timeout(120_000);
  let server: JupyterServer;
  let lines: string[] = [];

  const consoleDebug = console.debug;
  before(async function () {
    console.debug = () => undefined; // @jupyterlab/services says "Starting WebSocket" on debug
    const boundary = probeBoundary();
    server = await startServer({ rootDir: repoRoot, kernelPaths: [gradingKernelPath] });
    const notebook: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'convlab-grade' } },
      cells: cells.map((cell) => ({
        cell_type: 'code',
        source: cell.source,
        metadata: {},
        execution_count: null,
        outputs: [],
      })),
    };
    const sandbox = createSandbox('forbidden-test', 'forbidden', {
      boundary: boundary.boundary,
      // the limits `convlab grade` gives a kernel by default
      heapMb: gradingLimitOptions.heap.default,
      memoryMb: gradingLimitOptions.memory.default,
      kernelOutputBytes: gradingLimitOptions['kernel-output'].default,
      kernelOutputMessages: gradingLimitOptions['kernel-messages'].default,
      forbidden: ['conv2d'],
      teacherCells: cells
        .filter((cell) => cell.teacher)
        .map((cell) => createHash('sha256').update(cell.source).digest('hex')),
    });
    try {
      const run = await runNotebook(server, sandbox.notebookPath, { notebook, timeoutSeconds: 60 });
      lines = run.notebook.cells
        .flatMap((cell) => (cell.cell_type === 'code' ? cell.outputs : []))
        .flatMap((output) => (output.output_type === 'stream' ? output.text.trim().split('\n') : []));
    } finally {
      sandbox.remove();
    }
  });

  after(async () => {
    console.debug = consoleDebug;
    await server?.stop();
  });

  const outcome = (road: string) => lines.find((line) => line.startsWith(`${road}:`)) ?? '(no line)';

  it("lets the teacher's cells call the function, before and after a student's cells", () => {
    expect(outcome('teacher direct')).to.equal('teacher direct: 1x3x3x1');
    expect(outcome('teacher again')).to.equal('teacher again: 1x3x3x1');
  });

  it("refuses the student's calls, direct or through a variant", () => {
    expect(outcome('direct')).to.match(/^direct: refused convlab sandbox: conv2d is one of the functions/);
    expect(outcome('variant')).to.match(/^variant: refused convlab sandbox: conv2dFast is one of/);
    expect(outcome('student function called by the teacher')).to.equal(
      'student function called by the teacher: refused',
    );
  });

  it("refuses code run by an executor of the student's own under a teacher cell's text (red team 2)", () => {
    expect(outcome('own executor from a timer')).to.equal('own executor from a timer: refused');
    expect(outcome('forged teacher code called by the teacher')).to.equal(
      'forged teacher code called by the teacher: refused',
    );
  });

  it('refuses an alias of the function that the teacher calls under the exercise name (red team)', () => {
    expect(outcome('alias called by the teacher')).to.equal('alias called by the teacher: refused');
  });

  it("closes vm.Script's prototype chain, zeromq among tslab's children, and Node's sockets (red team)", () => {
    for (const road of [
      'vm.Script prototype',
      'ContextifyScript',
      'zeromq via children',
      'net connect',
      'net listen',
    ])
      expect(outcome(road), road).to.match(new RegExp(`^${road.replace('.', '\\.')}: refused`));
  });
});
