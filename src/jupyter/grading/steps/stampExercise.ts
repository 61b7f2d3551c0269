import { exerciseName, maxPoints } from '../exerciseFormat';
import { NotebookStep } from './notebookStep';

/**
 * Notebook metadata.convlab: the exercise's name, its points, the format version, and the library
 * functions it forbids in graded runs (so the student's copy says so too).
 */
export const stampExercise: NotebookStep = (notebook, name) => {
  const forbidden = (notebook.metadata.convlab as { forbidden?: string[] } | undefined)?.forbidden;
  notebook.metadata = {
    ...notebook.metadata,
    convlab: {
      exercise: exerciseName(name),
      maxPoints: maxPoints(notebook),
      format: 1,
      ...(forbidden ? { forbidden } : {}),
    },
  };
  return notebook;
};
