/**
 * Resolves after `ms` milliseconds. With `unref` the timer does not keep Node running: use it for a
 * deadline to race against, which may be left pending (a cell's timeout would otherwise hold a
 * finished run, or any caller, open until it fires).
 */
export function sleep(ms: number, options: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (options.unref) timer.unref();
  });
}
