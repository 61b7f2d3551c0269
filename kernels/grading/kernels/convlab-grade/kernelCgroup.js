// A control group for one grading kernel: a hard memory limit (typed arrays and native memory
// included, which V8's heap limit does not see) and a limit on processes and threads (a fork bomb
// from native code stops at it). cgroup v2 where the unified hierarchy is mounted with the memory
// and pids controllers delegated to us, else cgroup v1's memory and pids hierarchies. Needs the
// right to create groups (root, or a delegated subtree); `createKernelCgroup` returns null otherwise
// and the launcher falls back to watching resident memory (see launch.js).
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = '/sys/fs/cgroup';
const PREFIX = 'convlab-kernel-';

/** This process's group in a hierarchy: v1 lines read `N:controller:/path`, v2 `0::/path`. */
function ownGroup(controller) {
  let lines;
  try {
    lines = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  } catch {
    return null;
  }
  for (const line of lines) {
    const [, controllers, group] = line.split(':');
    if (group === undefined) continue;
    if (controller === '' ? controllers === '' : controllers.split(',').includes(controller)) return group;
  }
  return null;
}

function writable(dir) {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether the launcher that made a group (its pid is in the group's name) still runs. */
function launcherAlive(name) {
  const pid = Number(name.slice(PREFIX.length));
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code !== 'ESRCH';
  }
}

/**
 * Removes empty groups left by launchers that were killed before they could (rmdir refuses a group
 * that still has processes). A live launcher's group may be empty for a moment, before its kernel
 * joins: it is left alone.
 */
function sweep(parent) {
  let entries = [];
  try {
    entries = fs.readdirSync(parent).filter((name) => name.startsWith(PREFIX) && !launcherAlive(name));
  } catch {
    return;
  }
  for (const name of entries) {
    try {
      fs.rmdirSync(path.join(parent, name));
    } catch {
      // still in use, or not ours to remove
    }
  }
}

/** The folders a new group goes under, one per hierarchy, or null when we cannot create groups. */
function parents() {
  const unified = ownGroup('');
  if (unified !== null && fs.existsSync(path.join(ROOT, 'cgroup.controllers'))) {
    const parent = path.join(ROOT, unified);
    const enabled = fs.existsSync(path.join(parent, 'cgroup.subtree_control'))
      ? fs.readFileSync(path.join(parent, 'cgroup.subtree_control'), 'utf8')
      : '';
    if (writable(parent) && /\bmemory\b/.test(enabled) && /\bpids\b/.test(enabled))
      return { version: 2, memory: parent, pids: parent };
    return null;
  }
  const memory = ownGroup('memory');
  const pids = ownGroup('pids');
  if (memory === null || pids === null) return null;
  const v1 = {
    version: 1,
    memory: path.join(ROOT, 'memory', memory),
    pids: path.join(ROOT, 'pids', pids),
  };
  return writable(v1.memory) && writable(v1.pids) ? v1 : null;
}

/**
 * Creates the group (or groups, in v1) with the limits. Returns
 * { version, procsFiles: [...], oomKills(), kill(), remove() } or null.
 */
function createKernelCgroup({ name, memoryBytes, maxTasks }) {
  const where = parents();
  if (!where) return null;
  const groups = [...new Set([where.memory, where.pids])].map((parent) => {
    sweep(parent);
    return path.join(parent, `${PREFIX}${name}`);
  });
  try {
    for (const group of groups) fs.mkdirSync(group);
    if (where.version === 2) {
      fs.writeFileSync(path.join(groups[0], 'memory.max'), String(memoryBytes));
      fs.writeFileSync(path.join(groups[0], 'memory.swap.max'), '0');
      fs.writeFileSync(path.join(groups[0], 'pids.max'), String(maxTasks));
    } else {
      const [memory, pids] = groups;
      fs.writeFileSync(path.join(memory, 'memory.limit_in_bytes'), String(memoryBytes));
      try {
        fs.writeFileSync(path.join(memory, 'memory.memsw.limit_in_bytes'), String(memoryBytes));
      } catch {
        // no swap accounting: the memory limit alone
      }
      fs.writeFileSync(path.join(pids, 'pids.max'), String(maxTasks));
    }
  } catch (error) {
    groups.forEach(tryRmdir);
    return { error: error.message };
  }
  const memoryGroup = groups[0];
  return {
    version: where.version,
    /** Writing a pid into each of these puts that process (and its future children) in the group. */
    procsFiles: groups.map((group) => path.join(group, 'cgroup.procs')),
    /** How often the kernel hit the memory limit and had a process killed for it. */
    oomKills() {
      try {
        const file = where.version === 2 ? 'memory.events' : 'memory.oom_control';
        const match = /^oom_kill (\d+)$/m.exec(fs.readFileSync(path.join(memoryGroup, file), 'utf8'));
        if (match) return Number(match[1]);
        // old v1 kernels have no oom_kill line: any failure to charge memory counts
        return where.version === 1
          ? Number(fs.readFileSync(path.join(memoryGroup, 'memory.failcnt'), 'utf8')) > 0
            ? 1
            : 0
          : 0;
      } catch {
        return 0;
      }
    },
    /** SIGKILL to every process in the group. */
    kill() {
      for (const group of groups) {
        try {
          if (where.version === 2 && fs.existsSync(path.join(group, 'cgroup.kill'))) {
            fs.writeFileSync(path.join(group, 'cgroup.kill'), '1');
            continue;
          }
          for (const pid of fs.readFileSync(path.join(group, 'cgroup.procs'), 'utf8').split('\n')) {
            if (pid) {
              try {
                process.kill(Number(pid), 'SIGKILL');
              } catch {
                // already gone
              }
            }
          }
        } catch {
          // the group is gone
        }
      }
    },
    /** Removes the groups once their processes are gone (retrying briefly while they exit). */
    remove() {
      for (const group of groups) tryRmdir(group);
    },
  };
}

function tryRmdir(group) {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      fs.rmdirSync(group);
      return;
    } catch (error) {
      if (error.code === 'ENOENT') return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * Removes the groups of launchers that are gone: a launcher killed outright (SIGKILL, as Jupyter
 * ends a kernel that does not stop in time) cannot remove its own. The grader calls this when it is
 * done (`launch.js --sweep`); each new launcher does it too.
 */
function sweepKernelCgroups() {
  const where = parents();
  if (where) [...new Set([where.memory, where.pids])].forEach(sweep);
}

module.exports = { createKernelCgroup, sweepKernelCgroups };
