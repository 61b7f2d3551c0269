/**
 * `convlab release SOURCE... --out DIR`: the student versions of exercise notebooks.
 */
import * as path from 'path';
import { releaseExercises } from '../grading/releaseExercises';
import { Command, UsageError, parseCommandLine, refusingBadExercises } from './command';
import { expandNotebookArguments } from './expandNotebookArguments';

const usage = `usage: convlab release SOURCE... --out DIR [--force]

Writes the student version of each source (teacher) exercise notebook into DIR: every
// BEGIN SOLUTION … // END SOLUTION region becomes "// YOUR CODE HERE" and a throw, every
// BEGIN HIDDEN TESTS … // END HIDDEN TESTS region is removed, outputs are cleared, and the
checksums of the teacher's cells go into the notebooks and DIR/release-manifest.json.
SOURCE is a notebook or a folder of them. The sources are never modified.

options:
  --out DIR     where the student versions go (required)
  --force       overwrite notebooks already in DIR
  -h, --help    show this help`;

async function release(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('release', args, {
    out: { type: 'string' },
    force: { type: 'boolean' },
  });
  if (positionals.length === 0) throw new UsageError('convlab release: name at least one source notebook');
  if (!values.out) throw new UsageError('convlab release: --out DIR is required');
  const sources = expandNotebookArguments('release', positionals);
  const result = releaseExercises(sources, values.out, { force: values.force });
  for (const file of result.notebooks)
    process.stderr.write(`released ${path.relative(process.cwd(), file) || file}\n`);
  process.stderr.write(`manifest ${path.relative(process.cwd(), result.manifest) || result.manifest}\n`);
  return 0;
}

export const releaseCommand: Command = {
  name: 'release',
  summary: 'write student versions of exercise notebooks (solutions and hidden tests removed)',
  usage,
  main: (args) => refusingBadExercises('release', () => release(args)),
};
