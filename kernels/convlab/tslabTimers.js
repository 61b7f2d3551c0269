// A fix for tslab 1.0's compiler timers, loaded by launch.js before tslab.
//
// tslab compiles each cell with TypeScript's watch compiler and hands it a fake setTimeout with one
// slot: it runs that slot's callback itself, synchronously, when the next cell arrives, and throws
// "Unexpected pending rebuildTimer" if a second timer is set while the slot is taken. But TypeScript
// keeps two timers: one to rebuild the program and one to retry imports that failed. The second is
// set when a .ts/.js/.json file appears where an import once looked (say a student creates
// helper.ts after `import ... from './helper'` failed, or the grader writes into a sandbox). From
// then on every cell fails with that error until the kernel is restarted.
//
// The fix gives TypeScript a host whose timers queue up behind tslab's single slot: tslab's one
// callback runs them all, oldest first, including any that they set while running.
'use strict';
const Module = require('module');

const TYPESCRIPT = '@tslab/typescript-for-tslab';

/** Makes `host.setTimeout`/`clearTimeout` share the one timer slot the host had. */
function shareOneTimerSlot(host) {
  const setSlot = host.setTimeout;
  const clearSlot = host.clearTimeout;
  if (!setSlot || !clearSlot) return host;
  const queue = []; // timers TypeScript has set and not cleared, oldest first
  let slot = null; // tslab's timer, while the queue waits for it
  let running = false;

  function runQueue() {
    const firing = slot;
    slot = null; // tslab empties its slot when this returns
    running = true;
    try {
      while (queue.length > 0) queue.shift().callback();
    } catch (error) {
      // tslab empties its slot only when this returns normally. Empty it here, or after one error
      // (a failed rebuild) every later cell would fail with "Unexpected pending rebuildTimer"
      // instead of this cell alone failing with the real error.
      clearSlot(firing);
      throw error;
    } finally {
      running = false;
    }
  }

  host.setTimeout = (callback) => {
    const timer = { callback };
    queue.push(timer);
    if (!slot && !running) slot = setSlot(runQueue, 0);
    return timer;
  };
  host.clearTimeout = (timer) => {
    const index = queue.indexOf(timer);
    if (index >= 0) queue.splice(index, 1);
    if (queue.length === 0 && slot) {
      clearSlot(slot);
      slot = null;
    }
  };
  return host;
}

/**
 * Installs the fix: tslab's converter gets a TypeScript whose createWatchCompilerHost returns a
 * host with shared timers. (TypeScript's exports are read-only getters, so the converter is
 * handed a view of the module rather than a patched module.)
 */
function installTslabTimerFix() {
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const exported = load.call(this, request, parent, isMain);
    const fromConverter = parent && /[\\/]tslab[\\/]dist[\\/]converter\.js$/.test(parent.filename);
    if (request !== TYPESCRIPT || !fromConverter) return exported;
    const createWatchCompilerHost = (...args) => shareOneTimerSlot(exported.createWatchCompilerHost(...args));
    return new Proxy(exported, {
      get: (target, key) => (key === 'createWatchCompilerHost' ? createWatchCompilerHost : target[key]),
    });
  };
}

module.exports = { installTslabTimerFix, shareOneTimerSlot };
