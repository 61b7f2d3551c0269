/**
 * `convlab start`: JupyterLab (or the classic Notebook where JupyterLab is not installed) on the
 * course's notebooks, for a student. `npm start` ends here after installing what is missing.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { repoRoot } from '../server';
import { exitOnSignals, isShuttingDown } from '../shutdown';
import { Command, openServer, parseCommandLine } from './command';

const usage = `usage: convlab start [--dir FOLDER] [--no-browser]

Starts JupyterLab (or the classic Notebook) on 127.0.0.1 with a random port and token, serving
the course's notebooks with the convlab TypeScript kernel, and prints the address to open.
Ctrl-C stops Jupyter and every kernel it started.

options:
  --dir FOLDER    folder to serve (default: the repository's notebooks/)
  --no-browser    do not open a web browser (always the case under CI or without a display)
  -h, --help      show this help`;

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
    });
    const rootDir = path.resolve(values.dir ?? path.join(repoRoot, 'notebooks'));
    // Ctrl-C is how a student stops Jupyter: a normal end, exit code 0.
    exitOnSignals({ exitCode: 0, message: 'convlab: stopping Jupyter and its kernels…' });

    // Jupyter's own log goes to stderr: a kernel that fails to start explains itself there.
    const log = (line: string) => process.stderr.write(`[jupyter] ${line}\n`);
    const server = await openServer('start', {}, { rootDir, app: 'lab', log });
    // Jupyter itself runs with --no-browser; we open the URL printed below.
    const url = server.browserUrl();
    const name =
      server.app === 'lab' ? 'JupyterLab' : server.app === 'notebook' ? 'Jupyter Notebook' : 'Jupyter Server';
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
