/**
 * `convlab run NOTEBOOK...`: executes notebooks on a real Jupyter kernel and writes executed copies.
 */
import * as fs from 'fs';
import * as path from 'path';
import { commonFolder, describeFailures, runNotebooks } from '../runNotebooks';
import {
  Command,
  UsageError,
  openServer,
  parseCommandLine,
  positiveInteger,
  positiveNumber,
  serverOptions,
} from './command';

const usage = `usage: convlab run NOTEBOOK|FOLDER... [options]

Executes each notebook's code cells in order on a fresh kernel started in the notebook's folder,
and writes the executed copy. The sources are left alone unless --inplace is given.

options:
  --out DIR         where executed copies go (default build/executed)
  --inplace         write the outputs into the source notebooks instead
  --timeout S       seconds a cell may run before the kernel is interrupted (default 300)
  --jobs N          run N notebooks at a time, one kernel each (default 1)
  --allow-errors    keep running the cells after a failing one (still exits non-zero)
  --server URL      use this running Jupyter server instead of starting one
  --token T         the token for --server
  -h, --help        show this help`;

/** Notebook arguments: files as given; a folder means the .ipynb files directly inside it. */
export function expandNotebookArguments(command: string, args: string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (!fs.existsSync(arg)) throw new UsageError(`convlab ${command}: no such notebook or folder: ${arg}`);
    if (fs.statSync(arg).isDirectory()) {
      const inside = fs
        .readdirSync(arg)
        .filter((name) => name.endsWith('.ipynb'))
        .sort()
        .map((name) => path.join(arg, name));
      if (inside.length === 0) throw new UsageError(`convlab ${command}: no .ipynb files in ${arg}`);
      files.push(...inside);
    } else {
      files.push(arg);
    }
  }
  return files;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'execute notebooks and write executed copies (build/executed/)',
  usage,
  async main(args) {
    const { values, positionals } = parseCommandLine('run', args, {
      out: { type: 'string' },
      inplace: { type: 'boolean' },
      timeout: { type: 'string' },
      jobs: { type: 'string' },
      'allow-errors': { type: 'boolean' },
      ...serverOptions,
    });
    if (positionals.length === 0) throw new UsageError('convlab run: name at least one notebook');
    const files = expandNotebookArguments('run', positionals);
    const timeoutSeconds = positiveNumber('run', 'timeout', values.timeout, 300);
    const jobs = positiveInteger('run', 'jobs', values.jobs, 1);

    const server = await openServer('run', values, { rootDir: commonFolder(files) });
    try {
      const runs = await runNotebooks(server, files, {
        outDir: values.out ?? path.join('build', 'executed'),
        inplace: values.inplace,
        timeoutSeconds,
        jobs,
        allowErrors: values['allow-errors'],
      });
      const report = describeFailures(runs);
      if (report) {
        process.stderr.write(`\n${report}\n`);
        return 1;
      }
      const where = values.inplace ? 'in place' : `to ${values.out ?? path.join('build', 'executed')}/`;
      process.stderr.write(`ran ${runs.length} notebook(s), executed copies written ${where}\n`);
      return 0;
    } finally {
      await server.stop();
    }
  },
};
