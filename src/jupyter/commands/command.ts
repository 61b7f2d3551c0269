/**
 * What every `convlab` subcommand provides, and the option handling they share.
 * A new subcommand is one file exporting a `Command`, plus one line in `../cli.ts`'s table.
 */
import { availableParallelism } from 'os';
import { parseArgs, ParseArgsConfig } from 'util';
import { ExerciseFormatError } from '../grading/exerciseFormat';
import { ReleaseError } from '../grading/releaseExercises';
import { atShutdown } from '../shutdown';
import { JupyterServer, StartServerOptions, connectServer, startServer } from '../server';

export interface Command {
  name: string;
  /** One line for `convlab --help`. */
  summary: string;
  /** Full usage text for `convlab <name> --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  main(args: string[]): Promise<number>;
}

/** A mistake in how a command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** What `util.parseArgs` returns for these options: `values` typed by option, `positionals`. */
export type ParsedCommandLine<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/**
 * Runs a command's work. A mistake in a teacher's exercise notebooks (ExerciseFormatError) or a
 * release that would overwrite what it must not (ReleaseError) is the teacher's to fix: one line on
 * stderr naming the notebook, exit code 1, no usage text (the command line was right) and no stack.
 */
export async function refusingBadExercises(command: string, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    const problem =
      error instanceof ExerciseFormatError
        ? error.message
        : error instanceof ReleaseError
          ? error.problem
          : undefined;
    if (problem === undefined) throw error;
    process.stderr.write(`convlab ${command}: ${problem}\n`);
    return 1;
  }
}

/** `util.parseArgs` with errors turned into UsageErrors (unknown option, missing value). */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
): ParsedCommandLine<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`convlab ${command}: ${(error as Error).message}`);
  }
}

/** The `--server URL --token T` options every command that runs notebooks accepts. */
export const serverOptions = {
  server: { type: 'string' },
  token: { type: 'string' },
} as const;

/**
 * The environment for a server whose kernels run `jobs` notebooks at a time: each kernel's SIMD kernels
 * get an equal share of the cores (CONVLAB_THREADS), so that N kernels do not each start a worker per
 * core. A CONVLAB_THREADS the user set is kept.
 */
export function kernelThreadsEnv(jobs: number): Record<string, string> {
  if (process.env.CONVLAB_THREADS) return {};
  return { CONVLAB_THREADS: String(Math.max(1, Math.floor(availableParallelism() / jobs))) };
}

/**
 * Connects to `--server URL` or starts a server (`start.rootDir` is the folder it serves); either way the server is stopped
 * when the process shuts down (see shutdown.ts), and the caller should `stop()` it when done.
 */
export async function openServer(
  command: string,
  values: { server?: string; token?: string },
  start: StartServerOptions,
): Promise<JupyterServer> {
  if (values.server) {
    if (values.token === undefined) throw new UsageError(`convlab ${command}: --server needs --token`);
    return connectServer(values.server, values.token);
  }
  const server = await startServer(start);
  const unregister = atShutdown(() => server.stop());
  const stop = server.stop;
  server.stop = async () => {
    unregister();
    await stop();
  };
  return server;
}
