/**
 * `convlab start`: JupyterLab 4 (Notebook 7 with --notebook; the classic Notebook where neither is
 * installed) on the course's notebooks, for a student. `npm start` ends here after installing what
 * is missing (scripts/bootstrap.js: the project's .venv).
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { inspectJupyter } from '../findJupyter';
import { repoRoot } from '../server';
import { exitOnSignals, isShuttingDown } from '../shutdown';
import { Command, openServer, parseCommandLine } from './command';

/** The folder `convlab start` serves unless --dir names another ("the repository's notebooks/"). */
const defaultDir = path.join(repoRoot, 'notebooks');

const usage = `usage: convlab start [--notebook] [--dir FOLDER] [--no-browser]

Starts JupyterLab on 127.0.0.1 with a random port and token, serving the course's notebooks with
the convlab TypeScript kernel (the default kernel), and prints the address to open. Ctrl-C stops
Jupyter and every kernel it started.

options:
  --notebook      Notebook 7 (one notebook per tab) instead of JupyterLab
  --dir FOLDER    folder to serve (default: the repository's notebooks/)
  --no-browser    do not open a web browser (always the case under CI or without a display)
  -h, --help      show this help`;

/** The project's .venv (bootstrap.js installs JupyterLab 4 and Notebook 7 there), if it has them. */
function projectVenvJupyter() {
  const bin = process.platform === 'win32' ? 'Scripts' : 'bin';
  const jupyter = inspectJupyter(path.join(repoRoot, '.venv', bin, 'jupyter'));
  return jupyter?.apps.lab ? jupyter : undefined;
}

/** Opening a browser needs one to exist: not under CI, and on Linux only with a display. */
function canOpenBrowser(): boolean {
  if (process.env.CI) return false;
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

export const startCommand: Command = {
  name: 'start',
  summary: 'start JupyterLab / Notebook on the course notebooks (what `npm start` runs)',
  usage,
  async main(args) {
    const { values } = parseCommandLine('start', args, {
      dir: { type: 'string' },
      'no-browser': { type: 'boolean' },
      notebook: { type: 'boolean' },
    });
    const rootDir = path.resolve(values.dir ?? defaultDir);
    // Ctrl-C is how a student stops Jupyter: a normal end, exit code 0.
    exitOnSignals({ exitCode: 0, message: 'convlab: stopping Jupyter and its kernels…' });

    // Jupyter's own log goes to stderr: a kernel that fails to start explains itself there.
    const log = (line: string) => process.stderr.write(`[jupyter] ${line}\n`);
    const jupyter = process.env.CONVLAB_JUPYTER ? undefined : projectVenvJupyter();
    const app = values.notebook ? 'notebook' : 'lab';
    const server = await openServer('start', {}, { rootDir, app, log, ...(jupyter ? { jupyter } : {}) });
    // Jupyter itself runs with --no-browser; we open the URL printed below.
    const url = server.browserUrl();
    const version = (name: string) =>
      server.jupyter?.versions[name] ? ` ${server.jupyter.versions[name]}` : '';
    const name =
      server.app === 'lab'
        ? `JupyterLab${version('jupyterlab')}`
        : server.app === 'notebook'
          ? `Jupyter Notebook${version('notebook')}`
          : 'Jupyter Server';
    process.stdout.write(
      [
        '',
        `convlab: ${name} is serving ${path.relative(process.cwd(), rootDir) || rootDir}/ with the TypeScript (convlab) kernel.`,
        `  Open: ${url}`,
        '  Press Ctrl-C to stop it.',
        '',
      ].join('\n') + '\n',
    );
    if (canOpenBrowser() && !values['no-browser']) openBrowser(url);
    await server.exited;
    if (isShuttingDown()) return 0;
    process.stderr.write('convlab: Jupyter stopped by itself; see its log above.\n');
    return 1;
  },
};

/** Opens the URL in the desktop's browser; failing to is harmless (the URL is printed). */
function openBrowser(url: string): void {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener: the printed URL is enough.
  }
}
