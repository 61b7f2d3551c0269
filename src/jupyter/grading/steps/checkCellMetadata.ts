import { Cell } from '../../notebookFormat';
import { ExerciseFormatError, cellKinds, describeCell } from '../exerciseFormat';
import { NotebookStep } from './notebookStep';

const idPattern = /^[A-Za-z0-9._-]+$/;

/** Which cell types each kind may be. */
const allowedTypes: Record<string, readonly Cell['cell_type'][]> = {
  solution: ['code'],
  tests: ['code'],
  readonly: ['code', 'markdown', 'raw'],
  free: ['code', 'markdown'],
};

/**
 * Every cell has `metadata.convlab = { id, kind, points? }`: a unique id, a known kind, points on
 * tests cells (a positive number) and nowhere else. Throws naming the notebook and the cell.
 */
export const checkCellMetadata: NotebookStep = (notebook, name) => {
  if (notebook.cells.length === 0) throw new ExerciseFormatError(`${name}: the notebook has no cells`);
  const seen = new Map<string, number>();
  notebook.cells.forEach((cell, index) => {
    const where = describeCell(name, cell, index);
    const meta = cell.metadata?.convlab as Record<string, unknown> | undefined;
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
      throw new ExerciseFormatError(
        `${where}: no metadata.convlab; every cell of an exercise needs { "id": ..., "kind": ${cellKinds.map((k) => `"${k}"`).join(' | ')} }`,
      );
    }
    const { id, kind, points } = meta;
    if (typeof id !== 'string' || !idPattern.test(id)) {
      throw new ExerciseFormatError(
        `${where}: metadata.convlab.id must be a string of letters, digits, '-', '_' or '.', got ${JSON.stringify(id)}`,
      );
    }
    if (seen.has(id)) {
      throw new ExerciseFormatError(
        `${where}: id '${id}' is also the id of cell ${seen.get(id)}; ids must be unique`,
      );
    }
    seen.set(id, index);
    if (typeof kind !== 'string' || !(cellKinds as readonly string[]).includes(kind)) {
      throw new ExerciseFormatError(
        `${where}: metadata.convlab.kind must be one of ${cellKinds.join(', ')}, got ${JSON.stringify(kind)}`,
      );
    }
    if (!allowedTypes[kind].includes(cell.cell_type)) {
      throw new ExerciseFormatError(
        `${where}: a ${kind} cell must be a ${allowedTypes[kind].join(' or ')} cell, not ${cell.cell_type}`,
      );
    }
    if (kind === 'tests') {
      if (typeof points !== 'number' || !Number.isFinite(points) || points <= 0) {
        throw new ExerciseFormatError(
          `${where}: a tests cell needs points (a positive number), got ${JSON.stringify(points)}`,
        );
      }
    } else if (points !== undefined) {
      throw new ExerciseFormatError(`${where}: only tests cells have points, this is a ${kind} cell`);
    }
  });
  return notebook;
};
