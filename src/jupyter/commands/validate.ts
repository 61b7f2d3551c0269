/**
 * `convlab validate SOURCE...`: checks that exercise notebooks can be graded.
 */
import { gradeSubmissions, loadExercises, teacherRuns } from '../grading/gradingEngine';
import { gradingCommandOptions, gradingCommandUsage, openGradingSession } from './gradingSession';
import { Command, UsageError, parseCommandLine, refusingBadExercises } from './command';
import { expandNotebookArguments } from './expandNotebookArguments';

const usage = `usage: convlab validate SOURCE... [options]

Checks source (teacher) exercise notebooks: metadata and markers are well formed; the teacher's
solution passes every test and each test records at least one value; graded again in a fresh
kernel the solution gets full points (so every recorded value is reproducible); and the released
version (solutions stubbed, hidden tests removed) scores zero. SOURCE is a notebook or a folder.

options:
${gradingCommandUsage}
  -h, --help          show this help`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check exercise notebooks: solutions get full points, released versions get zero',
  usage,
  main: (args) => refusingBadExercises('validate', () => validate(args)),
};

async function validate(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('validate', args, gradingCommandOptions);
  if (positionals.length === 0) throw new UsageError('convlab validate: name at least one source notebook');
  const exercises = loadExercises(expandNotebookArguments('validate', positionals));
  const session = await openGradingSession('validate', values);
  try {
    const expected = await teacherRuns(exercises, session.options);
    const grades = await gradeSubmissions(
      exercises.flatMap((exercise) => [
        { student: 'solution', exercise, load: () => exercise.source },
        { student: 'released', exercise, load: () => exercise.released },
      ]),
      expected,
      session.options,
    );
    const lines: string[] = [];
    let ok = true;
    for (const exercise of exercises) {
      const solution = grades.find((g) => g.exercise === exercise.name && g.student === 'solution')!;
      const released = grades.find((g) => g.exercise === exercise.name && g.student === 'released')!;
      const good = solution.total === exercise.maxPoints && released.total === 0;
      ok &&= good;
      lines.push(
        `${good ? '✓' : '✗'} ${exercise.name}: solution ${solution.total}/${exercise.maxPoints}, released ${released.total}/${exercise.maxPoints}`,
      );
      for (const test of solution.tests.filter((t) => !t.passed)) {
        lines.push(`    solution fails test '${test.id}' on a second run: ${test.message}`);
      }
      for (const test of released.tests.filter((t) => t.passed)) {
        lines.push(`    test '${test.id}' gives ${test.points} point(s) to the released (unsolved) notebook`);
      }
    }
    process.stderr.write(lines.join('\n') + '\n');
    return ok ? 0 : 1;
  } finally {
    await session.close();
  }
}
