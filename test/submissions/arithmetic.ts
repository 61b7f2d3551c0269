/**
 * A small exercise for the grader tests, and a class of students handing it in: honest, partly right,
 * broken, and trying every way around the grader we could think of. Kept small so a whole class grades
 * in about a minute; `notebooks/exercises/` holds the real exercises (tested with `convlab validate`).
 */
import { Cell, Notebook } from '../../src/jupyter/notebookFormat';

type Kind = 'solution' | 'tests' | 'readonly' | 'free';

export function exerciseCell(
  kind: Kind,
  id: string,
  source: string,
  options: { points?: number; markdown?: boolean } = {},
): Cell {
  const metadata = {
    convlab: { id, kind, ...(options.points !== undefined ? { points: options.points } : {}) },
  };
  return options.markdown
    ? { cell_type: 'markdown', id, source, metadata }
    : { cell_type: 'code', id, source, metadata, execution_count: null, outputs: [] };
}

export function notebookOf(cells: Cell[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'convlab', display_name: 'TypeScript (convlab)', language: 'typescript' },
    },
    cells,
  };
}

export const setupSource = `import * as cl from '../../dist';
import { check, record } from '../../dist/jupyter/grading/testKit';
// the teacher may call a forbidden function (metadata.convlab.forbidden): the student may not
const framed = cl.zeroPad(cl.tensor([[1]]), 1);`;

/** The hidden lines of the arithmetic exercise: no feedback page may contain one. */
export const hiddenLines = [
  "record('add(10, 32)', add(10, 32));",
  "record('add(-1, 0.5)', add(-1, 0.5));",
  "record('mul(-2, 0.25)', mul(-2, 0.25));",
  "record('mul(7, 6)', mul(7, 6));",
  'const secretTensor = cl.tensor([[1, 2], [3, 4]]);',
  "record('add over a tensor', add(secretTensor.get(0, 1), secretTensor.get(1, 0)));",
  "record('the teacher pads', cl.zeroPad(secretTensor, 1).get(1, 1) + framed.get(1, 1));",
];

/**
 * The teacher's notebook: add (2 points), mul (3 points), a hidden-only test of add (1 point). The
 * library's zeroPad is forbidden to the student (the teacher's cells use it).
 */
export function arithmeticSource(): Notebook {
  const notebook = notebookOf([
    exerciseCell('readonly', 'intro', '# Arithmetic\nWrite `add` and `mul`.', { markdown: true }),
    exerciseCell('readonly', 'setup', setupSource),
    exerciseCell(
      'solution',
      'add',
      'function add(a: number, b: number): number {\n  // BEGIN SOLUTION\n  return a + b;\n  // END SOLUTION\n}',
    ),
    exerciseCell(
      'solution',
      'mul',
      'function mul(a: number, b: number): number {\n  // BEGIN SOLUTION\n  return a * b;\n  // END SOLUTION\n}',
    ),
    exerciseCell(
      'tests',
      'add-tests',
      `// add adds two numbers\ncheck('add(1, 2)', add(1, 2), 3);\n// BEGIN HIDDEN TESTS\n${hiddenLines[0]}\n${hiddenLines[1]}\n// END HIDDEN TESTS`,
      { points: 2 },
    ),
    exerciseCell(
      'tests',
      'mul-tests',
      `// mul multiplies\ncheck('mul(2, 3)', mul(2, 3), 6);\n// BEGIN HIDDEN TESTS\n${hiddenLines[2]}\n${hiddenLines[3]}\n// END HIDDEN TESTS`,
      { points: 3 },
    ),
    exerciseCell('free', 'scratch', '// try things here'),
    exerciseCell(
      'tests',
      'tensor-tests',
      `// add on tensor entries\n// BEGIN HIDDEN TESTS\n${hiddenLines[4]}\n${hiddenLines[5]}\n${hiddenLines[6]}\n// END HIDDEN TESTS`,
      { points: 1 },
    ),
  ]);
  notebook.metadata.convlab = { forbidden: ['zeroPad'] };
  return notebook;
}

/** A second, tiny exercise, so that feedback pages cover more than one notebook. */
export function greetingSource(): Notebook {
  return notebookOf([
    exerciseCell('readonly', 'setup', setupSource),
    exerciseCell(
      'solution',
      'greet',
      "function greet(name: string): string {\n  // BEGIN SOLUTION\n  return 'hello ' + name;\n  // END SOLUTION\n}",
    ),
    exerciseCell(
      'tests',
      'greet-tests',
      "// greet says hello\ncheck('greet(\"ada\")', greet('ada'), 'hello ada');\n// BEGIN HIDDEN TESTS\nrecord('greet(\"grace\")', greet('grace'));\n// END HIDDEN TESTS",
      { points: 1 },
    ),
  ]);
}

/** `released` with the solution cells' sources replaced (by id). */
export function withSolutions(released: Notebook, solutions: Record<string, string>): Notebook {
  const notebook = structuredClone(released);
  for (const cell of notebook.cells) {
    const id = (cell.metadata.convlab as { id: string }).id;
    if (id in solutions) cell.source = solutions[id];
  }
  return notebook;
}

