/**
 * `convlab grade` end to end on a class of generated submissions: honest, partial and gaming students
 * (test/submissions/arithmetic.ts) and the attack suite (test/submissions/attacks.ts), all in one run
 * on a real Jupyter server, sandboxed tslab kernels three at a time. Every attack scores 0, the honest
 * student full marks; the teacher's files are byte for byte the same; no process, sandbox folder or
 * control group is left. The run's wall time and the grader's peak memory are printed. A second run,
 * on two servers of our own (--server ×2), checks that grades do not change.
 */
import { expect } from 'chai';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Notebook } from '../src/jupyter/notebookFormat';
import { JupyterServer, startServer } from '../src/jupyter/server';
import { SubmissionGrade } from '../src/jupyter/grading/gradeRecords';
import { gradingKernelPath } from '../src/jupyter/grading/sandbox';
import {
  arithmeticSource,
  greetingSource,
  hiddenLines,
  students as gamingStudents,
} from './submissions/arithmetic';
import { attackers, linkedFolderAttack, teacherFileName } from './submissions/attacks';
import {
  CliResult,
  newMark,
  repoRoot,
  runCli,
  scratchDir,
  waitForNoMarkedProcesses,
} from './jupyter/helpers';

/** The whole class: every gaming student and every attacker, graded in one run. */
const students = { ...gamingStudents, ...attackers };

/** The greeting exercise's hidden line (no feedback page may contain it, even encoded). */
const hiddenGreeting = "record('greet(\"grace\")', greet('grace'));";

interface GradesJson {
  sandbox: { boundary: string; missing: string[] };
  exercises: Array<{ exercise: string; maxPoints: number; tests: Array<{ id: string; points: number }> }>;
  grades: SubmissionGrade[];
}

/** sha256 of every file under `dir`, by relative path; links and pipes by what they are (never read). */
function fingerprints(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const file = path.join(at, entry.name);
      const key = path.relative(dir, file);
      if (entry.isSymbolicLink()) out[key] = `link to ${fs.readlinkSync(file)}`;
      else if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) out[key] = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      else out[key] = 'not a file';
    }
  };
  walk(dir);
  return out;
}

/**
 * Whether a group is left by this run: its launcher (the pid in its name) is gone, or still runs with
 * this run's mark. The groups share one parent on the machine, so another grader running at the same
 * time (a teacher's, a second test run) has live groups of its own, which are not ours to count.
 */
function leftByThisRun(name: string, mark: string): boolean {
  const pid = Number(name.slice('convlab-kernel-'.length));
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`CONVLAB_TEST_MARK=${mark}`);
  } catch {
    return true; // the launcher is gone: nobody will remove its group
  }
}

/** Control groups of grading kernels this run left on the machine (the launcher removes its own). */
function leftoverCgroups(mark: string): string[] {
  const own = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  const parents = own.flatMap((line) => {
    const [, controllers, group] = line.split(':');
    if (group === undefined) return [];
    if (controllers === '') return [path.join('/sys/fs/cgroup', group)];
    return controllers
      .split(',')
      .filter((c) => c === 'memory' || c === 'pids')
      .map((c) => path.join('/sys/fs/cgroup', c, group));
  });
  return parents.flatMap((parent) =>
    fs.existsSync(parent)
      ? fs
          .readdirSync(parent)
          .filter((name) => name.startsWith('convlab-kernel-') && leftByThisRun(name, mark))
      : [],
  );
}

function writeJson(file: string, notebook: Notebook): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + '\n');
}

/** Hands in every student's notebooks (from the released versions) under `submissions`. */
function handIn(dir: string, submissions: string, names: string[]): void {
  const released = JSON.parse(
    fs.readFileSync(path.join(dir, 'released', 'arithmetic.ipynb'), 'utf8'),
  ) as Notebook;
  const greeting = JSON.parse(
    fs.readFileSync(path.join(dir, 'source', 'greeting.ipynb'), 'utf8'),
  ) as Notebook;
  for (const name of names) {
    const folder = path.join(submissions, name);
    fs.mkdirSync(folder, { recursive: true });
    const student = students[name as keyof typeof students];
    const text = student.arithmetic(released, {
      source: path.join(dir, 'source', 'arithmetic.ipynb'),
      submissions,
      folder,
    });
    if (text !== undefined) fs.writeFileSync(path.join(folder, 'arithmetic.ipynb'), text);
    if (student.greetingFile)
      fs.writeFileSync(path.join(folder, 'greeting.ipynb'), student.greetingFile(greeting));
    else if (student.greeting) writeJson(path.join(folder, 'greeting.ipynb'), greeting);
  }
}

