/**
 * `convlab run NOTEBOOK...`: executes notebooks on a real Jupyter kernel and writes executed copies.
 */
import * as path from 'path';
import { commonFolder, describeFailures, runNotebooks } from '../runNotebooks';
import { defaultCellTimeoutSeconds } from '../runNotebook';
import {
  Command,
  UsageError,
  kernelThreadsEnv,
  openServer,
  parseCommandLine,
  serverOptions,
} from './command';
import { expandNotebookArguments } from './expandNotebookArguments';
import { NumberOptions, numberArguments, numberUsage, readNumbers } from './numberOptions';

/** The numeric options of `convlab run` and `convlab course`. */
export const notebookRunOptions = {
  timeout: {
    default: defaultCellTimeoutSeconds,
    integer: false,
    unit: 'S',
    help: 'seconds a cell may run before the kernel is interrupted',
  },
  jobs: { default: 1, integer: true, unit: 'N', help: 'run N notebooks at a time, one kernel each' },
} satisfies NumberOptions;

const defaultOutDir = path.join('build', 'executed');

const usage = `usage: convlab run NOTEBOOK|FOLDER... [options]

Executes each notebook's code cells in order on a fresh kernel started in the notebook's folder,
and writes the executed copy. The sources are left alone unless --inplace is given.

options:
  --out DIR         where executed copies go (default ${defaultOutDir})
  --inplace         write the outputs into the source notebooks instead
${numberUsage(notebookRunOptions, 20)}
  --allow-errors    keep running the cells after a failing one (still exits non-zero)
  --server URL      use this running Jupyter server instead of starting one
  --token T         the token for --server
  -h, --help        show this help`;

export const runCommand: Command = {
  name: 'run',
  summary: `execute notebooks and write executed copies (${defaultOutDir}/)`,
  usage,
  async main(args) {
    const { values, positionals } = parseCommandLine('run', args, {
      out: { type: 'string' },
      inplace: { type: 'boolean' },
      ...numberArguments(notebookRunOptions),
      'allow-errors': { type: 'boolean' },
      ...serverOptions,
    });
    if (positionals.length === 0) throw new UsageError('convlab run: name at least one notebook');
    const files = expandNotebookArguments('run', positionals);
    const { timeout, jobs } = readNumbers('run', notebookRunOptions, values);
    const outDir = values.out ?? defaultOutDir;

    const server = await openServer('run', values, {
      rootDir: commonFolder(files),
      env: kernelThreadsEnv(jobs),
    });
    try {
      const runs = await runNotebooks(server, files, {
        outDir,
        inplace: values.inplace,
        timeoutSeconds: timeout,
        jobs,
        allowErrors: values['allow-errors'],
      });
      const report = describeFailures(runs);
      if (report) {
        process.stderr.write(`\n${report}\n`);
        return 1;
      }
      const where = values.inplace ? 'in place' : `to ${outDir}/`;
      process.stderr.write(`ran ${runs.length} notebook(s), executed copies written ${where}\n`);
      return 0;
    } finally {
      await server.stop();
    }
  },
};
