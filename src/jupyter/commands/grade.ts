/**
 * `convlab grade --source DIR --submissions DIR --out DIR`: autogrades every student's notebooks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ExerciseFormatError } from '../grading/exerciseFormat';
import { writeFeedback } from '../grading/feedbackHtml';
import { writeGrades } from '../grading/gradeRecords';
import {
  SubmissionJob,
  exerciseSummary,
  gradeSubmissions,
  loadExercises,
  teacherRuns,
} from '../grading/gradingEngine';
import { gradingCommandOptions, gradingCommandUsage, openGradingSession } from './gradingSession';
import { SubmissionFileError, readSubmission } from '../grading/readSubmission';
import { Command, UsageError, parseCommandLine, refusingBadExercises } from './command';
import { expandNotebookArguments } from './expandNotebookArguments';

const usage = `usage: convlab grade --source DIR --submissions DIR --out DIR [options]

Grades submissions/<student>/<exercise>.ipynb for every student folder and every source notebook
<exercise>.ipynb in --source. Each submission is rebuilt in the teacher's cell order (the teacher's
test and read-only cells, the student's solution cells by id), run in a fresh sandboxed kernel with
the hidden tests last, and each test cell scores its points when it runs without error and every
value it records matches the teacher's solution. Writes DIR/grades.csv, DIR/grades.json and
DIR/feedback/<student>.html. Submissions are never modified.

options:
  --source DIR        the source (teacher) notebooks, or one notebook
  --submissions DIR   one folder per student
  --out DIR           where the grades and feedback go
${gradingCommandUsage}
  -h, --help          show this help`;

/**
 * A student's notebook, read by the bounded reader (regular files only, size, depth and cell limits):
 * undefined when none was handed in. A student folder that is a symlink is refused like a symlinked
 * file: it could point anywhere on the grader's machine.
 */
function loadSubmission(studentDir: string, file: string) {
  if (fs.lstatSync(studentDir).isSymbolicLink())
    throw new SubmissionFileError(
      `the folder ${path.basename(studentDir)} is a symbolic link; hand in a folder of notebooks`,
    );
  return readSubmission(file);
}

export const gradeCommand: Command = {
  name: 'grade',
  summary: 'autograde submissions/<student>/<exercise>.ipynb: grades.csv, grades.json, feedback pages',
  usage,
  main: (args) => refusingBadExercises('grade', () => grade(args)),
};

async function grade(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('grade', args, {
    source: { type: 'string' },
    submissions: { type: 'string' },
    out: { type: 'string' },
    ...gradingCommandOptions,
  });
  if (positionals.length > 0) throw new UsageError(`convlab grade: unexpected argument '${positionals[0]}'`);
  for (const name of ['source', 'submissions', 'out'] as const) {
    if (!values[name]) throw new UsageError(`convlab grade: --${name} DIR is required`);
  }
  const submissionsDir = values.submissions!;
  if (!fs.existsSync(submissionsDir) || !fs.statSync(submissionsDir).isDirectory()) {
    throw new UsageError(`convlab grade: --submissions ${submissionsDir} is not a folder`);
  }
  const exercises = loadExercises(expandNotebookArguments('grade', [values.source!]));
  const students = fs
    .readdirSync(submissionsDir, { withFileTypes: true })
    .filter((entry) => (entry.isDirectory() || entry.isSymbolicLink()) && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  const jobs: SubmissionJob[] = students.flatMap((student) =>
    exercises.map((exercise) => ({
      student,
      exercise,
      load: () =>
        loadSubmission(
          path.join(submissionsDir, student),
          path.join(submissionsDir, student, `${exercise.name}.ipynb`),
        ),
    })),
  );

  const session = await openGradingSession('grade', values);
  try {
    const expected = await teacherRuns(exercises, session.options).catch((error: unknown) => {
      if (!(error instanceof ExerciseFormatError)) throw error;
      throw new ExerciseFormatError(`cannot grade: ${error.message}\n(convlab validate checks the sources)`);
    });
    const grades = await gradeSubmissions(jobs, expected, session.options);
    const files = writeGrades(values.out!, exercises.map(exerciseSummary), grades, {
      boundary: session.boundary.boundary,
      missing: session.boundary.missing,
    });
    const pages = writeFeedback(values.out!, grades);
    process.stderr.write(
      `graded ${grades.filter((g) => g.status === 'graded').length} of ${grades.length} submission(s) ` +
        `(${students.length} student(s) × ${exercises.length} exercise(s)): ` +
        `${files.map((file) => path.relative(process.cwd(), file)).join(', ')}, ${pages.length} feedback page(s); ` +
        `grader peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`,
    );
    return 0;
  } finally {
    await session.close();
  }
}
