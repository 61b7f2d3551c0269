import { cellSource } from '../../notebookFormat';
import { describeCell, exerciseMeta } from '../exerciseFormat';
import { replaceRegions, scanMarkers } from '../scanMarkers';
import { NotebookStep } from './notebookStep';

/** What the student sees where a HIDDEN TESTS region was. */
export const hiddenTestsNote = '// (hidden tests: they run when your work is graded)';

/** Replaces each HIDDEN TESTS region of a tests cell, markers included, with one comment line. */
export const removeHiddenTests: NotebookStep = (notebook, name) => {
  notebook.cells.forEach((cell, index) => {
    if (exerciseMeta(cell).kind !== 'tests') return;
    const source = cellSource(cell);
    const regions = scanMarkers(source, describeCell(name, cell, index));
    cell.source = replaceRegions(source, regions, 'hidden', (region) => [region.indent + hiddenTestsNote]);
  });
  return notebook;
};
