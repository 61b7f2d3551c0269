/**
 * `convlab validate` on real kernels: the course's exercises (their solutions get full points, their
 * released versions zero), and exercises that cannot be graded, each for its own reason.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Notebook } from '../src/jupyter/notebookFormat';
import { arithmeticSource, exerciseCell, notebookOf, setupSource } from './submissions/arithmetic';
import { newMark, repoRoot, runCli, scratchDir, waitForNoMarkedProcesses } from './jupyter/helpers';

const exercises = [
  'E1-convolution',
  'E2-pooling',
  'E3-backward',
  'E4-edges',
  'E5-network-shapes',
  'E6-learning-a-filter',
];

function exerciseWith(testSource: string, solutionBody = 'return 1;'): Notebook {
  return notebookOf([
    exerciseCell('readonly', 'setup', setupSource),
    exerciseCell(
      'solution',
      'f',
      `function f(): number {\n  // BEGIN SOLUTION\n  ${solutionBody}\n  // END SOLUTION\n}`,
    ),
    exerciseCell('tests', 'f-tests', testSource, { points: 1 }),
  ]);
}

describe('convlab validate (real Jupyter server, sandboxed kernels)', function () {
  this.timeout(300_000);
  let dir: string;
  let mark: string;

  beforeEach(() => {
    dir = scratchDir('validate');
    mark = newMark();
  });

  afterEach(async () => {
    const left = await waitForNoMarkedProcesses(mark);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(left, `processes left behind: ${JSON.stringify(left)}`).to.deep.equal([]);
  });

  const write = (name: string, notebook: Notebook) =>
    fs.writeFileSync(path.join(dir, `${name}.ipynb`), JSON.stringify(notebook, null, 1));

  it("the course's exercises: every solution gets full points, every released version zero", async () => {
    const result = await runCli(['validate', path.join(repoRoot, 'notebooks', 'exercises'), '--jobs', '2'], {
      mark,
    });
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stderr.split('\n').filter((line) => /^[✓✗] /.test(line));
    expect(lines.map((line) => line.replace(/ \d+\/(\d+), released \d+\/\1$/, ''))).to.deep.equal(
      exercises.map((name) => `✓ ${name}: solution`),
    );
    for (const line of lines) {
      const [, points, max, released] = /solution (\d+)\/(\d+), released (\d+)\/\d+$/.exec(line)!;
      expect([points, released], line).to.deep.equal([max, '0']);
    }
  });

  it("a teacher's solution that fails its own test: exit 1, naming the notebook, the test and the error", async () => {
    write(
      'failing',
      exerciseWith(
        "// f gives 2?\ncheck('f()', f(), 2);\n// BEGIN HIDDEN TESTS\nrecord('f() again', f());\n// END HIDDEN TESTS",
      ),
    );
    const result = await runCli(['validate', dir], { mark });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(
      "convlab validate: failing.ipynb: the teacher's solution fails the public part of test 'f-tests': Error: ✗ f(): got 1, expected 2",
    );
    // the kernel printed the one line a student needs, no stack through tslab
    expect(result.stderr).not.to.match(/^\s+at /m);
  });

  it('a test the unsolved notebook passes, and a value that changes from run to run (Math.random): exit 1, saying which', async () => {
    write(
      'freebie',
      exerciseWith(
        "// constants\ncheck('one', 1, 1);\n// BEGIN HIDDEN TESTS\nrecord('two', 2);\n// END HIDDEN TESTS",
      ),
    );
    write(
      'clock',
      exerciseWith(
        "// f and the time\ncheck('f()', f(), 1);\n// BEGIN HIDDEN TESTS\nrecord('now', f() + Math.random());\n// END HIDDEN TESTS",
      ),
    );
    write('arithmetic', arithmeticSource());
    const result = await runCli(['validate', dir, '--jobs', '2'], { mark });
    expect(result.code).to.equal(1);
    const report = result.stderr.split('\n').filter((line) => /^([✓✗] | {4})/.test(line));
    expect(report).to.deep.equal([
      '✓ arithmetic: solution 6/6, released 0/6',
      '✗ clock: solution 0/1, released 0/1',
      "    solution fails test 'f-tests' on a second run: hidden tests: value 1 of 1: wrong value",
      '✗ freebie: solution 1/1, released 1/1',
      "    test 'f-tests' gives 1 point(s) to the released (unsolved) notebook",
    ]);
  });

  it('Where bubblewrap cannot run, does grading still work, and say loudly what is missing?', async () => {
    write('arithmetic', arithmeticSource());
    const result = await runCli(['validate', dir], {
      mark,
      env: { CONVLAB_BWRAP: path.join(dir, 'no-such-bwrap') },
    });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.include('WARNING: grading kernels run WITHOUT an OS-level sandbox.');
    expect(result.stderr).to.match(/no-such-bwrap: not installed/);
    expect(result.stderr).to.match(/- OS boundary \(bubblewrap\): native code in a submission/);
    expect(result.stderr).to.include('apt-get install bubblewrap');
    // the second line still holds: the forbidden zeroPad, Node's permission model, guard.js
    expect(result.stderr).to.include('✓ arithmetic: solution 6/6, released 0/6');
  });

  it('convlab grade refuses a malformed source before starting anything: exit 1, notebook, cell and line', async () => {
    const broken = exerciseWith(
      "check('f()', f(), 1);\n// BEGIN HIDDEN TESTS\nrecord('x', f());\n// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS",
    );
    write('broken', broken);
    fs.mkdirSync(path.join(dir, 'submissions', 'ada'), { recursive: true });
    const result = await runCli(
      [
        'grade',
        '--source',
        dir,
        '--submissions',
        path.join(dir, 'submissions'),
        '--out',
        path.join(dir, 'out'),
      ],
      { mark },
    );
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal(
      "convlab grade: broken.ipynb, cell 2 (id 'f-tests'), line 4: BEGIN HIDDEN TESTS inside the HIDDEN TESTS region opened at line 2; regions cannot nest\n",
    );
    expect(fs.existsSync(path.join(dir, 'out'))).to.equal(false);
  });
});
