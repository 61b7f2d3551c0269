import { exerciseName, maxPoints } from '../exerciseFormat';
import { NotebookStep } from './notebookStep';

/** Notebook metadata.convlab: the exercise's name, its points and the format version. */
export const stampExercise: NotebookStep = (notebook, name) => {
  notebook.metadata = {
    ...notebook.metadata,
    convlab: { exercise: exerciseName(name), maxPoints: maxPoints(notebook), format: 1 },
  };
  return notebook;
};
