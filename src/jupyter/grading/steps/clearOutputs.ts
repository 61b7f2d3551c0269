import { NotebookStep } from './notebookStep';

/** Empties every code cell's outputs and execution count. */
export const clearOutputs: NotebookStep = (notebook) => {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code') continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  return notebook;
};