const pointsOf = (grades: SubmissionGrade[], student: string, exercise = 'arithmetic') =>
  grades.find((g) => g.student === student && g.exercise === exercise)!;

describe('convlab grade (real Jupyter server, sandboxed kernels, --jobs 3)', function () {
  this.timeout(600_000);
  let dir: string;
  let mark: string;
  let result: CliResult;
  let grades: SubmissionGrade[];
  let untouched: {
    submissions: Record<string, string>;
    sources: Record<string, string>;
    notebooks: Record<string, string>;
    dist: Record<string, string>;
  };
  let seconds = 0;
  const out = () => path.join(dir, 'out');

  before(async () => {
    dir = scratchDir('grading');
    mark = newMark();
    writeJson(path.join(dir, 'source', 'arithmetic.ipynb'), arithmeticSource());
    writeJson(path.join(dir, 'source', 'greeting.ipynb'), greetingSource());
    const release = await runCli(['release', path.join(dir, 'source'), '--out', path.join(dir, 'released')], {
      mark,
    });
    expect(release.code, release.stderr).to.equal(0);
    handIn(dir, path.join(dir, 'submissions'), Object.keys(students));
    linkedFolderAttack(path.join(dir, 'submissions'));
    // a teacher's file beside the exercises: the native-code attack tries to replace it with a socket
    fs.writeFileSync(path.join(dir, 'source', teacherFileName), 'answers to E1, do not share\n');
    untouched = {
      submissions: fingerprints(path.join(dir, 'submissions')),
      sources: fingerprints(path.join(dir, 'source')),
      notebooks: fingerprints(path.join(repoRoot, 'notebooks')),
      dist: fingerprints(path.join(repoRoot, 'dist')),
    };
    const started = Date.now();
    result = await runCli(
      [
        'grade',
        '--source',
        path.join(dir, 'source'),
        '--submissions',
        path.join(dir, 'submissions'),
        '--out',
        out(),
        // three at a time on two cores: most of an attack's time is spent waiting (timeouts, restarts)
        '--jobs',
        '3',
        '--timeout',
        '8',
        '--max-output',
        '200000',
        '--memory',
        '900',
      ],
      { mark },
    );
    seconds = (Date.now() - started) / 1000;
    if (process.env.SHOW_GRADER_LOG) console.log(result.stderr);
    const summary = result.stderr.trim().split('\n').pop();
    console.log(
      `\n    attack suite: ${Object.keys(students).length + 1} students graded in ${seconds.toFixed(0)} s; ${summary}`,
    );
    if (result.code === 0)
      grades = (JSON.parse(fs.readFileSync(path.join(out(), 'grades.json'), 'utf8')) as GradesJson).grades;
  });

  after(async () => {
    const left = await waitForNoMarkedProcesses(mark);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(left, `processes left behind: ${JSON.stringify(left)}`).to.deep.equal([]);
  });

  it('exits 0 and writes grades.json, grades.csv and one feedback page per student', () => {
    expect(result.code, result.stderr).to.equal(0);
    const names = [...Object.keys(students), 'symlinkedFolder'].sort();
    expect(grades.map((g) => `${g.student}/${g.exercise}`)).to.deep.equal(
      names.flatMap((name) => [`${name}/arithmetic`, `${name}/greeting`]),
    );
    expect(fs.readdirSync(path.join(out(), 'feedback')).sort()).to.deep.equal(
      names.map((name) => `${name}.html`).sort(),
    );
    const csv = fs.readFileSync(path.join(out(), 'grades.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).to.equal('student,exercise,test,points,max,status');
    expect(csv).to.include.members([
      'honest,arithmetic,add-tests,2,2,',
      'honest,arithmetic,mul-tests,3,3,',
      'honest,arithmetic,tensor-tests,1,1,',
      'honest,arithmetic,total,6,6,graded',
      'partial,arithmetic,mul-tests,0,3,',
      'partial,arithmetic,total,3,6,graded',
      'handsInNothing,arithmetic,total,0,6,missing',
      'invalidJson,arithmetic,total,0,6,unreadable',
    ]);
  });

  it('every student gets exactly the points of the tests their code passes', () => {
    const table = Object.fromEntries(
      Object.keys(students).map((name) => [name, pointsOf(grades, name).tests.map((test) => test.points)]),
    );
    const expected = Object.fromEntries(
      Object.entries(students).map(([name, student]) => [name, student.expected]),
    );
    expect(table).to.deep.equal(expected);
  });

  it('the honest student has full marks on both exercises, whatever the others did in the same run', () => {
    expect([pointsOf(grades, 'honest').total, pointsOf(grades, 'honest').max]).to.deep.equal([6, 6]);
    expect(pointsOf(grades, 'honest').notes).to.deep.equal([]);
    expect([
      pointsOf(grades, 'honest', 'greeting').total,
      pointsOf(grades, 'honest', 'greeting').max,
    ]).to.deep.equal([1, 1]);
  });

  it('says why a gaming submission failed, in its own words: timeout, limits, dead kernel, errors', () => {
    const message = (student: string, test: string) =>
      pointsOf(grades, student).tests.find((t) => t.id === test)!.message;
    expect(message('loopsForever', 'add-tests')).to.equal(
      'tests: cell timed out after 8 s and the kernel was interrupted',
    );
    expect(message('floodsOutput', 'add-tests')).to.equal(
      'tests: cell output passed 200000 bytes and the kernel was interrupted',
    );
    expect(message('exits', 'add-tests')).to.equal(
      'tests: the kernel died (the code exited, crashed or ran out of memory)',
    );
    // the control group's limit (or, without one, the launcher's watch); on a busy machine the
    // cell's timeout can come first
    expect(message('allocatesUntilKilled', 'add-tests')).to.match(
      /^tests: (the kernel was stopped: it used more memory than a grading kernel may|the kernel died|cell timed out after 8 s)/,
    );
    // a failing check: the grader's own comparison of the recorded value, not the kernel's message
    expect(message('readsSecrets', 'add-tests')).to.equal("tests: 'add(1, 2)': got 0, expected 3");
    expect(message('partial', 'mul-tests')).to.equal("tests: 'mul(2, 3)': got 5, expected 6");
    expect(message('readsSecrets', 'mul-tests')).to.equal(
      'tests: raised Error (run the tests cell in your notebook to see the message)',
    );
    expect(message('signalsOthers', 'add-tests')).to.equal(
      'tests: raised Error (run the tests cell in your notebook to see the message)',
    );
    expect(message('lookupTable', 'add-tests')).to.equal('hidden tests: value 1 of 2: wrong value');
    expect(message('callsForbidden', 'add-tests')).to.equal(
      "tests: called one of the library functions this exercise asks you to write: in a graded run they refuse your code's calls",
    );
    expect(message('floodsDisplays', 'add-tests')).to.match(
      /^tests( did not run|: (the kernel was stopped: it sent more output than a grading kernel may|cell output passed))/,
    );
  });

  it('refuses submissions that are not notebook files, with the reason, before reading them', () => {
    const status = (student: string, exercise = 'arithmetic') => {
      const grade = pointsOf(grades, student, exercise);
      return `${grade.status}: ${grade.message}`;
    };
    expect(status('symlinkToSource')).to.equal(
      'unreadable: the notebook could not be read: arithmetic.ipynb is a symbolic link; hand in the notebook file itself',
    );
    expect(status('symlinkToSystemFile')).to.match(/^unreadable: .* is a symbolic link/);
    expect(status('symlinkToDevZero')).to.match(/^unreadable: .* is a symbolic link/);
    expect(status('namedPipe')).to.match(/^unreadable: .* is a FIFO \(named pipe\), not a file$/);
    expect(status('hundredThousandCells')).to.match(
      /^unreadable: .* has 100,0\d\d cells; the limit is 2,000$/,
    );
    expect(status('deepJson')).to.match(/^unreadable: .* nests JSON 1,000,00\d deep; the limit is 64$/);
    for (const exercise of ['arithmetic', 'greeting'])
      expect(status('symlinkedFolder', exercise)).to.equal(
        'unreadable: the notebook could not be read: the folder symlinkedFolder is a symbolic link; hand in a folder of notebooks',
      );
    const page = fs.readFileSync(path.join(out(), 'feedback', 'symlinkToSystemFile.html'), 'utf8');
    expect(page).not.to.include('root:');
  });

  it('builds an OS boundary where bubblewrap is installed, and says so in grades.json', function () {
    const report = (JSON.parse(fs.readFileSync(path.join(out(), 'grades.json'), 'utf8')) as GradesJson)
      .sandbox;
    if (!fs.existsSync('/usr/bin/bwrap')) {
      // the fallback must say what is missing (npm test installs bubblewrap with apt where it can)
      expect(report.boundary).to.equal('node');
      expect(report.missing[0]).to.match(/^OS boundary \(bubblewrap\)/);
      expect(result.stderr).to.include('WARNING: grading kernels run WITHOUT an OS-level sandbox');
      return;
    }
    expect(report).to.deep.equal({ boundary: 'bubblewrap', missing: [] });
    expect(result.stderr).not.to.include('WARNING');
  });

  it('keeps the grader small under a flood: its peak memory is printed and under 600 MB', () => {
    const peak = /grader peak memory (\d+) MB/.exec(result.stderr);
    expect(peak, result.stderr.slice(-500)).not.to.equal(null);
    expect(Number(peak![1])).to.be.below(600);
  });

  it('restores deleted, duplicated, moved and edited teacher cells, drops added cells, and says so', () => {
    expect(pointsOf(grades, 'deletesTests').notes).to.include(
      "test cell 'add-tests' was deleted; the original was used",
    );
    expect(pointsOf(grades, 'editsTests').notes).to.include.members([
      "test cell 'mul-tests' was changed; the original was used",
      "read-only cell 'setup' was changed; the original was used",
    ]);
    expect(pointsOf(grades, 'duplicatesCells').notes).to.include.members([
      "test cell 'add-tests' appears 2 times; the original was used",
      "cell 'mul' appears 2 times; the first one was graded",
    ]);
    expect(pointsOf(grades, 'reordersCells').notes).to.include(
      "some cells were moved; they were run in the exercise's own order",
    );
    expect(pointsOf(grades, 'addsCells').notes[0]).to.match(/^1 cell\(s\) you added were not run/);
  });

  it('broken submissions get zero and a reason, and the rest of the class is graded', () => {
    const status = (student: string) => [pointsOf(grades, student).status, pointsOf(grades, student).message];
    expect(status('invalidJson')[0]).to.equal('unreadable');
    expect(status('invalidJson')[1]).to.match(
      /^the notebook could not be read: arithmetic.ipynb is not JSON/,
    );
    expect(status('notANotebook')[1]).to.match(/has no "cells" list/);
    expect(status('handsInNothing')).to.deep.equal(['missing', 'no arithmetic.ipynb was handed in']);
    expect(status('stub')).to.deep.equal(['graded', undefined]);
    // a notebook without cells is graded as the unsolved exercise
    expect(pointsOf(grades, 'noCells').notes).to.include(
      "cell 'add' is missing; the unsolved version was used",
    );
  });

  it('feedback pages show no hidden test code and no expected hidden values', () => {
    for (const page of fs.readdirSync(path.join(out(), 'feedback'))) {
      const html = fs.readFileSync(path.join(out(), 'feedback', page), 'utf8');
      for (const line of hiddenLines) {
        const escaped = line.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
        expect(html, `${page} shows hidden code`).not.to.include(escaped);
        expect(html, `${page} shows hidden code`).not.to.include(line);
      }
      expect(html, page).not.to.include('secretTensor');
    }
    // The capture attacks (one in a kernel whose vm is frozen, one where it is not) show nothing of
    // what they captured, encoded or not: every message is one of the grader's sentences.
    const encodings = (line: string) => [
      line,
      Buffer.from(line).toString('base64').slice(0, 24),
      'function(exports',
    ];
    for (const student of ['leaksHiddenCode', 'hidesCapturedCode']) {
      const page = fs.readFileSync(path.join(out(), 'feedback', `${student}.html`), 'utf8');
      for (const line of [...hiddenLines, hiddenGreeting])
        for (const text of encodings(line)) expect(page, `${student}.html`).not.to.include(text);
      for (const grade of grades.filter((g) => g.student === student && g.status === 'graded'))
        for (const test of grade.tests)
          expect(test.message, `${student}/${grade.exercise}`).to.match(
            /^(hidden )?tests: (raised (an error|\w*Error) \(|did not compile|'[^']+': got (a string of \d+ characters|an object|[-\d.e]+), expected|no value recorded)/,
          );
    }
    const page = fs.readFileSync(path.join(out(), 'feedback', 'lookupTable.html'), 'utf8');
    expect(page).to.include('hidden tests: value 1 of 2: wrong value');
    expect(page).not.to.include('add(10, 32)');
    expect(page).to.include('<h2>arithmetic <span class="points">0 / 6</span></h2>');
  });

  it('leaves no sandbox folder and no control group behind', () => {
    expect(
      fs.readdirSync(path.join(repoRoot, 'build')).filter((name) => name.startsWith('convlab-sandbox-')),
    ).to.deep.equal([]);
    expect(leftoverCgroups(mark)).to.deep.equal([]);
  });

  it("leaves the teacher's files byte for byte as they were, and the submissions too", () => {
    expect(fingerprints(path.join(dir, 'submissions'))).to.deep.equal(untouched.submissions);
    expect(fingerprints(path.join(dir, 'source'))).to.deep.equal(untouched.sources);
    expect(fingerprints(path.join(repoRoot, 'notebooks'))).to.deep.equal(untouched.notebooks);
    expect(fingerprints(path.join(repoRoot, 'dist'))).to.deep.equal(untouched.dist);
  });

  describe('on two Jupyter servers of our own (--server URL --token T, twice)', () => {
    const servers: JupyterServer[] = [];
    let again: CliResult;
    const names = ['honest', 'partial', 'crashesInAdd', 'stub'];

    before(async () => {
      // as a teacher starts them: in the repository root, whose build/ folder holds the sandboxes
      for (let i = 0; i < 2; i++)
        servers.push(
          await startServer({
            rootDir: repoRoot,
            kernelPaths: [gradingKernelPath],
            env: { CONVLAB_TEST_MARK: mark },
          }),
        );
      handIn(dir, path.join(dir, 'again'), names);
      again = await runCli(
        [
          'grade',
          '--source',
          path.join(dir, 'source', 'arithmetic.ipynb'),
          '--submissions',
          path.join(dir, 'again'),
          '--out',
          path.join(dir, 'out-again'),
          '--timeout',
          '8',
          ...servers.flatMap((server) => ['--server', server.url, '--token', server.token]),
        ],
        { mark, cwd: repoRoot },
      );
    });

    after(async () => {
      await Promise.all(servers.map((server) => server.stop()));
    });

    it('gives the same grades as the first run', () => {
      expect(again.code, again.stderr).to.equal(0);
      const second = (
        JSON.parse(fs.readFileSync(path.join(dir, 'out-again', 'grades.json'), 'utf8')) as GradesJson
      ).grades;
      expect(second).to.deep.equal(names.sort().map((name) => pointsOf(grades, name)));
    });

    it('refuses at once a server that does not serve the repository', async () => {
      const result = await runCli(
        [
          'grade',
          '--source',
          path.join(dir, 'source'),
          '--submissions',
          path.join(dir, 'again'),
          '--out',
          path.join(dir, 'x'),
        ].concat(['--server', servers[0].url, '--token', servers[0].token]),
        { mark, cwd: dir },
      );
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/^convlab grade: run from the folder the Jupyter servers serve/);
    });
  });
});
