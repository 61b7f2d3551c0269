/**
 * The options `convlab grade` and `convlab validate` share, and the servers they grade on: a Jupyter
 * server of our own serving the repository (sandboxes live in its build/ folder), or the servers named
 * with `--server URL --token T` (repeatable). Also asks the grading kernel's launcher which boundary
 * this machine can build around a kernel, and says loudly what is missing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EngineOptions } from '../grading/gradingEngine';
import { BoundaryReport, boundaryWarning, probeBoundary } from '../grading/probeBoundary';
import { gradingKernelPath, gradingLauncher, sandboxParent } from '../grading/sandbox';
import { expectKernelDeaths } from '../kernelDeathNoise';
import { connectServer, repoRoot } from '../server';
import { UsageError, openServer } from './command';
import { NumberOptions, numberArguments, numberUsage, readNumbers } from './numberOptions';

/**
 * Every grading limit: its default, domain and help, in one place. `integer` options must be whole
 * numbers (`--heap 0.5` is a usage error, not 0).
 */
export const gradingLimitOptions = {
  jobs: { default: 1, integer: true, unit: 'N', help: 'kernels at a time on each server' },
  timeout: {
    default: 60,
    integer: false,
    unit: 'S',
    help: 'seconds a cell may run before the kernel is interrupted',
  },
  'submission-timeout': {
    default: 600,
    integer: false,
    unit: 'S',
    help: 'seconds all of one submission may take (kernel restarts included)',
  },
  'max-output': {
    default: 1_000_000,
    integer: true,
    unit: 'BYTES',
    help: 'output one cell may send before it is stopped',
  },
  'max-messages': {
    default: 2_000,
    integer: true,
    unit: 'N',
    help: 'output messages one cell may send before it is stopped',
  },
  'kernel-output': {
    default: 16_000_000,
    integer: true,
    unit: 'BYTES',
    help: 'output one kernel may send in all before it is killed (counted as it leaves the kernel)',
  },
  'kernel-messages': {
    default: 20_000,
    integer: true,
    unit: 'N',
    help: 'messages one kernel may send in all before it is killed',
  },
  memory: { default: 1536, integer: true, unit: 'MB', help: 'memory a kernel may use before it is killed' },
  heap: { default: 512, integer: true, unit: 'MB', help: 'V8 heap limit of a kernel' },
} satisfies NumberOptions;

type LimitName = keyof typeof gradingLimitOptions;

/** util.parseArgs options shared by grade and validate. */
export const gradingCommandOptions = {
  ...numberArguments(gradingLimitOptions),
  server: { type: 'string', multiple: true },
  token: { type: 'string', multiple: true },
} as const;

/** Usage lines for those options. */
export const gradingCommandUsage = [
  numberUsage(gradingLimitOptions, 30),
  `  --server URL                grade on this running Jupyter server instead of starting one; repeat it
                              to spread the work over several. Each must be started with
                              JUPYTER_PATH=<repository>:<repository>/kernels/grading (for the
                              convlab-grade kernel), serve the current folder, and see the
                              repository's build/ folder in it: run from the repository root and
                              start the servers there
  --token T                   the token of each --server, in the same order`,
].join('\n');

export type GradingValues = { [name in LimitName]?: string } & { server?: string[]; token?: string[] };

export interface GradingSession {
  options: EngineOptions;
  boundary: BoundaryReport;
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

/** The limits from the command line: each checked for its domain, the table's default where absent. */
export function readGradingLimits(command: string, values: GradingValues): { [name in LimitName]: number } {
  const limits = readNumbers(command, gradingLimitOptions, values);
  if (limits.heap > limits.memory) {
    throw new UsageError(
      `convlab ${command}: --heap ${limits.heap} is more than --memory ${limits.memory}: the heap lives in that memory`,
    );
  }
  return limits;
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
  const limits = readGradingLimits(command, values);
  const boundary = probeBoundary();
  process.stderr.write(boundaryWarning(boundary));

  if (urls.length > 0) await checkServersServeSandboxes(command, urls, tokens);
  const servers =
    urls.length > 0
      ? urls.map((url, i) => connectServer(url, tokens[i]))
      : // kernels start in sandboxes under build/: the server serves the repository
        [await openServer(command, {}, { rootDir: repoRoot, kernelPaths: [gradingKernelPath] })];
  return {
    boundary,
    options: {
      servers,
      jobs: limits.jobs,
      timeoutSeconds: limits.timeout,
      submissionSeconds: limits['submission-timeout'],
      maxOutputBytes: limits['max-output'],
      maxOutputMessages: limits['max-messages'],
      kernel: {
        boundary: boundary.boundary,
        heapMb: limits.heap,
        memoryMb: limits.memory,
        kernelOutputBytes: limits['kernel-output'],
        kernelOutputMessages: limits['kernel-messages'],
      },
      progress: true,
    },
    close: async () => {
      await Promise.all(servers.map((server) => server.stop()));
      // a launcher Jupyter killed outright leaves its (empty) control group behind
      spawnSync(process.execPath, [gradingLauncher, '--sweep'], { timeout: 30_000 });
    },
  };
}
