/**
 * Clean shutdown for the CLI: whatever ends a command — success, an error, Ctrl-C (SIGINT),
 * SIGTERM, a closed terminal (SIGHUP) — the Jupyter servers and kernels it started are stopped.
 * Only the CLI installs the signal handlers; library callers stop their servers themselves.
 */
import * as os from 'os';

type Cleanup = () => Promise<void> | void;

const cleanups = new Set<Cleanup>();
let shuttingDown = false;

/** Registers work to do before the process exits; returns a function that unregisters it. */
export function atShutdown(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

let cleaning: Promise<void> = Promise.resolve();

/** Runs (and forgets) every registered cleanup; also waits for cleanups already under way. */
export function runCleanups(): Promise<void> {
  const pending = [...cleanups];
  cleanups.clear();
  const now = Promise.allSettled(pending.map(async (cleanup) => cleanup()));
  cleaning = Promise.all([cleaning, now]).then(() => undefined);
  return cleaning;
}

/** True once SIGINT/SIGTERM/SIGHUP started a shutdown (so a server ending is expected). */
export function isShuttingDown(): boolean {
  return shuttingDown;
}

interface SignalExit {
  exitCode?: number;
  message?: string;
}
let signalExit: SignalExit | undefined;

/**
 * On SIGINT/SIGTERM/SIGHUP: run the cleanups, then exit with 128 + signal number (the shell's
 * convention), or with `exitCode` when stopping by signal is the normal way out (`convlab start`).
 * Calling it again only changes the exit code and message.
 */
export function exitOnSignals(options: SignalExit = {}): void {
  const installed = signalExit !== undefined;
  signalExit = options;
  if (installed) return;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // A second Ctrl-C while shutting down is ignored: the cleanups kill what is left for sure.
      if (shuttingDown) return;
      shuttingDown = true;
      const { exitCode, message } = signalExit ?? {};
      process.stderr.write(`\n${message ?? `convlab: ${signal}, stopping the Jupyter server and kernels`}\n`);
      void runCleanups().finally(() => process.exit(exitCode ?? 128 + os.constants.signals[signal]));
    });
  }
}
