/**
 * The grading pipeline without a kernel: the marking format and its errors, the release and grading
 * steps, recorded values and their comparison, the seal, scoring, scrubbing, the output files.
 * test/gradingRun.test.ts and test/gradingValidate.test.ts run the same code on real kernels.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import ndarray from 'ndarray';
import { Cell, CodeCell, Notebook, cellSource } from '../src/jupyter/notebookFormat';
import { ExerciseFormatError, exerciseMeta } from '../src/jupyter/grading/exerciseFormat';
import { feedbackHtml } from '../src/jupyter/grading/feedbackHtml';
import { SubmissionGrade, gradesCsv } from '../src/jupyter/grading/gradeRecords';
import { hiddenCodeScrubber, scrubbedLine } from '../src/jupyter/grading/hiddenCodeScrubber';
import { checkSteps, gradingSteps, releaseSteps } from '../src/jupyter/grading/pipelines';
import { recordMime, seal, unseal } from '../src/jupyter/grading/recordChannel';
import { compareValues, encodeValue, valueText } from '../src/jupyter/grading/recordValues';
import { manifestFile, releaseExercises } from '../src/jupyter/grading/releaseExercises';
import { GradingRun, PartResult } from '../src/jupyter/grading/runGradingNotebook';
import { scoreTests, teacherRunProblems } from '../src/jupyter/grading/scoreTests';
import { cellChecksum } from '../src/jupyter/grading/steps/recordChecksums';
import { mergeNotes } from '../src/jupyter/grading/steps/mergeSubmission';
import { runSteps } from '../src/jupyter/grading/steps/notebookStep';
import { check, record } from '../src/jupyter/grading/testKit';
import * as library from '../src/index';
import { printed } from './helpers/printed';
import {
  arithmeticSource,
  exerciseCell,
  notebookOf,
  setupSource,
  withSolutions,
} from './submissions/arithmetic';
import { newMark, runCli, scratchDir } from './jupyter/helpers';

const released = () => runSteps(releaseSteps, arithmeticSource(), 'arithmetic.ipynb');
const byId = (notebook: Notebook, id: string) => notebook.cells.find((cell) => exerciseMeta(cell).id === id)!;

/** The error `steps` throw on a notebook made of these cells (after a setup cell). */
function formatError(...cells: Cell[]): string {
  try {
    runSteps(checkSteps, notebookOf([exerciseCell('readonly', 'setup', setupSource), ...cells]), 'E9.ipynb');
  } catch (error) {
    expect(error).to.be.instanceOf(ExerciseFormatError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

const solution = (source: string) => exerciseCell('solution', 'add', source);
const tests = (source: string, points = 1) => exerciseCell('tests', 'add-tests', source, { points });

describe('grading: marking format errors name the notebook, the cell and the line', () => {
  it('Is a nested BEGIN SOLUTION an error?', () => {
    expect(
      formatError(solution('function f() {\n  // BEGIN SOLUTION\n  // BEGIN SOLUTION\n  // END SOLUTION\n}')),
    ).to.equal(
      "E9.ipynb, cell 1 (id 'add'), line 3: BEGIN SOLUTION inside the SOLUTION region opened at line 2; regions cannot nest",
    );
  });
  it('Is a BEGIN HIDDEN TESTS inside a solution region an error?', () => {
    expect(
      formatError(solution('// BEGIN SOLUTION\n// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS\n// END SOLUTION')),
    ).to.equal(
      "E9.ipynb, cell 1 (id 'add'), line 2: BEGIN HIDDEN TESTS inside the SOLUTION region opened at line 1; regions cannot nest",
    );
  });
  it('Is an error thrown when there is no END SOLUTION?', () => {
    expect(formatError(solution('function f() {\n  // BEGIN SOLUTION\n  return 1;\n}'))).to.equal(
      "E9.ipynb, cell 1 (id 'add'), line 2: BEGIN SOLUTION is never closed (no END SOLUTION after it)",
    );
  });
  it('Is an END without a BEGIN an error, and an END of the other kind?', () => {
    expect(formatError(tests('check(1);\n// END HIDDEN TESTS'))).to.equal(
      "E9.ipynb, cell 1 (id 'add-tests'), line 2: END HIDDEN TESTS without a BEGIN HIDDEN TESTS before it",
    );
    expect(formatError(tests('// BEGIN HIDDEN TESTS\nrecord("a", 1);\n// END SOLUTION'))).to.equal(
      "E9.ipynb, cell 1 (id 'add-tests'), line 3: END SOLUTION closes the HIDDEN TESTS region opened at line 1",
    );
  });
  it('Is a misspelt marker an error rather than code?', () => {
    expect(formatError(solution('//BEGIN SOLUTION\nreturn 1;\n//END SOLUTION'))).to.match(
      /^E9\.ipynb, cell 1 \(id 'add'\), line 1: '\/\/BEGIN SOLUTION' looks like a marker but is not one; write exactly/,
    );
    expect(formatError(tests('// begin hidden tests\n// end hidden tests'))).to.match(
      /line 1: '\/\/ begin hidden tests' looks like a marker/,
    );
  });
  it('Must a solution cell have a solution region, and a tests cell hidden tests?', () => {
    expect(formatError(solution('function f() { return 1; }'))).to.equal(
      "E9.ipynb, cell 1 (id 'add'): a solution cell needs a // BEGIN SOLUTION … // END SOLUTION region (or it would be released as it is)",
    );
    expect(formatError(tests("check('a', 1, 1);"))).to.match(
      /^E9\.ipynb, cell 1 \(id 'add-tests'\): a tests cell needs a \/\/ BEGIN HIDDEN TESTS … \/\/ END HIDDEN TESTS region/,
    );
  });
  it('Are markers where they do not belong errors?', () => {
    expect(
      formatError(solution('// BEGIN SOLUTION\n// END SOLUTION\n// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS')),
    ).to.equal(
      "E9.ipynb, cell 1 (id 'add'), line 3: BEGIN HIDDEN TESTS in a solution cell; hidden tests go in tests cells",
    );
    expect(
      formatError(exerciseCell('readonly', 'notes', 'const a = 1;\n// BEGIN SOLUTION\n// END SOLUTION')),
    ).to.equal(
      "E9.ipynb, cell 1 (id 'notes'), line 2: BEGIN SOLUTION in a readonly cell; solution regions go in solution cells",
    );
  });
  it('Does an assertion inside hidden tests fail, naming its line?', () => {
    expect(
      formatError(
        tests(
          "check('a', 1, 1);\n// BEGIN HIDDEN TESTS\nrecord('b', f(2));\nexpect(f(3)).to.equal(9);\n// END HIDDEN TESTS",
        ),
      ),
    ).to.equal(
      "E9.ipynb, cell 1 (id 'add-tests'), line 4: hidden tests may not use check/expect/assert — their expected values " +
        "would reach the student's kernel; use record(label, value) and let the grader compare",
    );
  });
  it('Are missing or wrong cell metadata errors?', () => {
    const bare: Cell = { cell_type: 'code', source: '1', metadata: {}, execution_count: null, outputs: [] };
    expect(formatError(bare)).to.equal(
      'E9.ipynb, cell 1: no metadata.convlab; every cell of an exercise needs { "id": ..., "kind": "solution" | "tests" | "readonly" | "free" }',
    );
    expect(formatError(exerciseCell('readonly', 'setup', 'x'))).to.equal(
      "E9.ipynb, cell 1 (id 'setup'): id 'setup' is also the id of cell 0; ids must be unique",
    );
    expect(formatError(exerciseCell('answer' as 'free', 'a', 'x'))).to.equal(
      'E9.ipynb, cell 1 (id \'a\'): metadata.convlab.kind must be one of solution, tests, readonly, free, got "answer"',
    );
    expect(formatError(exerciseCell('readonly', 'has space', 'x'))).to.match(
      /id must be a string of letters, digits/,
    );
    expect(formatError(exerciseCell('tests', 't', '// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS'))).to.equal(
      "E9.ipynb, cell 1 (id 't'): a tests cell needs points (a positive number), got undefined",
    );
    expect(
      formatError(exerciseCell('solution', 's', '// BEGIN SOLUTION\n// END SOLUTION', { points: 2 })),
    ).to.equal("E9.ipynb, cell 1 (id 's'): only tests cells have points, this is a solution cell");
    expect(formatError(exerciseCell('solution', 's', 'text', { markdown: true }))).to.equal(
      "E9.ipynb, cell 1 (id 's'): a solution cell must be a code cell, not markdown",
    );
  });
});

describe('grading: release steps', () => {
  it('replaces each solution region by the stub, keeping the signature and the indentation', () => {
    expect(cellSource(byId(released(), 'add'))).to.equal(
      'function add(a: number, b: number): number {\n  // YOUR CODE HERE\n  throw new Error("Not implemented");\n}',
    );
  });
  it('removes hidden tests, keeps the public part, clears outputs', () => {
    const source = arithmeticSource();
    (byId(source, 'add-tests') as CodeCell).outputs = [
      { output_type: 'stream', name: 'stdout', text: 'old' },
    ];
    (byId(source, 'add-tests') as CodeCell).execution_count = 4;
    const cell = byId(runSteps(releaseSteps, source, 'arithmetic.ipynb'), 'add-tests') as CodeCell;
    expect(cellSource(cell)).to.equal(
      "// add adds two numbers\ncheck('add(1, 2)', add(1, 2), 3);\n// (hidden tests: they run when your work is graded)",
    );
    expect([cell.outputs, cell.execution_count]).to.deep.equal([[], null]);
  });
  it('records checksums of the teacher cells, locks them, and stamps the notebook', () => {
    const notebook = released();
    for (const cell of notebook.cells) {
      const meta = exerciseMeta(cell);
      const teacher = meta.kind === 'readonly' || meta.kind === 'tests';
      expect(meta.checksum, meta.id).to.equal(teacher ? cellChecksum(cell) : undefined);
      expect([cell.metadata.editable, cell.metadata.deletable], meta.id).to.deep.equal(
        teacher ? [false, false] : [undefined, undefined],
      );
    }
    // the student's copy says which library functions a graded run refuses them
    expect(notebook.metadata.convlab).to.deep.equal({
      exercise: 'arithmetic',
      maxPoints: 6,
      format: 1,
      forbidden: ['zeroPad'],
    });
  });
  it('never changes the notebook it is given', () => {
    const source = arithmeticSource();
    const copy = structuredClone(source);
    runSteps(releaseSteps, source, 'arithmetic.ipynb');
    runSteps(gradingSteps(source, 'arithmetic'), source, 'arithmetic.ipynb');
    expect(source).to.deep.equal(copy);
  });
});

describe('grading: release on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = scratchDir('release');
    fs.mkdirSync(path.join(dir, 'source'));
    fs.writeFileSync(
      path.join(dir, 'source', 'arithmetic.ipynb'),
      JSON.stringify(arithmeticSource(), null, 1),
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the student versions and a manifest, and leaves the sources byte for byte', () => {
    const source = path.join(dir, 'source', 'arithmetic.ipynb');
    const before = fs.readFileSync(source);
    const result = releaseExercises([source], path.join(dir, 'out'));
    expect(fs.readFileSync(source).equals(before)).to.equal(true);
    expect(result.notebooks).to.deep.equal([path.join(dir, 'out', 'arithmetic.ipynb')]);
    expect(JSON.parse(fs.readFileSync(result.notebooks[0], 'utf8'))).to.deep.equal(released());
    const manifest = JSON.parse(fs.readFileSync(result.manifest, 'utf8'));
    expect(manifest.exercises[0].maxPoints).to.equal(6);
    expect(manifest.exercises[0].cells.find((cell: { id: string }) => cell.id === 'mul-tests')).to.deep.equal(
      {
        id: 'mul-tests',
        kind: 'tests',
        points: 3,
        checksum: exerciseMeta(byId(released(), 'mul-tests')).checksum,
      },
    );
  });
  it('never overwrites without --force, and never a source', () => {
    const source = path.join(dir, 'source', 'arithmetic.ipynb');
    fs.mkdirSync(path.join(dir, 'out'));
    fs.writeFileSync(path.join(dir, 'out', manifestFile), 'mine');
    expect(() => releaseExercises([source], path.join(dir, 'out'))).to.throw(
      `release: ${path.join(dir, 'out', manifestFile)} already exists; use --force to overwrite it`,
    );
    expect(fs.existsSync(path.join(dir, 'out', 'arithmetic.ipynb')), 'nothing written').to.equal(false);
    releaseExercises([source], path.join(dir, 'out'), { force: true });
    expect(fs.readFileSync(path.join(dir, 'out', manifestFile), 'utf8')).to.match(/"format": 1/);
    expect(() => releaseExercises([source], path.join(dir, 'source'), { force: true })).to.throw(
      `release: ${source} is a source notebook; release into another folder`,
    );
  });
  it('the CLI reports a malformed marker with the notebook, cell and line, and exits 1', async () => {
    const broken = arithmeticSource();
    byId(broken, 'mul').source =
      'function mul(a: number, b: number): number {\n  // BEGIN SOLUTION\n  return a * b;\n}';
    fs.writeFileSync(path.join(dir, 'source', 'arithmetic.ipynb'), JSON.stringify(broken));
    const result = await runCli(['release', path.join(dir, 'source'), '--out', path.join(dir, 'out')], {
      mark: newMark(),
    });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal(
      "convlab release: arithmetic.ipynb, cell 3 (id 'mul'), line 2: BEGIN SOLUTION is never closed (no END SOLUTION after it)\n",
    );
    expect(fs.existsSync(path.join(dir, 'out'))).to.equal(false);
  });
});

describe('grading: rebuilding a submission (mergeSubmission, splitHiddenTests)', () => {
  const grade = (student: Notebook) =>
    runSteps(gradingSteps(arithmeticSource(), 'arithmetic'), student, 'arithmetic.ipynb');
  const ids = (notebook: Notebook) =>
    notebook.cells.map(
      (cell) => `${exerciseMeta(cell).id}${exerciseMeta(cell).part === 'hidden' ? ' (hidden)' : ''}`,
    );

  it("runs the teacher's cells in the teacher's order, the student's solutions, hidden tests last, on the sandbox kernel", () => {
    const student = withSolutions(released(), { add: 'function add(a: number, b: number) { return 7; }' });
    const notebook = grade(student);
    expect(ids(notebook)).to.deep.equal([
      'intro',
      'setup',
      'add',
      'mul',
      'add-tests',
      'mul-tests',
      'scratch',
      'add-tests (hidden)',
      'mul-tests (hidden)',
      'tensor-tests (hidden)',
    ]);
    expect(cellSource(byId(notebook, 'add'))).to.equal('function add(a: number, b: number) { return 7; }');
    expect(cellSource(notebook.cells[7])).to.equal(
      "record('add(10, 32)', add(10, 32));\nrecord('add(-1, 0.5)', add(-1, 0.5));",
    );
    expect(cellSource(byId(notebook, 'add-tests'))).to.equal(
      "// add adds two numbers\ncheck('add(1, 2)', add(1, 2), 3);",
    );
    expect(notebook.metadata.kernelspec!.name).to.equal('convlab-grade');
    expect(mergeNotes(notebook)).to.deep.equal([]);
  });
  it('Does a deleted, duplicated, moved or edited test cell change anything? No, and the notes say what happened', () => {
    const honest = grade(withSolutions(released(), {}));
    const student = released();
    byId(student, 'mul-tests').source = 'console.log("pass")';
    const dropped = student.cells.filter((cell) => exerciseMeta(cell).id !== 'add-tests');
    const duplicate = structuredClone(byId(student, 'tensor-tests'));
    student.cells = [...dropped.reverse(), duplicate];
    const notebook = grade(student);
    expect(notebook.cells.map(cellSource)).to.deep.equal(honest.cells.map(cellSource));
    expect(mergeNotes(notebook)).to.deep.equal([
      "some cells were moved; they were run in the exercise's own order",
      "test cell 'add-tests' was deleted; the original was used",
      "test cell 'mul-tests' was changed; the original was used",
      "test cell 'tensor-tests' appears 2 times; the original was used",
    ]);
  });
  it('takes the first of duplicated solution cells, the stub for a missing one, and drops added cells', () => {
    const student = withSolutions(released(), {
      add: 'function add(a: number, b: number) { return a + b; }',
    });
    const wrong = { ...structuredClone(byId(student, 'add')), source: 'function add() { return 0; }' };
    student.cells = student.cells.filter((cell) => exerciseMeta(cell).id !== 'mul');
    student.cells.push(wrong, {
      cell_type: 'code',
      source: 'const mul = (a: number, b: number) => a * b;',
      metadata: {},
      execution_count: null,
      outputs: [],
    });
    const notebook = grade(student);
    expect(cellSource(byId(notebook, 'add'))).to.equal(
      'function add(a: number, b: number) { return a + b; }',
    );
    expect(cellSource(byId(notebook, 'mul'))).to.equal(cellSource(byId(released(), 'mul')));
    expect(mergeNotes(notebook)).to.deep.equal([
      "1 cell(s) you added were not run: the grader runs only the exercise's own cells, so keep your code in the solution cells",
      "cell 'add' appears 2 times; the first one was graded",
      "cell 'mul' is missing; the unsolved version was used",
    ]);
  });
  it("drops the outputs a student saved (forged records among them) and takes a cell's type from the teacher", () => {
    const student = released();
    (byId(student, 'add') as CodeCell).outputs = [
      { output_type: 'display_data', data: { [recordMime]: '{}' }, metadata: {} },
    ];
    const asMarkdown = byId(student, 'mul');
    Object.assign(asMarkdown, { cell_type: 'markdown', source: 'function mul() {}' });
    const notebook = grade(student);
    expect((byId(notebook, 'add') as CodeCell).outputs).to.deep.equal([]);
    expect(cellSource(byId(notebook, 'mul'))).to.equal(cellSource(byId(released(), 'mul')));
    expect(mergeNotes(notebook)).to.deep.equal([
      "cell 'mul' is not a code cell any more; the unsolved version was used",
    ]);
  });
});

describe('grading: recorded values', () => {
  it('encodes tensors through any view, special numbers, undefined, sorted object keys and typed arrays', () => {
    const base = ndarray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(encodeValue(base.hi(2, 2).step(1, -1))).to.deep.equal({ $tensor: [2, 2], values: [2, 1, 5, 4] });
    expect(encodeValue(ndarray(new Float64Array([NaN, Infinity, -Infinity]), [3]))).to.deep.equal({
      $tensor: [3],
      values: ['NaN', 'Infinity', '-Infinity'],
    });
    expect(encodeValue({ b: [1, NaN], a: undefined, c: new Int8Array([3, -1]) })).to.deep.equal({
      a: { $undefined: true },
      b: [1, { $number: 'NaN' }],
      c: [3, -1],
    });
    expect(JSON.stringify(Object.keys(encodeValue({ z: 1, a: 2 }) as object))).to.equal('["a","z"]');
  });
  it('refuses functions, cycles and bigints, naming where they are', () => {
    expect(() => encodeValue({ f: () => 1 }, 'x')).to.throw('record: cannot record a function (at x.f)');
    const loop: { self?: unknown } = {};
    loop.self = loop;
    expect(() => encodeValue(loop, 'x')).to.throw('record: the value refers to itself (at x.self)');
    expect(() => encodeValue([1n], 'x')).to.throw('record: cannot record a bigint (at x[0])');
  });
  it('compares within atol + rtol·|expected| and says where the first difference is', () => {
    const t = (values: number[]) => encodeValue(ndarray(new Float64Array(values), [2, 2]));
    expect(compareValues(t([1, 2, 3, 4.0003]), t([1, 2, 3, 4]))).to.equal(undefined);
    expect(compareValues(t([1, 2, 3.01, 4]), t([1, 2, 3, 4]))).to.equal('at [1,0]: got 3.01, expected 3');
    expect(compareValues(t([1, 2, 3.01, 4]), t([1, 2, 3, 4]), { atol: 0.02 })).to.equal(undefined);
    expect(compareValues(encodeValue(ndarray(new Float64Array(6), [2, 3])), t([1, 2, 3, 4]))).to.equal(
      'shape [2,3], expected [2,2]',
    );
    expect(compareValues(encodeValue({ a: [1, 2] }), encodeValue({ a: [1, 2, 3] }))).to.equal(
      'at .a: length 2, expected 3',
    );
    expect(compareValues(encodeValue(NaN), encodeValue(NaN))).to.equal(undefined);
    expect(compareValues(encodeValue('x'), encodeValue(2))).to.equal('got "x", expected 2');
  });
  it('Do two whole numbers outside a tensor (counts) have to be equal? Yes, unless the test gives a tolerance', () => {
    const weightsOnly = encodeValue([12288 * 1000]);
    const parameters = encodeValue([12288 * 1000 + 1000]);
    expect(compareValues(weightsOnly, parameters)).to.equal('at [0]: got 12288000, expected 12289000');
    expect(compareValues(weightsOnly, parameters, { rtol: 1e-3 })).to.equal(undefined);
    // a measurement near a whole number, and a tensor's whole entries, stay within the tolerance
    expect(compareValues(encodeValue(3.0000001), encodeValue(3))).to.equal(undefined);
    const whole = (last: number) => encodeValue(ndarray(new Float64Array([1, last]), [2]));
    expect(compareValues(whole(12288000), whole(12288001))).to.equal(undefined);
  });
  it('Does a wrong count pass with a fraction added (48123.5 for 48120)? No: a whole expected number is met within half a unit', () => {
    // found by a red team: the rule used to apply only when both numbers were whole
    expect(compareValues(48123.5, 48120)).to.equal('got 48123.5, expected 48120');
    expect(compareValues(12289000.5, 12288000)).to.equal('got 12289000.5, expected 12288000');
    expect(compareValues(48120.0000001, 48120)).to.equal(undefined); // float noise on the right count
    expect(compareValues(48123.5, 48120, { atol: 5 })).to.equal(undefined); // the test's own tolerance
  });
  it("In grading, does a submission's tensor pass for the teacher's nested arrays of counts? No", () => {
    const tensor = encodeValue(ndarray(new Float64Array([48124, 10165]), [2]));
    const counts = encodeValue([48120, 10164]);
    // in a notebook, a hand-written expected array stands for the tensor (within the tolerance)
    expect(compareValues(tensor, counts)).to.equal(undefined);
    expect(compareValues(tensor, counts, { actualIsUntrusted: true })).to.equal(
      'got a tensor of shape [2], expected an array of length 2',
    );
  });
  it("Does a student's nested arrays pass for the teacher's tensor? No: only an expected value written as nested arrays meets a tensor", () => {
    const tensor = encodeValue(ndarray(new Float64Array([1, 2, 3, 4]), [2, 2]));
    const nested = encodeValue([
      [1, 2],
      [3, 4],
    ]);
    expect(compareValues(tensor, nested)).to.equal(undefined);
    expect(compareValues(nested, tensor, { actualIsUntrusted: true })).to.equal(
      'got an array of length 2, expected a tensor of shape [2,2]',
    );
    expect(compareValues(tensor, encodeValue([[1, 2], [3]]))).to.equal(
      'got a tensor of shape [2,2], expected an array of length 2',
    );
  });
  it('shows a value as a ✓ line does: JSON, tensors nested, special numbers by name, long ones described', () => {
    const tensor = encodeValue(ndarray(new Float64Array([1, NaN, -Infinity, 4]), [2, 2]));
    expect(valueText(tensor)).to.equal('[[1,NaN],[-Infinity,4]]');
    expect(valueText(encodeValue({ b: 'x', a: undefined }))).to.equal('{"a":undefined,"b":"x"}');
    expect(valueText(tensor, 10)).to.equal('a tensor of shape [2,2]');
    expect(valueText(encodeValue(ndarray(new Float64Array([7]), [])))).to.equal('7');
  });
  it('Does a hidden comparison say anything about the values? Only where they differ', () => {
    const t = (values: number[]) => encodeValue(ndarray(new Float64Array(values), [2, 2]));
    expect(compareValues(t([1, 2, 3.01, 4]), t([1, 2, 3, 4]), { showValues: false })).to.equal(
      'at [1,0]: wrong value',
    );
    expect(compareValues(encodeValue([1]), encodeValue([1, 2]), { showValues: false })).to.equal(
      'wrong length',
    );
    expect(compareValues(encodeValue(7), encodeValue(42), { showValues: false })).to.equal('wrong value');
  });
  it("Can a submission's recorded value carry text into the grader's message? No: strings and keys are described, numbers rounded", () => {
    const untrusted = { actualIsUntrusted: true };
    const stolen = "record('mul(7, 6)', mul(7, 6));";
    expect(compareValues(encodeValue(stolen), encodeValue(2), untrusted)).to.equal(
      `got a string of ${stolen.length} characters, expected 2`,
    );
    expect(compareValues(encodeValue({ [stolen]: 1 }), encodeValue({}), untrusted)).to.equal(
      'unexpected keys',
    );
    expect(compareValues(encodeValue({ [stolen]: 1 }), encodeValue(2), untrusted)).to.equal(
      'got an object, expected 2',
    );
    expect(compareValues(encodeValue(1.0000000012345678), encodeValue(2), untrusted)).to.equal(
      'got 1, expected 2',
    );
    expect(compareValues(encodeValue([3.14159265358979]), encodeValue([2]), untrusted)).to.equal(
      'at [0]: got 3.14159, expected 2',
    );
  });
  it('treats malformed values from a student kernel as different, never as a crash', () => {
    const expected = encodeValue(ndarray(new Float64Array([1, 2]), [2]));
    for (const forged of [
      { $tensor: 'x', values: 3 },
      { $tensor: [2], values: ['1', {}] },
      { $number: 'lots' },
      [null],
    ]) {
      expect(compareValues(forged as never, expected), JSON.stringify(forged)).to.be.a('string');
    }
  });
});

describe('grading: the record seal and the test kit', () => {
  const key = Buffer.alloc(32, 7);
  it('unseals what was sealed with the same key, and nothing else', () => {
    const sealed = seal(key, '{"label":"a","value":1}');
    expect(unseal(key, sealed)).to.equal('{"label":"a","value":1}');
    expect(() => unseal(Buffer.alloc(32, 8), sealed)).to.throw();
    const tampered = { ...sealed, data: Buffer.from('{"label":"a","value":2}').toString('base64') };
    expect(() => unseal(key, tampered)).to.throw();
    expect(() => unseal(key, { iv: 1 } as never)).to.throw('unseal: not a sealed record');
  });
  it("Is the package root's check the test kit's, and its record too (one check for lectures and exercises)?", () => {
    expect(library.check).to.equal(check);
    expect(library.record).to.equal(record);
  });
  it('record checks its label and tolerance, and outside the grader prints and returns nothing (a hidden last line shows nothing)', () => {
    const { out, err } = printed(() => expect(record('x', 5)).to.equal(undefined));
    expect([out, err]).to.deep.equal([[], []]);
    expect(() => record('', 5)).to.throw('record: label must be a non-empty string naming the case, got ""');
    expect(() => record('x', 5, { atol: -1 })).to.throw(
      'record: tolerance must be { atol?, rtol? } with finite numbers ≥ 0, got {"atol":-1}',
    );
  });
});

describe('grading: scores', () => {
  const source = runSteps(checkSteps, arithmeticSource(), 'arithmetic.ipynb');
  const part = (
    testId: string,
    partName: 'public' | 'hidden',
    records: Array<[string, unknown]>,
    extra: Partial<PartResult> = {},
  ): PartResult => ({
    testId,
    part: partName,
    status: 'ok',
    records: records.map(([label, value]) => ({ label, value: encodeValue(value) })),
    badRecords: 0,
    ...extra,
  });
  const run = (parts: PartResult[]): GradingRun => ({ parts, kernels: 1, seconds: 1 });
  const teacher = run([
    part('add-tests', 'public', [['add(1, 2)', 3]]),
    part('mul-tests', 'public', [['mul(2, 3)', 6]]),
    part('add-tests', 'hidden', [
      ['add(10, 32)', 42],
      ['add(-1, 0.5)', -0.5],
    ]),
    part('mul-tests', 'hidden', [
      ['mul(-2, 0.25)', -0.5],
      ['mul(7, 6)', 42],
    ]),
    part('tensor-tests', 'hidden', [['add over a tensor', 5]]),
  ]);
  const scrub = hiddenCodeScrubber(source, 'arithmetic.ipynb');
  const points = (student: GradingRun) =>
    scoreTests(source, teacher, student, scrub).map((test) => test.points);

  it('gives a test its points only when every part ran and recorded the same values', () => {
    expect(points(teacher)).to.deep.equal([2, 3, 1]);
    const wrongHidden = structuredClone(teacher);
    wrongHidden.parts[3].records[1].value = 41;
    expect(points(wrongHidden)).to.deep.equal([2, 0, 1]);
    const scores = scoreTests(source, teacher, wrongHidden, scrub);
    // a hidden label can name hidden inputs: the student reads its number
    expect(scores[1].message).to.equal('hidden tests: value 2 of 2: wrong value');
    expect(scores[1].title).to.equal('mul multiplies');
  });
  it('Do extra, missing, unopenable or renamed records, or a part that did not run, count as a pass? No', () => {
    const variants: Array<[string, (r: GradingRun) => void, string]> = [
      [
        'extra',
        (r) => r.parts[0].records.push({ label: 'add(1, 2)', value: 3 }),
        'tests: more values recorded than the tests make',
      ],
      ['missing', (r) => r.parts[0].records.pop(), "tests: no value recorded for 'add(1, 2)'"],
      [
        'renamed',
        (r) => (r.parts[0].records[0].label = 'add(1,2)'),
        "tests: no value recorded for 'add(1, 2)'",
      ],
      [
        'unopenable',
        (r) => (r.parts[0].badRecords = 1),
        "tests: recorded values that did not come from the grader's test kit",
      ],
      [
        'not run',
        (r) => (r.parts[0].status = 'not-run'),
        'tests did not run (the kernel stopped before them)',
      ],
      [
        'missing part',
        (r) => r.parts.splice(2, 1),
        'hidden tests did not run (the kernel stopped before them)',
      ],
    ];
    for (const [name, change, message] of variants) {
      const student = structuredClone(teacher);
      change(student);
      const [add] = scoreTests(source, teacher, student, scrub);
      expect([add.points, add.message], name).to.deep.equal([0, message]);
    }
  });
  it('shows a public error in full, a hidden one only by its standard type', () => {
    const student = structuredClone(teacher);
    student.parts[0] = part('add-tests', 'public', [], {
      status: 'error',
      error: {
        output_type: 'error',
        ename: 'TypeError',
        evalue: 'add is not a function',
        traceback: ['TypeError: add is not a function', '    at evalmachine'],
      },
    });
    student.parts[3] = part('mul-tests', 'hidden', [], {
      status: 'error',
      error: {
        output_type: 'error',
        ename: 'SecretError',
        evalue: "record('mul(7, 6)', mul(7, 6));",
        traceback: [],
      },
    });
    student.parts[4] = part('tensor-tests', 'hidden', [], {
      status: 'error',
      error: {
        output_type: 'error',
        ename: 'CellTimeoutError',
        evalue: 'cell timed out after 5 s and the kernel was interrupted',
        traceback: [],
      },
    });
    const [add, mul, tensor] = scoreTests(source, teacher, student, scrub);
    // the kernel's text (what the cell printed, the error's message) never reaches the student
    expect(add.message).to.equal(
      'tests: raised TypeError (run the tests cell in your notebook to see the message)',
    );
    expect(add).not.to.have.property('details');
    expect(mul.message).to.equal(
      'hidden tests: raised an error (the public tests of the same function show the details)',
    );
    expect(tensor.message).to.equal('hidden tests: cell timed out after 5 s and the kernel was interrupted');
  });
  it("names the library's own refusal (ConvlabError), never its message", () => {
    const student = structuredClone(teacher);
    student.parts[0] = part('add-tests', 'public', [], {
      status: 'error',
      error: {
        output_type: 'error',
        ename: 'ConvlabError',
        evalue: 'conv2d: filter has 3 input channels but the input has 1',
        traceback: ['ConvlabError: conv2d: filter has 3 input channels but the input has 1'],
      },
    });
    const [add] = scoreTests(source, teacher, student, scrub);
    expect(add.message).to.equal(
      'tests: raised ConvlabError (run the tests cell in your notebook to see the message)',
    );
  });
  it("reports a teacher's failing test, and a test that records nothing", () => {
    const failing = structuredClone(teacher);
    failing.parts[1].status = 'error';
    failing.parts[1].error = { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: [] };
    failing.parts[4].records = [];
    expect(teacherRunProblems(source, failing, 'arithmetic.ipynb')).to.deep.equal([
      "arithmetic.ipynb: the teacher's solution fails the public part of test 'mul-tests': Error: boom",
      'arithmetic.ipynb: test \'tensor-tests\' records no value; without record() or check() its verdict would rest on "no error", which a submission can fake',
    ]);
  });
  it('scrubs lines of hidden code out of anything shown', () => {
    expect(scrub("x\n  record('mul(7, 6)', mul(7, 6));\ny")).to.equal(`x\n${scrubbedLine}\ny`);
    expect(scrub('}')).to.equal('}');
  });
});

describe('grading: output files', () => {
  const grade: SubmissionGrade = {
    student: 'o"brien, <b>',
    exercise: 'arithmetic',
    status: 'graded',
    total: 2,
    max: 6,
    tests: [{ id: 'add-tests', title: 'add <adds>', points: 2, maxPoints: 2, passed: true }],
    notes: ['a <note>'],
  };
  it('grades.csv quotes names with commas and quotes', () => {
    expect(gradesCsv([grade])).to.equal(
      'student,exercise,test,points,max,status\n"o""brien, <b>",arithmetic,add-tests,2,2,\n"o""brien, <b>",arithmetic,total,2,6,graded\n',
    );
  });
  it('Does a student folder named like a formula reach grades.csv as text?', () => {
    const formula = { ...grade, student: '=HYPERLINK("http://x","click")' };
    expect(gradesCsv([formula]).split('\n')[1]).to.equal(
      '"\'=HYPERLINK(""http://x"",""click"")",arithmetic,add-tests,2,2,',
    );
  });
  it('the feedback page escapes everything the student or the teacher wrote', () => {
    const html = feedbackHtml(grade.student, [grade]);
    expect(html).to.include('<h1>Feedback for o&#34;brien, &#60;b&#62;</h1>');
    expect(html).to.include('add &#60;adds&#62;');
    expect(html).to.include('<li>a &#60;note&#62;</li>');
    expect(html).not.to.include('<b>');
  });
});
