import { createHash } from 'crypto';
import { Cell, cellSource } from '../../notebookFormat';
import { exerciseMeta, setExerciseMeta } from '../exerciseFormat';
import { NotebookStep } from './notebookStep';

/** sha256 of a cell's type and source: what a student would change by editing it. */
export function cellChecksum(cell: Cell): string {
  return createHash('sha256')
    .update(JSON.stringify([cell.cell_type, cellSource(cell)]))
    .digest('hex');
}

/** Writes `checksum` into metadata.convlab of every readonly and tests cell. */
export const recordChecksums: NotebookStep = (notebook) => {
  for (const cell of notebook.cells) {
    const meta = exerciseMeta(cell);
    if (meta.kind === 'readonly' || meta.kind === 'tests')
      setExerciseMeta(cell, { ...meta, checksum: cellChecksum(cell) });
  }
  return notebook;
};
