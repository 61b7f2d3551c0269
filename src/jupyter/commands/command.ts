/**
 * What every `convlab` subcommand provides, and the option handling they share.
 * A new subcommand is one file exporting a `Command`, plus one line in `../cli.ts`'s table.
 */
import { parseArgs, ParseArgsConfig } from 'util';
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

/** Parses a positive number option (`--timeout 30`, `--timeout 0.5`). */
export function positiveNumber(
  command: string,
  name: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new UsageError(`convlab ${command}: --${name} must be a positive number, got '${value}'`);
  }
  return number;
}

/** Parses a positive integer option (`--jobs 2`): `--jobs 0.5` is a usage error, not 0. */
export function positiveInteger(
  command: string,
  name: string,
  value: string | undefined,
  fallback: number,
): number {
  const number = positiveNumber(command, name, value, fallback);
  if (!Number.isSafeInteger(number)) {
    throw new UsageError(`convlab ${command}: --${name} must be a positive whole number, got '${value}'`);
  }
  return number;
}

/** The `--server URL --token T` options every command that runs notebooks accepts. */
export const serverOptions = {
  server: { type: 'string' },
  token: { type: 'string' },
} as const;

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