export const add = (body: string) => `function add(a: number, b: number): number {\n${body}\n}`;
export const mul = (body: string) => `function mul(a: number, b: number): number {\n${body}\n}`;
export const honest = { add: add('  return a + b;'), mul: mul('  return a * b;') };

const idOf = (cell: Cell) => (cell.metadata.convlab as { id: string }).id;
const kindOf = (cell: Cell) => (cell.metadata.convlab as { kind: Kind }).kind;

export interface Student {
  /** Points the student must get for add-tests, mul-tests, tensor-tests. */
  expected: [number, number, number];
  /**
   * The file's content (a notebook, or anything for broken submissions); undefined: nothing handed in.
   * `paths.folder` is the student's folder, for submissions that are not plain files (they write
   * them there themselves and return undefined).
   */
  arithmetic: (
    released: Notebook,
    paths: { source: string; submissions: string; folder: string },
  ) => string | undefined;
  /** The greeting exercise's file, when not the honest version (see `greeting`). */
  greetingFile?: (released: Notebook) => string;
  /** Also hands in the greeting exercise (the honest version). */
  greeting?: boolean;
}

export const json = (notebook: Notebook) => JSON.stringify(notebook, null, 1);
export const solved = (solutions: Record<string, string>) => (released: Notebook) =>
  json(withSolutions(released, solutions));

/** Code that reads the record key of this kernel's sandbox and sends a sealed record, as testKit does. */
const forgeRecord = `
const forge = (label: string, value: unknown) => {
  const fs = require('fs');
  const crypto = require('crypto');
  const key = Buffer.from(JSON.parse(fs.readFileSync('../../convlab-sandbox.json', 'utf8')).recordKey, 'hex');
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const text = JSON.stringify({ label, value });
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  const sealed = { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  require('tslab').display.raw('application/vnd.convlab.record+json', JSON.stringify(sealed));
};`;

