/**
 * `convlab course`: executes every lecture notebook and exports a static site of the results.
 */
import * as path from 'path';
import { requireJupyter } from '../findJupyter';
import { coursePages, exportHtml, signNotebooks, writeCourseIndex } from '../exportHtml';
import { describeFailures, runNotebooks } from '../runNotebooks';
import { repoRoot } from '../server';
import { Command, kernelThreadsEnv, openServer, parseCommandLine, serverOptions } from './command';
import { expandNotebookArguments } from './expandNotebookArguments';
import { numberArguments, numberUsage, readNumbers } from './numberOptions';
import { notebookRunOptions } from './run';

const defaultOutDir = path.join('build', 'course');

const usage = `usage: convlab course [--out DIR] [options]

Executes every notebook in notebooks/ (exercises are not part of it), signs the executed copies
so Jupyter trusts their figures, and writes a static site: DIR/index.html and one HTML page per
notebook, figures drawing offline. Stops with a report at the first notebook that fails.

options:
  --out DIR       where the site goes (default ${defaultOutDir})
${numberUsage(notebookRunOptions, 18)}
  --server URL    use this running Jupyter server (started in the repository root)
  --token T       the token for --server
  -h, --help      show this help`;

export const courseCommand: Command = {
  name: 'course',
  summary: `execute notebooks/*.ipynb and export a static HTML site (${defaultOutDir}/)`,
  usage,
  async main(args) {
    const { values } = parseCommandLine('course', args, {
      out: { type: 'string' },
      ...numberArguments(notebookRunOptions),
      ...serverOptions,
    });
    const { timeout, jobs } = readNumbers('course', notebookRunOptions, values);
    const outDir = path.resolve(values.out ?? defaultOutDir);
    const files = expandNotebookArguments('course', [path.join(repoRoot, 'notebooks')]);
    const jupyter = requireJupyter();

    const server = await openServer('course', values, {
      rootDir: repoRoot,
      jupyter,
      env: kernelThreadsEnv(jobs),
    });
    let executed: string[];
    try {
      const runs = await runNotebooks(server, files, {
        outDir: path.join(outDir, 'notebooks'),
        timeoutSeconds: timeout,
        jobs,
      });
      const report = describeFailures(runs);
      if (report) {
        process.stderr.write(
          `\n${report}\n\nconvlab course: not exporting a course with failing notebooks\n`,
        );
        return 1;
      }
      executed = runs.map((run) => run.writtenTo!);
    } finally {
      await server.stop();
    }

    signNotebooks(jupyter, executed);
    exportHtml(jupyter, executed, outDir);
    const index = writeCourseIndex(outDir, coursePages(executed, outDir));
    process.stderr.write(
      `convlab course: ${executed.length} notebook(s) → ${path.relative(process.cwd(), index)}\n`,
    );
    return 0;
  },
};
