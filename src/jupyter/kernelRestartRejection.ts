/**
 * When Jupyter restarts a kernel that died (a cell called process.exit(), or ran out of memory),
 * @jupyterlab/services reconnects on its own, in a promise nobody holds
 * (KernelConnection._handleMessage: `void Promise.resolve().then(... await this.reconnect())`). The
 * runner then disposes the connection, and that promise rejects with "Kernel connection
 * disconnected". Unhandled, it would end `convlab run` with a stack trace, and the grader in the
 * middle of grading others — exactly what a submission calling process.exit() must not achieve.
 * This ignores that one rejection; any other still ends the process as Node would, unless the
 * program has its own handler.
 */
let installed = false;

export function ignoreKernelReconnectRejections(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    if (reason instanceof Error && reason.message === 'Kernel connection disconnected') return;
    // Node's default (crash with the reason) applies only while nobody listens: keep it, unless
    // the program listens too and so decides for itself.
    if (process.listenerCount('unhandledRejection') === 1) throw reason;
  });
}
