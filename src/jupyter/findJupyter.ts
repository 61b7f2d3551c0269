/**
 * Finds a working Jupyter install. The order matters on real machines: a pyenv `python3` or
 * `jupyter` shim can come first on PATH and fail, so every candidate is run once (`jupyter
 * --version`) and the first one that answers and can serve notebooks wins.
 * `scripts/bootstrap.js` does the same search (it has to run before `npm install`) and passes its
 * answer on in `CONVLAB_JUPYTER`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What `jupyter --version` says is installed next to a `jupyter` command. */
export interface JupyterInstall {
  /** Absolute path of the `jupyter` command. */
  command: string;
  /** The Python that runs it (for `python -m nbformat.sign`). */
  python: string;
  /** Which front ends are installed: `jupyter lab`, `jupyter notebook`, `jupyter server`. */
  apps: { lab: boolean; notebook: boolean; server: boolean; nbconvert: boolean };
  /** Component versions as printed by `jupyter --version`, e.g. `{ notebook: '6.4.12' }`. */
  versions: Record<string, string>;
}

/** Where to look, best first. Missing and duplicate paths are dropped later. */
function candidates(): string[] {
  const found: string[] = [];
  if (process.env.CONVLAB_JUPYTER) found.push(process.env.CONVLAB_JUPYTER);
  if (process.env.CONDA_PREFIX) found.push(path.join(process.env.CONDA_PREFIX, 'bin', 'jupyter'));
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir) found.push(path.join(dir, 'jupyter'));
  }
  found.push(
    '/usr/bin/jupyter',
    '/usr/local/bin/jupyter',
    path.join(os.homedir(), '.local', 'bin', 'jupyter'),
  );
  return found;
}

/** Parses `jupyter --version` lines like `notebook         : 6.4.12` (skips "not installed"). */
export function parseJupyterVersions(text: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([\w-]+)\s*:\s*(\S+)\s*$/.exec(line);
    if (match && match[2] !== 'not') versions[match[1].replace(/-/g, '_')] = match[2];
  }
  return versions;
}

/** The Python interpreter named in a script's `#!` line, or `python3` beside it. */
function pythonOf(command: string): string {
  try {
    const firstLine = fs.readFileSync(command, 'utf8').slice(0, 300).split('\n')[0];
    const match = /^#!\s*(\S*python[\d.]*)\s*$/.exec(firstLine);
    if (match && fs.existsSync(match[1])) return match[1];
  } catch {
    // A binary launcher (conda on Windows, some shims): fall through.
  }
  const beside = path.join(path.dirname(command), 'python3');
  return fs.existsSync(beside) ? beside : 'python3';
}

/** Checks one `jupyter` command; undefined when it is missing or does not run. */
export function inspectJupyter(command: string): JupyterInstall | undefined {
  if (!fs.existsSync(command)) return undefined;
  const result = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) return undefined;
  const versions = parseJupyterVersions(result.stdout);
  const apps = {
    lab: 'jupyterlab' in versions,
    notebook: 'notebook' in versions,
    server: 'jupyter_server' in versions,
    nbconvert: 'nbconvert' in versions,
  };
  return { command, python: pythonOf(command), apps, versions };
}

/** The first working Jupyter that can serve notebooks, or undefined when there is none. */
export function findJupyter(): JupyterInstall | undefined {
  const seen = new Set<string>();
  for (const command of candidates()) {
    let real: string;
    try {
      real = fs.realpathSync(command);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const install = inspectJupyter(command);
    if (install && (install.apps.server || install.apps.notebook || install.apps.lab)) return install;
  }
  return undefined;
}

/** Like findJupyter, but throws a message that says what to install. */
export function requireJupyter(): JupyterInstall {
  const install = findJupyter();
  if (!install) {
    throw new Error(
      'findJupyter: no working Jupyter found (looked at $CONVLAB_JUPYTER, $CONDA_PREFIX/bin, PATH, ' +
        '/usr/bin, ~/.local/bin). Install one: `npm start` does it on Debian/Ubuntu, or ' +
        '`conda env create -f environment.yml`, or `python3 -m pip install --user jupyterlab`.',
    );
  }
  return install;
}
