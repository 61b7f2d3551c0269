/**
 * The marking format of exercise notebooks (the README's "Graded exercises" section is the teachers'
 * version of this comment).
 *
 * Every cell of a source (teacher) notebook carries `metadata.convlab = { id, kind, points? }`:
 *
 * | kind | what the student gets | what the grader runs |
 * | --- | --- | --- |
 * | `readonly` | the cell as written (instructions, setup code) | the teacher's cell |
 * | `solution` | each `// BEGIN SOLUTION` … `// END SOLUTION` region replaced by a stub | the student's cell with this id |
 * | `tests` (with `points`) | the cell without its `// BEGIN HIDDEN TESTS` … `// END HIDDEN TESTS` regions | the teacher's cell, hidden regions split off and run after every other cell |
 * | `free` | the cell as written (a scratch cell, a written answer) | the student's cell with this id, not graded |
 *
 * Ids are unique within a notebook and stable across releases: the grader matches cells by id, never
 * by position.
 */
import { Cell, Notebook } from '../notebookFormat';

export type CellKind = 'solution' | 'tests' | 'readonly' | 'free';
export const cellKinds: readonly CellKind[] = ['solution', 'tests', 'readonly', 'free'];

/** `metadata.convlab` of an exercise cell. */
export interface ExerciseCellMetadata {
  /** Unique within the notebook; letters, digits, `-`, `_` and `.`. */
  id: string;
  kind: CellKind;
  /** Points for a tests cell (a positive number); no other kind has points. */
  points?: number;
  /** Written by release on readonly and tests cells: sha256 of what the student received. */
  checksum?: string;
  /** Written by the grader: which part of a tests cell this is once hidden tests are split off. */
  part?: 'public' | 'hidden';
}

/** The marker lines, exactly as they must be written (leading spaces allowed). */
export const markers = {
  beginSolution: '// BEGIN SOLUTION',
  endSolution: '// END SOLUTION',
  beginHidden: '// BEGIN HIDDEN TESTS',
  endHidden: '// END HIDDEN TESTS',
} as const;

/** What a released solution region becomes (indented like the markers). */
export const stubLines = ['// YOUR CODE HERE', 'throw new Error("Not implemented");'];

/** The kernel the grader runs notebooks on: tslab in a sandbox (kernels/grading/kernels/convlab-grade). */
export const gradingKernel = {
  name: 'convlab-grade',
  display_name: 'TypeScript (convlab grading sandbox)',
  language: 'typescript',
};

/**
 * A mistake in an exercise notebook (metadata, markers). The message names the notebook, the cell
 * and, for markers, the line; commands print it without a stack trace.
 */
export class ExerciseFormatError extends Error {
  override name = 'ExerciseFormatError';
}

/** `E1-convolution.ipynb, cell 4 (id 'zeroPad-tests')`: how every message points at a cell. */
export function describeCell(notebookName: string, cell: Cell, index: number): string {
  const meta = cell.metadata?.convlab as Partial<ExerciseCellMetadata> | undefined;
  const id = typeof meta?.id === 'string' ? ` (id '${meta.id}')` : '';
  return `${notebookName}, cell ${index}${id}`;
}

/** The cell's `metadata.convlab` (checked by `checkCellMetadata` before any other step reads it). */
export function exerciseMeta(cell: Cell): ExerciseCellMetadata {
  return cell.metadata.convlab as ExerciseCellMetadata;
}

/** Replaces a cell's metadata.convlab, keeping its other metadata. */
export function setExerciseMeta(cell: Cell, meta: ExerciseCellMetadata): void {
  cell.metadata = { ...cell.metadata, convlab: meta };
}

/** Total points of a source notebook (the sum over its tests cells). */
export function maxPoints(notebook: Notebook): number {
  return notebook.cells.reduce((sum, cell) => sum + (exerciseMeta(cell).points ?? 0), 0);
}

/** The exercise's name: the notebook's file name without `.ipynb`. */
export function exerciseName(file: string): string {
  return file.replace(/^.*[\\/]/, '').replace(/\.ipynb$/, '');
}
