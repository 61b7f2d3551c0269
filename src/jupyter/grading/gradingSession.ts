/**
 * The options `convlab grade` and `convlab validate` share, and the servers and sandbox folder they
 * grade with: a Jupyter server of our own serving a fresh temporary folder, or the servers named with
 * `--server URL --token T` (repeatable).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError, openServer, positiveNumber } from '../commands/command';
import { JupyterServer, connectServer } from '../server';
import { EngineOptions } from './gradingEngine';
import { ignoreKernelReconnectRejections } from './kernelRestartRejection';

/**
 * @jupyterlab/services reports on the console what the grader expects to happen: the Python
 * traceback of a failed request (shutting down a session whose kernel died fails on jupyter_server
 * 1.x), "Connection lost" and "does not exist on the server" when a kernel dies or is shut down.
 * A submission's kernel dying is routine here, and the grader cleans up after it; that chatter would
 * only alarm the teacher. Anything else still reaches the console.
 */
const expectedChatter =
  /^(Traceback \(most recent call last\)|Connection lost, reconnecting|The kernel "[^"]*" does not exist on the server)/;
let quiet = false;
function quietServerChatter(): void {
  if (quiet) return;
  quiet = true;
  for (const level of ['error', 'warn', 'log'] as const) {
    const write = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && expectedChatter.test(args[0])) return;
      write(...args);
    };
  }
}

/** util.parseArgs options shared by grade and validate. */
export const gradingCommandOptions = {
  jobs: { type: 'string' },
  timeout: { type: 'string' },
  'max-output': { type: 'string' },
  memory: { type: 'string' },
  heap: { type: 'string' },
  server: { type: 'string', multiple: true },
  token: { type: 'string', multiple: true },
  work: { type: 'string' },
  'keep-work': { type: 'boolean' },
} as const;

/** Usage lines for those options. */
export const gradingCommandUsage = `  --jobs N            kernels at a time on each server (default 1)
  --timeout S         seconds a cell may run before the kernel is interrupted (default 60)
  --max-output BYTES  output one cell may send before it is stopped (default 1000000)
  --memory MB         resident memory a kernel may use before it is killed (default 1536)
  --heap MB           V8 heap limit of a kernel (default 512)
  --server URL        grade on this running Jupyter server instead of starting one; repeat it
                      to spread the work over several (each started with JUPYTER_PATH=<this
                      repository>, serving a folder that holds the current folder)
  --token T           the token of each --server, in the same order
  --work DIR          where the per-notebook sandbox folders go (default: a temporary folder;
                      with --server, .convlab-grading under the current folder)
  --keep-work         leave the work folder behind (sandbox folders are emptied as they finish)`;

export interface GradingValues {
  jobs?: string;
  timeout?: string;
  'max-output'?: string;
  memory?: string;
  heap?: string;
  server?: string[];
  token?: string[];
  work?: string;
  'keep-work'?: boolean;
}

export interface GradingSession {
  options: EngineOptions;
  close(): Promise<void>;
}

/** Opens the servers and the work folder; `close()` stops what it started and removes the folder. */
export async function openGradingSession(command: string, values: GradingValues): Promise<GradingSession> {
  ignoreKernelReconnectRejections();
  quietServerChatter();
  const urls = values.server ?? [];
  const tokens = values.token ?? [];
  if (urls.length !== tokens.length) {
    throw new UsageError(
      `convlab ${command}: give one --token per --server (got ${urls.length} --server, ${tokens.length} --token)`,
    );
  }
  const integer = (name: keyof GradingValues, fallback: number) =>
    Math.floor(positiveNumber(command, name, values[name] as string | undefined, fallback));
  const jobs = integer('jobs', 1);
  const timeoutSeconds = positiveNumber(command, 'timeout', values.timeout, 60);
  const maxOutputBytes = integer('max-output', 1_000_000);
  const limits = { memoryMb: integer('memory', 1536), heapMb: integer('heap', 512) };

  const workRoot = path.resolve(
    values.work ??
      (urls.length > 0
        ? path.join(process.cwd(), '.convlab-grading')
        : fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'convlab-grading-'))),
  );
  fs.mkdirSync(workRoot, { recursive: true });
  let servers: JupyterServer[];
  try {
    servers =
      urls.length > 0
        ? urls.map((url, i) => connectServer(url, tokens[i]))
        : [await openServer(command, {}, { rootDir: workRoot })];
  } catch (error) {
    if (!values['keep-work']) fs.rmSync(workRoot, { recursive: true, force: true });
    throw error;
  }
  return {
    options: { servers, jobs, workRoot, timeoutSeconds, maxOutputBytes, limits, progress: true },
    close: async () => {
      await Promise.all(servers.map((server) => server.stop()));
      if (!values['keep-work']) fs.rmSync(workRoot, { recursive: true, force: true });
    },
  };
}
