/**
 * One step of the release or grading pipeline: takes a notebook, returns the next version of it.
 * `name` is the notebook's file name, for error messages. `runSteps` hands the first step a deep
 * copy, so a step may change the notebook it is given; the caller's notebook is never touched.
 */
import { Notebook } from '../../notebookFormat';

export type NotebookStep = (notebook: Notebook, name: string) => Notebook;

/** Runs the steps in order on a copy of `notebook`. */
export function runSteps(steps: readonly NotebookStep[], notebook: Notebook, name: string): Notebook {
  return steps.reduce((current, step) => step(current, name), structuredClone(notebook));
}
