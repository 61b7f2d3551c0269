/**
 * A Jupyter server's lifecycle: start one on loopback with a random port and token, wait until it
 * answers, and stop it and every kernel it started — or connect to one somebody else runs.
 */
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as net from 'net';
import * as path from 'path';
import { ServerConnection } from '@jupyterlab/services';
import { JupyterInstall, requireJupyter } from './findJupyter';
import { descendantPids, isAlive, signalQuietly } from './processTree';
import { sleep } from './sleep';

/** The repository root: `kernels/` lives here, and `JUPYTER_PATH` points at it. */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** A running Jupyter server the runner can talk to. */
export interface JupyterServer {
  /** Base URL, ending in `/`, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  token: string;
  /** The folder the server serves (session paths are relative to it); unknown for `connectServer`. */
  rootDir?: string;
  /** Which front end runs: `server` (no UI), `notebook` (classic UI or Notebook 7) or `lab`. */
  app: JupyterApp;
  /** The Jupyter install that runs it; unknown for `connectServer`. */
  jupyter?: JupyterInstall;
  /** Settings for @jupyterlab/services calls. */
  settings: ServerConnection.ISettings;
  /** A URL to open in a browser, with the token, e.g. `browserUrl('notebooks/x.ipynb')`. */
  browserUrl(relativePath?: string): string;
  /** Shuts the server and its kernels down (a no-op for a server we only connected to). */
  stop(): Promise<void>;
  /** Settles when the server process has ended (never, for a server we only connected to). */
  exited: Promise<void>;
}

export type JupyterApp = 'server' | 'notebook' | 'lab';

export interface StartServerOptions {
  /** Folder to serve; kernels start in the notebook's folder below it. */
  rootDir: string;
  /** Front end to run. Falls back to what is installed: lab → notebook → server. Default `server`. */
  app?: JupyterApp;
  /** Which Jupyter; found with `requireJupyter()` when omitted. */
  jupyter?: JupyterInstall;
  /** Let Jupyter open a web browser (for `npm start`). Default false. */
  openBrowser?: boolean;
  /** Extra environment for the server and its kernels. */
  env?: Record<string, string>;
  /** More folders whose `kernels/` Jupyter lists, after the repository's own (JUPYTER_PATH). */
  kernelPaths?: string[];
  /** Receives the server's log lines (default: kept quietly, shown if it fails to start). */
  log?: (line: string) => void;
  /** How long to wait for the server to answer. Default 60 s. */
  readyTimeoutMs?: number;
}

/** Settings for @jupyterlab/services; the token goes on WebSocket URLs too (`appendToken`). */
function makeSettings(url: string, token: string): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: 'ws' + url.slice('http'.length),
    token,
    appendToken: true,
  });
}

/** Connects to a server somebody else started (`--server URL --token T`). */
export function connectServer(url: string, token: string): JupyterServer {
  const base = url.endsWith('/') ? url : url + '/';
  return {
    url: base,
    token,
    app: 'server',
    settings: makeSettings(base, token),
    browserUrl: (relativePath = '') => `${base}${relativePath}?token=${token}`,
    stop: async () => undefined,
    exited: new Promise<void>(() => undefined),
  };
}

/** A free TCP port on loopback (the OS picks; we release it and hand it to Jupyter). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

/** The front end to run, given what is installed. */
function pickApp(wanted: JupyterApp, jupyter: JupyterInstall): JupyterApp {
  const order: JupyterApp[] =
    wanted === 'lab'
      ? ['lab', 'notebook', 'server']
      : wanted === 'notebook'
        ? ['notebook', 'lab', 'server']
        : ['server', 'notebook', 'lab'];
  const app = order.find((name) => jupyter.apps[name]);
  if (!app) throw new Error(`startServer: ${jupyter.command} has neither jupyter server, notebook nor lab`);
  return app;
}

/** Where a front end shows a file (or its file list, for ''). */
function uiRoute(app: JupyterApp, relativePath: string): string {
  if (app === 'lab') return relativePath === '' ? 'lab' : `lab/tree/${relativePath}`;
  if (app === 'notebook') return relativePath === '' ? 'tree' : `notebooks/${relativePath}`;
  return relativePath;
}

