/**
 * A kernel dying — a cell calling process.exit(), running out of memory, a graded submission doing
 * either on purpose — is routine for the runner and the grader, which report it in their own words.
 * @jupyterlab/services reacts to it in two ways that would only alarm or stop the user:
 *
 * - It reconnects to the restarted kernel in a promise nobody holds
 *   (KernelConnection._handleMessage: `void Promise.resolve().then(... await this.reconnect())`).
 *   When the connection is disposed first, that promise rejects with "Kernel connection
 *   disconnected"; unhandled, it would end `convlab run` with a stack trace, and the grader in the
 *   middle of grading others. A kernel killed while it starts (a memory limit hit at once) does the
 *   same with its own kernel_info request: "Canceled future for kernel_info_request message …".
 * - It writes on the console: "Connection lost, reconnecting", "The kernel … does not exist on the
 *   server", "Session not found: Kernel … appears to have been culled or died unexpectedly", and the
 *   server's Python traceback of a request that failed (jupyter_server 1.x cannot
 *   delete a session whose kernel is restarting).
 *
 * `expectKernelDeaths()` ignores exactly those; any other rejection still ends the process as Node
 * would (unless the program has its own handler), and any other console line still shows.
 */
const chatter =
  /^(Traceback \(most recent call last\)|Connection lost, reconnecting|The kernel "[^"]*" does not exist on the server|Session not found: "Kernel '[^']*' appears to have been culled or died unexpectedly)/;

let installed = false;

export function expectKernelDeaths(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    if (
      reason instanceof Error &&
      (reason.message === 'Kernel connection disconnected' ||
        reason.message.startsWith('Canceled future for kernel_info_request message'))
    )
      return;
    // Node's default (crash with the reason) applies only while nobody listens: keep it, unless
    // the program listens too and so decides for itself.
    if (process.listenerCount('unhandledRejection') === 1) throw reason;
  });
  for (const level of ['error', 'warn', 'log'] as const) {
    const write = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && chatter.test(args[0])) return;
      write(...args);
    };
  }
}
