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

// Node's permission model makes fs.watch and fs.watchFile throw for a path the kernel may not read.
// TypeScript (inside tslab) watches folders up the tree where a node_modules might appear, e.g.
// /home/node_modules for a repository cloned to /home/alice/convlab; it calls fs.watchFile without a
// try/catch, and the throw leaves tslab's compiler stuck, so every later cell fails (seen when the
// repository sits two or more folders below /). A file the kernel may not read can never be
// imported, so such a watch has nothing to report: it gets a watcher that never fires.
const fs = require('fs');
const { EventEmitter } = require('events');

/** What fs.watch and fs.watchFile return, minus the events: close, ref and unref do nothing. */
function silentWatcher() {
  const watcher = new EventEmitter();
  watcher.close = () => undefined;
  watcher.ref = () => watcher;
  watcher.unref = () => watcher;
  return watcher;
}

for (const name of ['watch', 'watchFile']) {
  const watch = fs[name];
  fs[name] = function (...args) {
    try {
      return watch.apply(this, args);
    } catch (error) {
      if (error && error.code === 'ERR_ACCESS_DENIED') return silentWatcher();
      throw error;
    }
  };
}
