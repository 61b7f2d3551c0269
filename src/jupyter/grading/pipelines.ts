/**
 * The release and grading pipelines: ordered lists of small notebook steps (one per file in
 * `steps/`). The ordering rules are written next to the lists; keep them true when adding a step.
 */
import { Notebook } from '../notebookFormat';
import { checkCellMetadata } from './steps/checkCellMetadata';
import { checkMarkers } from './steps/checkMarkers';
import { clearOutputs } from './steps/clearOutputs';
import { clearSolutions } from './steps/clearSolutions';
import { lockTeacherCells } from './steps/lockTeacherCells';
import { mergeSubmission } from './steps/mergeSubmission';
import { NotebookStep, runSteps } from './steps/notebookStep';
import { recordChecksums } from './steps/recordChecksums';
import { removeHiddenTests } from './steps/removeHiddenTests';
import { splitHiddenTests } from './steps/splitHiddenTests';
import { stampExercise } from './steps/stampExercise';
import { useGradingKernel } from './steps/useGradingKernel';

/** Checks a source (teacher) notebook; every other step relies on them. */
export const checkSteps: readonly NotebookStep[] = [
  // checkCellMetadata comes first: every later step reads metadata.convlab.
  checkCellMetadata,
  // checkMarkers comes before any step that cuts regions out: those trust the markers.
  checkMarkers,
];

/** Source notebook → the student version. */
export const releaseSteps: readonly NotebookStep[] = [
  ...checkSteps,
  clearSolutions,
  removeHiddenTests,
  clearOutputs,
  // recordChecksums comes after clearSolutions, removeHiddenTests and clearOutputs: it fingerprints
  // what the student receives, so the grader can tell which teacher cells a student changed.
  recordChecksums,
  lockTeacherCells,
  stampExercise,
];

/**
 * Submission → the notebook the grader runs. `source` must have passed `checkSteps`. The teacher's
 * own run uses the same steps with the source as the submission.
 */
export function gradingSteps(source: Notebook, name: string): NotebookStep[] {
  return [
    // mergeSubmission comes first: it decides which cells exist and puts the teacher's test cells,
    // hidden regions included, back in place of the student's.
    mergeSubmission(source, runSteps(releaseSteps, source, name)),
    // splitHiddenTests comes after mergeSubmission: the hidden code it moves is the teacher's.
    splitHiddenTests,
    // clearOutputs comes after mergeSubmission: outputs the student saved (forged records
    // included) must not reach the graded copy.
    clearOutputs,
    useGradingKernel,
  ];
}