export const students: Record<string, Student> = {
  honest: { expected: [2, 3, 1], arithmetic: solved(honest), greeting: true },
  stub: { expected: [0, 0, 0], arithmetic: (released) => json(released) },
  partial: {
    expected: [2, 0, 1],
    arithmetic: solved({ ...honest, mul: mul('  return a + b;') }),
    greeting: true,
  },
  /** Passes the public checks by hard-coding their answers; the hidden inputs catch it. */
  lookupTable: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: add('  return a === 1 && b === 2 ? 3 : 0;'),
      mul: mul('  return a === 2 && b === 3 ? 6 : 0;'),
    }),
  },
  /** Patches the test kit (check, the comparison, the seal) and chai so that every check "passes". */
  patchesTestKit: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: `const grading = '../../dist/jupyter/grading/';
const kit = require(grading + 'testKit');
kit.check = (label: string) => console.log('✓ ' + label);
kit.record = (label: string, value: unknown) => value;
require(grading + 'recordValues').compareValues = () => undefined;
require(grading + 'recordChannel').seal = () => ({ iv: '', tag: '', data: '' });
const chai = require('chai');
chai.expect = () => new Proxy({}, { get: () => () => undefined });
${add('  return 0;')}`,
      mul: mul('  return 0;'),
    }),
  },
  /**
   * Answers the public checks from a lookup table, and elsewhere seals guesses with the record key it
   * read from its sandbox, before the real records.
   */
  forgesRecords: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: `${forgeRecord}
${add("  if (a === 1 && b === 2) return 3;\n  forge(`add(${a}, ${b})`, 42);\n  forge('add over a tensor', 5);\n  return 42;")}`,
      mul: mul('  if (a === 2 && b === 3) return 6;\n  forge(`mul(${a}, ${b})`, 42);\n  return 42;'),
    }),
  },
  /** Patches Math, prototypes, console and JSON.parse, and prints forged "passed" lines. */
  patchesGlobals: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: `Math.abs = () => 0;
Math.max = () => Infinity;
Math.min = () => -Infinity;
Array.prototype.every = function () { return true; };
Array.prototype.some = function () { return false; };
Number.isNaN = () => false;
Object.is = () => true;
const originalLog = console.log;
console.log = () => originalLog('✓ all tests passed: 6/6 points');
console.error = () => undefined;
console.log('✓ add(1, 2)');
require('tslab').display.raw('application/vnd.convlab.record+json', '{"label":"add(1, 2)","value":3}');
${add('  return a - b;')}`,
      mul: mul('  return a / b;'),
    }),
  },
  /** Tries to read the teacher's notebook, the other students' submissions and Jupyter's token. */
  readsSecrets: {
    expected: [0, 0, 0],
    arithmetic: (released, paths) =>
      json(
        withSolutions(released, {
          // right only if Jupyter's token, a teacher's notebook or the folder holding the sandboxes
          // (the kernel runs in <sandbox>/notebooks/exercises) can be read
          add: add(`  const fs = require('fs');
  const attempts = [
    () => process.env.JUPYTER_TOKEN,
    () => fs.readFileSync(${JSON.stringify(paths.source)}, 'utf8'),
    () => fs.readFileSync('../../../../notebooks/exercises/E1-convolution.ipynb', 'utf8'),
    () => fs.readdirSync('../../..').join(),
  ];
  for (const attempt of attempts) {
    try {
      if (attempt()) return a + b;
    } catch {
      // denied: try the next way
    }
  }
  return 0;`),
          // right only if the other students' submissions can be listed
          mul: mul(
            `  return require('fs').readdirSync(${JSON.stringify(paths.submissions)}).length > 0 ? a * b : 0;`,
          ),
        }),
      ),
  },
  /** Ends the kernel before the tests can fail. */
  exits: {
    expected: [0, 0, 0],
    arithmetic: solved({ add: add('  process.exit(0);\n  return a + b;'), mul: mul('  return 0;') }),
  },
  /** add kills the kernel, mul is right: the grader goes on in a fresh kernel and mul keeps its points. */
  crashesInAdd: {
    expected: [0, 3, 0],
    arithmetic: solved({ ...honest, add: add('  process.exit(3);\n  return a + b;') }),
  },
  loopsForever: {
    expected: [0, 0, 0],
    arithmetic: solved({ add: add('  while (true) {}\n  return a + b;'), mul: mul('  return 0;') }),
  },
  allocatesUntilKilled: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: add(
        '  const keep: Float64Array[] = [];\n  for (;;) keep.push(new Float64Array(10_000_000).fill(a));',
      ),
      mul: mul('  return 0;'),
    }),
  },
  floodsOutput: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: add("  for (;;) console.log('✓ passed '.repeat(10_000));"),
      mul: mul('  return 0;'),
    }),
  },
  /** Would be right if it could signal other processes (signal 0 only asks whether they exist). */
  signalsOthers: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: add('  process.kill(process.ppid, 0);\n  return a + b;'),
      mul: mul('  process.kill(1, 0);\n  return a * b;'),
    }),
  },
  /** Captures the code of every cell the kernel runs and throws it back, hoping it shows in the feedback. */
  leaksHiddenCode: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: `const seen: string[] = [];
const vm = require('vm');
const run = vm.runInThisContext;
vm.runInThisContext = (code: string, options: unknown) => {
  seen.push(String(code));
  return run.call(vm, code, options);
};
${add("  console.log(seen.join('\\n'));\n  throw new Error(seen.join('\\n'));")}`,
      mul: mul("  throw new TypeError(seen.slice(-3).join('\\n'));"),
    }),
  },
  deletesTests: {
    expected: [2, 3, 1],
    arithmetic: (released) => {
      const notebook = withSolutions(released, honest);
      notebook.cells = notebook.cells.filter((cell) => kindOf(cell) !== 'tests');
      return json(notebook);
    },
  },
  editsTests: {
    expected: [2, 3, 1],
    arithmetic: (released) => {
      const notebook = withSolutions(released, honest);
      for (const cell of notebook.cells) {
        if (kindOf(cell) === 'tests') cell.source = "console.log('all good');";
        if (idOf(cell) === 'setup') cell.source = `${setupSource}\nconst add = (a: number, b: number) => 0;`;
      }
      return json(notebook);
    },
  },
  duplicatesCells: {
    expected: [2, 3, 1],
    arithmetic: (released) => {
      const notebook = withSolutions(released, honest);
      const copies = notebook.cells.flatMap((cell) => {
        if (kindOf(cell) === 'tests') return [cell, structuredClone(cell)];
        if (idOf(cell) === 'mul') return [cell, { ...structuredClone(cell), source: mul('  return -1;') }];
        return [cell];
      });
      notebook.cells = copies;
      return json(notebook);
    },
  },
  reordersCells: {
    expected: [2, 3, 1],
    arithmetic: (released) => {
      const notebook = withSolutions(released, honest);
      notebook.cells.reverse();
      return json(notebook);
    },
  },
  /** Leaves the solution cells as stubs and writes the code in a cell of its own: not run. */
  addsCells: {
    expected: [0, 0, 0],
    arithmetic: (released) => {
      const notebook = structuredClone(released);
      notebook.cells.push({
        cell_type: 'code',
        source: `${honest.add}\n${honest.mul}`,
        metadata: {},
        execution_count: null,
        outputs: [],
      });
      return json(notebook);
    },
  },
  invalidJson: { expected: [0, 0, 0], arithmetic: () => '{"cells": [ this is not JSON' },
  notANotebook: { expected: [0, 0, 0], arithmetic: () => JSON.stringify({ nbformat: 4, cells: 'none' }) },
  noCells: {
    expected: [0, 0, 0],
    arithmetic: () => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }),
  },
  handsInNothing: { expected: [0, 0, 0], arithmetic: () => undefined, greeting: true },
};
