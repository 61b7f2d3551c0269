/**
 * The options `convlab grade` and `convlab validate` share, and the servers they grade on: a Jupyter
 * server of our own serving the repository (sandboxes live in its build/ folder), or the servers named
 * with `--server URL --token T` (repeatable).
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError, openServer, positiveNumber } from '../commands/command';
import { connectServer, repoRoot } from '../server';
import { EngineOptions } from './gradingEngine';
import { expectKernelDeaths } from '../kernelDeathNoise';
import { gradingKernelPath, sandboxParent } from './sandbox';

/** util.parseArgs options shared by grade and validate. */
export const gradingCommandOptions = {
  jobs: { type: 'string' },
  timeout: { type: 'string' },
  'max-output': { type: 'string' },
  memory: { type: 'string' },
  heap: { type: 'string' },
  server: { type: 'string', multiple: true },
  token: { type: 'string', multiple: true },
} as const;

/** Usage lines for those options. */
export const gradingCommandUsage = `  --jobs N            kernels at a time on each server (default 1)
  --timeout S         seconds a cell may run before the kernel is interrupted (default 60)
  --max-output BYTES  output one cell may send before it is stopped (default 1000000)
  --memory MB         resident memory a kernel may use before it is killed (default 1536)
  --heap MB           V8 heap limit of a kernel (default 512)
  --server URL        grade on this running Jupyter server instead of starting one; repeat it
                      to spread the work over several. Each must be started with
                      JUPYTER_PATH=<repository>:<repository>/kernels/grading (for the
                      convlab-grade kernel), serve the
                      current folder, and see the repository's build/ folder in it: run from
                      the repository root and start the servers there
  --token T           the token of each --server, in the same order`;

export interface GradingValues {
  jobs?: string;
  timeout?: string;
  'max-output'?: string;
  memory?: string;
  heap?: string;
  server?: string[];
  token?: string[];
}

export interface GradingSession {
  options: EngineOptions;
  close(): Promise<void>;
}

/**
 * Kernels start in sandboxes under the repository's build/, which a --server must serve: at the
 * same path relative to its root as relative to our current folder (how the runner names sessions).
 * Checked up front, because a kernel Jupyter cannot place fails only after a long wait.
 */
async function checkServersServeSandboxes(command: string, urls: string[], tokens: string[]): Promise<void> {
  const relative = path.relative(process.cwd(), sandboxParent);
  const advice =
    `convlab ${command}: run from the folder the Jupyter servers serve, and start them where they ` +
    `serve ${sandboxParent} (the repository root is simplest)`;
  if (relative.startsWith('..') || path.isAbsolute(relative))
    throw new UsageError(`${advice}; ${sandboxParent} is not below ${process.cwd()}`);
  fs.mkdirSync(sandboxParent, { recursive: true });
  for (let i = 0; i < urls.length; i++) {
    const base = urls[i].endsWith('/') ? urls[i] : `${urls[i]}/`;
    const route = relative.split(path.sep).map(encodeURIComponent).join('/');
    let status: number;
    try {
      status = (
        await fetch(`${base}api/contents/${route}?content=0`, {
          headers: { Authorization: `token ${tokens[i]}` },
        })
      ).status;
    } catch (error) {
      throw new UsageError(
        `convlab ${command}: cannot reach --server ${urls[i]}: ${(error as Error).message}`,
      );
    }
    if (status === 403 || status === 401)
      throw new UsageError(`convlab ${command}: --server ${urls[i]} refused the token`);
    if (status !== 200) throw new UsageError(`${advice}; ${urls[i]} has no ${relative}/ (HTTP ${status})`);
  }
}

/** Opens the servers (starting one when no --server is given); `close()` stops what it started. */
export async function openGradingSession(command: string, values: GradingValues): Promise<GradingSession> {
  expectKernelDeaths();
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

  if (urls.length > 0) await checkServersServeSandboxes(command, urls, tokens);
  const servers =
    urls.length > 0
      ? urls.map((url, i) => connectServer(url, tokens[i]))
      : // kernels start in sandboxes under build/: the server serves the repository
        [await openServer(command, {}, { rootDir: repoRoot, kernelPaths: [gradingKernelPath] })];
  return {
    options: { servers, jobs, timeoutSeconds, maxOutputBytes, limits, progress: true },
    close: async () => {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}
