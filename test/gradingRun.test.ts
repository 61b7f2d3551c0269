/**
 * `convlab grade` end to end on a class of generated submissions (test/submissions/arithmetic.ts):
 * a real Jupyter server, sandboxed tslab kernels, two at a time. One grading run serves most tests;
 * a second one, on two servers of our own (--server ×2), checks that grades do not change.
 */
import { expect } from 'chai';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Notebook } from '../src/jupyter/notebookFormat';
import { JupyterServer, startServer } from '../src/jupyter/server';
import { SubmissionGrade } from '../src/jupyter/grading/gradeRecords';
import { gradingKernelPath } from '../src/jupyter/grading/sandbox';
import { arithmeticSource, greetingSource, hiddenLines, students } from './submissions/arithmetic';
import {
  CliResult,
  newMark,
  repoRoot,
  runCli,
  scratchDir,
  waitForNoMarkedProcesses,
} from './jupyter/helpers';

interface GradesJson {
  exercises: Array<{ exercise: string; maxPoints: number; tests: Array<{ id: string; points: number }> }>;
  grades: SubmissionGrade[];
}

/** sha256 of every file under `dir`, by relative path. */
function fingerprints(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const file = path.join(at, entry.name);
      if (entry.isDirectory()) walk(file);
      else out[path.relative(dir, file)] = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    }
  };
  walk(dir);
  return out;
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
    const text = students[name].arithmetic(released, {
      source: path.join(dir, 'source', 'arithmetic.ipynb'),
      submissions,
    });
    if (text !== undefined) fs.writeFileSync(path.join(folder, 'arithmetic.ipynb'), text);
    if (students[name].greeting) writeJson(path.join(folder, 'greeting.ipynb'), greeting);
  }
}

const pointsOf = (grades: SubmissionGrade[], student: string, exercise = 'arithmetic') =>
  grades.find((g) => g.student === student && g.exercise === exercise)!;

describe('convlab grade (real Jupyter server, sandboxed kernels, --jobs 2)', function () {
  this.timeout(600_000);
  let dir: string;
  let mark: string;
  let result: CliResult;
  let grades: SubmissionGrade[];
  let untouched: { submissions: Record<string, string>; sources: Record<string, string> };
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
    untouched = {
      submissions: fingerprints(path.join(dir, 'submissions')),
      sources: fingerprints(path.join(dir, 'source')),
    };
    result = await runCli(
      [
        'grade',
        '--source',
        path.join(dir, 'source'),
        '--submissions',
        path.join(dir, 'submissions'),
        '--out',
        out(),
        '--jobs',
        '2',
        '--timeout',
        '8',
        '--max-output',
        '200000',
        '--memory',
        '900',
      ],
      { mark },
    );
    if (process.env.SHOW_GRADER_LOG) console.log(result.stderr);
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
    const names = Object.keys(students).sort();
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

  it('says why a gaming submission failed: timeout, output limit, dead kernel, denied access', () => {
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
    // killed by the memory watchdog; on a machine busy enough, the cell's timeout can come first
    expect(message('allocatesUntilKilled', 'add-tests')).to.match(
      /^tests: (the kernel died \(the code exited, crashed or ran out of memory\)|cell timed out after 8 s)/,
    );
    expect(message('readsSecrets', 'add-tests')).to.equal(
      "tests: Error: check 'add(1, 2)' failed: got 0, expected 3",
    );
    expect(message('readsSecrets', 'mul-tests')).to.match(
      /^tests: Error: Access to this API has been restricted/,
    );
    expect(message('signalsOthers', 'add-tests')).to.match(/may not signal other processes/);
    expect(message('lookupTable', 'add-tests')).to.equal("hidden tests: 'add(10, 32)': wrong value");
    expect(message('partial', 'mul-tests')).to.equal(
      "tests: Error: check 'mul(2, 3)' failed: got 5, expected 6",
    );
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
      /^the notebook could not be read: readNotebook: cannot read .* as JSON/,
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
    // what it captured before the hidden tests ran is public code; after, the grader shows only the error's type
    const leaker = pointsOf(grades, 'leaksHiddenCode').tests.map((test) => test.message!);
    expect(leaker[0]).to.match(/^tests: Error: \(function\(exports, require\)/);
    expect(leaker[1]).to.match(/^tests: TypeError: /);
    expect(leaker[2]).to.equal(
      'hidden tests: raised Error (the public tests of the same function show the details)',
    );
    const page = fs.readFileSync(path.join(out(), 'feedback', 'lookupTable.html'), 'utf8');
    expect(page).to.include('hidden tests: &#39;add(10, 32)&#39;: wrong value');
    expect(page).to.include('<h2>arithmetic <span class="points">0 / 6</span></h2>');
  });

  it('leaves no sandbox folder behind', () => {
    expect(
      fs.readdirSync(path.join(repoRoot, 'build')).filter((name) => name.startsWith('convlab-sandbox-')),
    ).to.deep.equal([]);
  });

  it('never modifies the submissions or the source notebooks', () => {
    expect(fingerprints(path.join(dir, 'submissions'))).to.deep.equal(untouched.submissions);
    expect(fingerprints(path.join(dir, 'source'))).to.deep.equal(untouched.sources);
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
