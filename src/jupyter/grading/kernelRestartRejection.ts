/**
 * When Jupyter restarts a kernel that died, @jupyterlab/services reconnects on its own, in a promise
 * nobody holds; the runner then disposes the connection and that promise rejects with "Kernel
 * connection disconnected". Unhandled, it would end the grader in the middle of grading others —
 * exactly what a submission calling process.exit() must not achieve. This ignores that one
 * rejection; any other still ends the process as Node would.
 */
let installed = false;

export function ignoreKernelReconnectRejections(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    if (reason instanceof Error && reason.message === 'Kernel connection disconnected') return;
    throw reason;
  });
}
