/**
 * Runs `release` as soon as the running cell's synchronous code has ended, however it ended: in a
 * microtask. A Jupyter interrupt stops a cell without running \`finally\` (tslab's breakOnSigint), so
 * state that a call sets for its duration (stepBuffers.ts's active buffers, threads.ts's kernels on this
 * thread) is also let go here. At most one microtask per `release` is queued at a time: one per cell,
 * not one per training step (a queued microtask holds its closure until the cell ends).
 */
const queued = new Set<() => void>();

export function atCellEnd(release: () => void): void {
  if (queued.has(release)) return;
  queued.add(release);
  queueMicrotask(() => {
    queued.delete(release);
    release();
  });
}
