import { exerciseMeta } from '../exerciseFormat';
import { NotebookStep } from './notebookStep';

/**
 * Marks readonly and tests cells `editable: false, deletable: false`, which JupyterLab and the
 * classic Notebook honour. Only a courtesy: the grader restores these cells from the source anyway.
 */
export const lockTeacherCells: NotebookStep = (notebook) => {
  for (const cell of notebook.cells) {
    const { kind } = exerciseMeta(cell);
    if (kind === 'readonly' || kind === 'tests')
      cell.metadata = { ...cell.metadata, editable: false, deletable: false };
  }
  return notebook;
};
