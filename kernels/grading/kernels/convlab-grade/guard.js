// Preloaded (`node --require`) into the grading kernel before tslab and any student code runs.
// Node's permission model does not cover signals: without this, code in a submission could
// `process.kill()` the Jupyter server, the grader or other students' kernels (same user). Every
// path from JavaScript to the kill system call goes through `process._kill`; it is replaced for
// good (not writable, not configurable) and the original stays in this closure only.
'use strict';
const ownPid = process.pid;
const parentPid = process.ppid;
const rawKill = process._kill;

function guardedKill(pid, signal) {
  if (pid !== ownPid) {
    const error = new Error(`convlab sandbox: a grading kernel may not signal other processes (pid ${pid})`);
    error.code = 'ERR_ACCESS_DENIED';
    throw error;
  }
  return rawKill.call(process, pid, signal);
}
Object.defineProperty(process, '_kill', {
  value: guardedKill,
  writable: false,
  configurable: false,
  enumerable: false,
});

// The launcher watches this kernel; if the launcher is gone, so is the reason to run.
setInterval(() => {
  if (process.ppid !== parentPid) rawKill.call(process, ownPid, 9);
}, 1000).unref();
