import { cellSource } from '../../notebookFormat';
import { describeCell, exerciseMeta, stubLines } from '../exerciseFormat';
import { replaceRegions, scanMarkers } from '../scanMarkers';
import { NotebookStep } from './notebookStep';

/**
 * Replaces each SOLUTION region of a solution cell, markers included, with `// YOUR CODE HERE` and
 * `throw new Error("Not implemented");`, indented like the BEGIN marker. What is outside the region
 * (the function's signature, its closing brace) stays.
 */
export const clearSolutions: NotebookStep = (notebook, name) => {
  notebook.cells.forEach((cell, index) => {
    if (exerciseMeta(cell).kind !== 'solution') return;
    const source = cellSource(cell);
    const regions = scanMarkers(source, describeCell(name, cell, index));
    cell.source = replaceRegions(source, regions, 'solution', (region) =>
      stubLines.map((line) => region.indent + line),
    );
  });
  return notebook;
};
