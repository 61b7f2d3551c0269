import { cellSource } from '../../notebookFormat';
import { ExerciseFormatError, describeCell, exerciseMeta } from '../exerciseFormat';
import { regionBodies, scanMarkers } from '../scanMarkers';
import { NotebookStep } from './notebookStep';

/**
 * Hidden tests send the student's kernel inputs only: the expected values come from the teacher's
 * run and are compared outside the kernel. An assertion in a hidden region would carry its expected
 * value into the student's kernel, where their code can read it.
 */
const assertion = /\b(check|expect|assert)\b/;

/**
 * Markers are well formed (see scanMarkers) and where they belong: every solution cell has at least
 * one SOLUTION region and no other kind; every tests cell has at least one HIDDEN TESTS region,
 * with no assertions inside; no markers in readonly and free cells.
 *
 * Why every tests cell needs hidden tests: a test whose inputs and expected values the student can
 * see can be passed without solving anything — by a lookup table, or by a patched `check` that
 * records the expected value it is handed. Points are therefore only given where inputs the student
 * has not seen are checked too.
 */
export const checkMarkers: NotebookStep = (notebook, name) => {
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const where = describeCell(name, cell, index);
    const source = cellSource(cell);
    const regions = scanMarkers(source, where);
    const { kind } = exerciseMeta(cell);
    const misplaced = regions.find((region) =>
      kind === 'solution' ? region.kind !== 'solution' : kind === 'tests' ? region.kind !== 'hidden' : true,
    );
    if (misplaced) {
      const marker = misplaced.kind === 'solution' ? 'BEGIN SOLUTION' : 'BEGIN HIDDEN TESTS';
      throw new ExerciseFormatError(
        `${where}, line ${misplaced.beginLine + 1}: ${marker} in a ${kind} cell; ` +
          (misplaced.kind === 'solution'
            ? 'solution regions go in solution cells'
            : 'hidden tests go in tests cells'),
      );
    }
    if (kind === 'tests' && regions.length === 0) {
      throw new ExerciseFormatError(
        `${where}: a tests cell needs a // BEGIN HIDDEN TESTS … // END HIDDEN TESTS region: visible inputs and ` +
          'expected values alone can be passed by hard-coding them',
      );
    }
    if (kind === 'solution' && regions.length === 0) {
      throw new ExerciseFormatError(
        `${where}: a solution cell needs a // BEGIN SOLUTION … // END SOLUTION region (or it would be released as it is)`,
      );
    }
    regionBodies(source, regions, 'hidden').forEach((body, i) => {
      const line = body.split('\n').findIndex((text) => assertion.test(text.replace(/\/\/.*$/, '')));
      if (line >= 0) {
        const region = regions.filter((r) => r.kind === 'hidden')[i];
        throw new ExerciseFormatError(
          `${where}, line ${region.beginLine + 2 + line}: hidden tests may not use check/expect/assert — ` +
            "their expected values would reach the student's kernel; use record(label, value) and let the grader compare",
        );
      }
    });
  });
  return notebook;
};