/** Signals that end a process by default; the server is stopped before they take effect. */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Starts a Jupyter server on 127.0.0.1 with a random port and token and waits until it answers. */
export async function startServer(options: StartServerOptions): Promise<JupyterServer> {
  const jupyter = options.jupyter ?? requireJupyter();
  const app = pickApp(options.app ?? 'server', jupyter);
  // A port can be taken between freePort() and Jupyter binding it; Jupyter then exits
  // (--port-retries=0 keeps it from silently moving elsewhere) and we try another.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(options, jupyter, app, await freePort());
    } catch (error) {
      lastError = error as Error;
      if (!/address already in use|port .* already|Errno 98/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError!;
}

async function launch(
  options: StartServerOptions,
  jupyter: JupyterInstall,
  app: JupyterApp,
  port: number,
): Promise<JupyterServer> {
  const token = randomBytes(24).toString('hex');
  const url = `http://127.0.0.1:${port}/`;
  const args = [
    app,
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--port-retries=0',
    `--notebook-dir=${path.resolve(options.rootDir)}`,
  ];
  if (!options.openBrowser) args.push('--no-browser');
  if (process.getuid?.() === 0) args.push('--allow-root');

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    // The token travels in the environment, not on the command line where `ps` shows it;
    // notebook 6, jupyter_server 1 and 2 all read JUPYTER_TOKEN.
    JUPYTER_TOKEN: token,
    // Jupyter finds kernels/convlab/kernel.json here; nothing is installed into the user's Jupyter.
    JUPYTER_PATH: [repoRoot, ...(options.kernelPaths ?? []), process.env.JUPYTER_PATH]
      .filter(Boolean)
      .join(path.delimiter),
    // The course's settings (jupyter-config/): the convlab kernel is the default and first in the
    // Launcher; JupyterLab asks no question about news and checks for no updates.
    JUPYTER_CONFIG_PATH: [path.join(repoRoot, 'jupyter-config'), process.env.JUPYTER_CONFIG_PATH]
      .filter(Boolean)
      .join(path.delimiter),
    // kernel.json runs `node`: make it this Node, not whatever comes first on PATH.
    PATH: [path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(path.delimiter),
  };

  // detached: the server gets its own process group, so a Ctrl-C in the terminal reaches only us
  // and we shut it down in order (kernels first) instead of Jupyter asking "Shutdown? (y/[n])".
  const child = spawn(jupyter.command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const logTail: string[] = [];
  const onLog = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      logTail.push(line);
      if (logTail.length > 40) logTail.shift();
      options.log?.(line);
    }
  };
  child.stdout!.on('data', onLog);
  child.stderr!.on('data', onLog);

  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      resolve();
    });
    child.on('error', (error) => {
      logTail.push(String(error));
      exited = true;
      resolve();
    });
  });

  // Remember the kernels as they appear, so they can be ended even if the server dies first.
  const knownPids = new Set<number>();
  const remember = () =>
    child.pid !== undefined && descendantPids(child.pid).forEach((pid) => knownPids.add(pid));
  const killEverythingNow = () => {
    if (child.pid === undefined) return;
    remember();
    if (!exited) signalQuietly(-child.pid, 'SIGKILL');
    for (const pid of knownPids) signalQuietly(pid, 'SIGKILL');
  };
  // Last resort when the process exits without stop() (an uncaught error, process.exit()).
  process.on('exit', killEverythingNow);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      remember();
      if (!exited && child.pid !== undefined) {
        // SIGTERM: Jupyter shuts its kernels down cleanly, then exits.
        signalQuietly(-child.pid, 'SIGTERM');
        // (unref: a timer left over after a quick exit must not keep Node running)
        await Promise.race([exitPromise, sleep(10_000, { unref: true })]);
      }
      killEverythingNow();
      // Give the kernels a moment to disappear from the process table.
      for (let i = 0; i < 50 && [...knownPids].some(isAlive); i++) await sleep(100);
      process.removeListener('exit', killEverythingNow);
      for (const signal of STOP_SIGNALS) process.removeListener(signal, onSignal);
    })();
    return stopping;
  };

  // The server is detached, so a Ctrl-C in the terminal does not reach it: if this process is
  // interrupted (a test run, a script), stop the server first, then let the signal do what it
  // would have done — unless somebody else handles it (the CLI), who then decides.
  const onSignal = (signal: NodeJS.Signals) => {
    void stop().finally(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  const settings = makeSettings(url, token);
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(
        `startServer: \`${jupyter.command} ${args.join(' ')}\` exited before answering.\n` +
          logTail.join('\n'),
      );
    }
    try {
      const response = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `startServer: no answer from ${url} within ${readyTimeoutMs} ms.\n${logTail.join('\n')}`,
      );
    }
    await sleep(100);
  }

  return {
    url,
    token,
    rootDir: path.resolve(options.rootDir),
    app,
    jupyter,
    settings,
    browserUrl: (relativePath = '') => `${url}${uiRoute(app, relativePath)}?token=${token}`,
    stop,
    exited: exitPromise,
  };
}
