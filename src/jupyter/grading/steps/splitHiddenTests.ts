import { Cell, cellSource } from '../../notebookFormat';
import { describeCell, exerciseMeta, setExerciseMeta } from '../exerciseFormat';
import { regionBodies, replaceRegions, scanMarkers } from '../scanMarkers';
import { NotebookStep } from './notebookStep';

/** True when the text has something besides comments and blank lines. */
function hasCode(text: string): boolean {
  return (
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .trim() !== ''
  );
}

/**
 * Splits each tests cell into its public part (in place) and its hidden part (a cell of its own,
 * moved after every other cell). So nothing a submission prints or throws before the hidden tests
 * can contain their code: it has not been sent to the kernel yet. Each part carries the tests cell's
 * metadata plus `part: 'public' | 'hidden'`; a public part with no code left is dropped.
 */
export const splitHiddenTests: NotebookStep = (notebook, name) => {
  const hiddenCells: Cell[] = [];
  notebook.cells = notebook.cells.flatMap((cell, index) => {
    const meta = exerciseMeta(cell);
    if (meta.kind !== 'tests') return [cell];
    const source = cellSource(cell);
    const regions = scanMarkers(source, describeCell(name, cell, index));
    const hidden = regionBodies(source, regions, 'hidden');
    if (hidden.length > 0) {
      const hiddenCell: Cell = {
        cell_type: 'code',
        id: `${cell.id ?? meta.id}-hidden`,
        source: hidden.join('\n'),
        metadata: {},
        execution_count: null,
        outputs: [],
      };
      setExerciseMeta(hiddenCell, { ...meta, part: 'hidden' });
      hiddenCells.push(hiddenCell);
    }
    const publicSource = replaceRegions(source, regions, 'hidden', () => []);
    if (!hasCode(publicSource)) return [];
    cell.source = publicSource;
    setExerciseMeta(cell, { ...meta, part: 'public' });
    return [cell];
  });
  notebook.cells.push(...hiddenCells);
  return notebook;
};
