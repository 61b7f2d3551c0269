import { gradingKernel } from '../exerciseFormat';
import { NotebookStep } from './notebookStep';

/** Runs the notebook on the grading sandbox kernel (kernels/grading/kernels/convlab-grade), whatever it asked for. */
export const useGradingKernel: NotebookStep = (notebook) => {
  notebook.metadata = { ...notebook.metadata, kernelspec: { ...gradingKernel } };
  return notebook;
};
