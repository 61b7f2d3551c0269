#!/usr/bin/env node
// The grading kernel's launcher, used by `convlab grade` and `convlab validate` (see
// src/jupyter/grading/sandbox.ts, which prepares the folder this kernel runs in, and the README's
// threat model).
//
// Jupyter runs `node {resource_dir}/launch.js {connection_file}` in the notebook's folder, which is
// <sandbox>/notebooks/exercises. This launcher is trusted: it reads the connection file and the
// sandbox's settings, then starts the real kernel (the same tslab the `convlab` kernel runs) in a
// second Node process, inside one of two boundaries the grader chose (settings.boundary):
//
// 'bubblewrap' — the OS boundary. bwrap gives the kernel its own mount, PID, network, IPC, UTS,
//   cgroup and user namespaces, no capabilities, no new user namespaces, and a seccomp filter
//   (seccompFilter.js). Its file system is empty but for read-only system folders and, under
//   /course, read-only views of the repository's node_modules/, dist/ and data/, the kernel's own
//   files, and one writable folder, /course/run, for its ZeroMQ sockets. It has no network at all:
//   Jupyter reaches it through kernelProxy.js, which joins Jupyter's TCP ports to those sockets and
//   stops a kernel that floods. A control group (kernelCgroup.js) caps its memory and processes.
//   Native code inside (zeromq, which tslab needs) can do no more than the kernel can.
// 'node' — the fallback where bubblewrap cannot run, with the protections the grader reports as
//   missing: Node's permission model alone, which native code ignores.
//
// In both, inside the kernel: Node's permission model (read only the course files, write nowhere,
// no processes or workers), guard.js preloaded (signals, native modules, forbidden functions), a
// clean environment, a V8 heap limit.
//
// `node launch.js --probe` prints which protections this machine can give, as JSON (the grader
// asks once per run); `node launch.js --sweep` removes the control groups of launchers that are gone.
'use strict';
const { execFileSync, spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { createKernelCgroup, sweepKernelCgroups } = require('./kernelCgroup');
const { startKernelProxy } = require('./kernelProxy');
const { seccompFilter } = require('./seccompFilter');

const SETTINGS_FILE = 'convlab-sandbox.json';
/** Written by this launcher when it stops the kernel; the grader reads the reason from it. */
const STOPPED_FILE = 'stopped.json';
// This kernelspec sits in kernels/grading/kernels/ so that only the grader's Jupyter lists it (its
// JUPYTER_PATH adds kernels/grading); students' kernel lists show the convlab kernel alone.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
/** Where the course appears inside the bubblewrap boundary. */
const COURSE = '/course';
/** Threads and processes a kernel may have: Node needs about 12; native code gets no fork bomb. */
const MAX_TASKS = 64;
const bwrapCommand = process.env.CONVLAB_BWRAP || 'bwrap';

function fail(message) {
  console.error(`convlab grading kernel: ${message}`);
  process.exit(2);
}

/** A path with symlinks resolved where it exists. */
function real(file) {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

// The kernel's process ------------------------------------------------------------------------

// Node 20 calls it --experimental-permission; Node 22 and later --permission.
const permissionFlag = process.allowedNodeEnvironmentFlags.has('--permission')
  ? '--permission'
  : '--experimental-permission';

/** Node's arguments for the kernel: permission model, heap limit, guard.js, then tslab. */
function kernelNodeArgs({ readable, heapMb, guard, kernelLaunch, connectionFile }) {
  return [
    permissionFlag,
    ...readable.map((file) => `--allow-fs-read=${file}`),
    // tslab talks to Jupyter through zeromq, a native addon (guard.js allows only that one)
    '--allow-addons',
    `--max-old-space-size=${heapMb}`,
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
    '--require',
    guard,
    kernelLaunch,
    connectionFile,
  ];
}

/** Only what a kernel needs: the grader's environment may hold secrets (JUPYTER_TOKEN above all). */
function kernelEnvironment(home) {
  // one thread: students' kernels run side by side already, and the permission model forbids workers
  const env = { HOME: home, CONVLAB_SANDBOX: '1', CONVLAB_THREADS: '1' };
  for (const name of ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'CONVLAB_TEST_MARK'])
    if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

/**
 * bwrap's arguments: system folders read-only, the course under /course, nothing else. Folders that
 * are symlinks on this system (/lib -> usr/lib on merged-/usr Debian) stay symlinks.
 */
function bubblewrapArgs({ sandbox, env }) {
  const args = [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--clearenv',
  ];
  for (const [name, value] of Object.entries(env)) args.push('--setenv', name, value);
  args.push('--ro-bind', '/usr', '/usr');
  for (const top of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let stat;
    try {
      stat = fs.lstatSync(top);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(top), top);
    else if (stat.isDirectory()) args.push('--ro-bind', top, top);
  }
  // Node itself, wherever it was installed (nvm, /usr/local, /opt)
  const node = real(process.execPath);
  if (!node.startsWith('/usr/')) args.push('--ro-bind', node, node);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  const ro = (from, to) => args.push('--ro-bind', from, to);
  ro(path.join(repoRoot, 'node_modules'), `${COURSE}/node_modules`);
  ro(path.join(repoRoot, 'dist'), `${COURSE}/dist`);
  if (fs.existsSync(path.join(repoRoot, 'data'))) ro(path.join(repoRoot, 'data'), `${COURSE}/data`);
  for (const file of ['launch.js', 'tslabTimers.js'])
    ro(path.join(repoRoot, 'kernels', 'convlab', file), `${COURSE}/kernels/convlab/${file}`);
  ro(path.join(__dirname, 'guard.js'), `${COURSE}/kernels/grading/guard.js`);
  ro(path.join(sandbox, SETTINGS_FILE), `${COURSE}/${SETTINGS_FILE}`);
  ro(path.join(sandbox, 'connection.json'), `${COURSE}/connection.json`);
  args.push('--bind', path.join(sandbox, 'run'), `${COURSE}/run`);
  args.push('--dir', `${COURSE}/notebooks/exercises`, '--chdir', `${COURSE}/notebooks/exercises`);
  args.push('--remount-ro', '/');
  return args;
}

/** What the boundary needs to be built, checked by starting a tiny sandbox (for --probe). */
function probe() {
  const missing = [];
  let bubblewrap = false;
  let detail = '';
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-probe-'));
  try {
    fs.mkdirSync(path.join(scratch, 'run'));
    fs.writeFileSync(path.join(scratch, SETTINGS_FILE), '{}');
    fs.writeFileSync(path.join(scratch, 'connection.json'), '{}');
    const filter = seccompFilter();
    const args = bubblewrapArgs({ sandbox: scratch, env: { PATH: '/usr/bin:/bin' } });
    if (filter) {
      fs.writeFileSync(path.join(scratch, 'seccomp.bpf'), filter);
      args.push('--seccomp', '3');
    }
    const fd = filter ? fs.openSync(path.join(scratch, 'seccomp.bpf'), 'r') : 'ignore';
    const result = spawnSync(
      bwrapCommand,
      [...args, real(process.execPath), '-e', 'require("fs").readdirSync("/course/dist")'],
      { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8', timeout: 20000 },
    );
    if (typeof fd === 'number') fs.closeSync(fd);
    bubblewrap = result.status === 0;
    if (!bubblewrap) {
      detail = result.error
        ? `${bwrapCommand}: ${result.error.code === 'ENOENT' ? 'not installed' : result.error.message}`
        : `${bwrapCommand} failed: ${(result.stderr || '').trim().split('\n')[0] || `exit ${result.status}`}`;
    }
    if (!filter) missing.push('seccomp filter (written for x86_64 only)');
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (!bubblewrap) {
    missing.unshift(
      'OS boundary (bubblewrap): native code in a submission (zeromq is loaded) can read, write and ' +
        "delete files with the grader's rights, reach the network, other kernels and the Jupyter " +
        'server, and see other processes',
    );
  }
  const cgroup = createKernelCgroup({ name: `probe-${process.pid}`, memoryBytes: 1 << 30, maxTasks: 64 });
  if (cgroup && !cgroup.error) cgroup.remove();
  else
    missing.push(
      'cgroup limits: memory is watched every 200 ms instead of capped, and processes or threads are not capped',
    );
  return { boundary: bubblewrap ? 'bubblewrap' : 'node', missing, detail };
}

if (process.argv[2] === '--probe') {
  process.stdout.write(JSON.stringify(probe()) + '\n');
  process.exit(0);
}
if (process.argv[2] === '--sweep') {
  sweepKernelCgroups();
  process.exit(0);
}

// Start ----------------------------------------------------------------------------------------

const connectionFile = process.argv[2];
if (!connectionFile) fail('usage: node launch.js CONNECTION_FILE (Jupyter passes it)');
// The kernel runs in <sandbox>/notebooks/exercises (src/jupyter/grading/sandbox.ts); the sandbox
// holds the settings.
const sandbox = path.resolve(process.cwd(), '..', '..');
if (!fs.existsSync(path.join(sandbox, SETTINGS_FILE))) {
  fail(
    `no ${SETTINGS_FILE} in ${sandbox}: this kernel only runs in a folder prepared ` +
      'by `convlab grade`; use the "TypeScript (convlab)" kernel for your own work',
  );
}
let settings;
try {
  settings = JSON.parse(fs.readFileSync(path.join(sandbox, SETTINGS_FILE), 'utf8'));
} catch (error) {
  fail(`cannot read ${path.join(sandbox, SETTINGS_FILE)}: ${error.message}`);
}
for (const name of ['heapMb', 'memoryMb', 'kernelOutputBytes', 'kernelOutputMessages']) {
  if (!Number.isInteger(settings[name]) || settings[name] <= 0)
    fail(`${SETTINGS_FILE}: ${name} must be a positive integer, got ${JSON.stringify(settings[name])}`);
}
if (settings.boundary !== 'bubblewrap' && settings.boundary !== 'node')
  fail(`${SETTINGS_FILE}: boundary must be 'bubblewrap' or 'node', got ${JSON.stringify(settings.boundary)}`);

let stopReason = null;
/** Stops the kernel for a reason the grader will show (it reads stopped.json). */
function stopKernel(reason) {
  if (stopReason) return;
  stopReason = reason;
  try {
    fs.writeFileSync(path.join(sandbox, STOPPED_FILE), JSON.stringify(reason) + '\n');
  } catch {
    // the sandbox is being removed: the grader has what it needs
  }
  console.error(`convlab grading kernel: stopped: ${reason.detail}`);
  killKernel();
}

let kernel;
let cgroup = null;
let innerPid = null;
let killKernel = () => kernel && kernel.kill('SIGKILL');

if (settings.boundary === 'bubblewrap') {
  const outer = JSON.parse(fs.readFileSync(connectionFile, 'utf8'));
  // Jupyter restarts a kernel that died in the same folder: start from an empty socket folder.
  fs.rmSync(path.join(sandbox, 'run'), { recursive: true, force: true });
  fs.mkdirSync(path.join(sandbox, 'run'), { mode: 0o700 });
  // The kernel binds ipc:///course/run/k:N; Jupyter connects to outer's TCP ports; the proxy joins them.
  const channels = ['shell', 'iopub', 'stdin', 'control', 'hb'];
  const inner = { ...outer, transport: 'ipc', ip: `${COURSE}/run/k` };
  channels.forEach((channel, i) => (inner[`${channel}_port`] = i + 1));
  fs.writeFileSync(path.join(sandbox, 'connection.json'), JSON.stringify(inner), { mode: 0o600 });
  const filter = seccompFilter();
  if (filter) fs.writeFileSync(path.join(sandbox, 'seccomp.bpf'), filter, { mode: 0o600 });

  cgroup = createKernelCgroup({
    name: `${process.pid}`, // see kernelCgroup.js: the sweep reads it
    memoryBytes: settings.memoryMb * 1024 * 1024,
    maxTasks: MAX_TASKS,
  });
  if (cgroup && cgroup.error) cgroup = null;

  const args = bubblewrapArgs({ sandbox, env: kernelEnvironment('/tmp') });
  if (filter) args.push('--seccomp', '3');
  args.push('--info-fd', '4');
  args.push(
    real(process.execPath),
    ...kernelNodeArgs({
      readable: [COURSE, '/etc/alpine-release'],
      heapMb: settings.heapMb,
      guard: `${COURSE}/kernels/grading/guard.js`,
      kernelLaunch: `${COURSE}/kernels/convlab/launch.js`,
      connectionFile: `${COURSE}/connection.json`,
    }),
  );
  // sh puts itself into the control group, then becomes bwrap: everything bwrap starts is inside.
  // bwrap starts with SIGINT ignored: Jupyter interrupts by signalling our process group, which
  // holds bwrap, and bwrap would die of it. The interrupt is passed to the kernel below.
  const joinGroup =
    'for f in $CONVLAB_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; trap "" INT; exec "$@"';
  const seccompFd = filter ? fs.openSync(path.join(sandbox, 'seccomp.bpf'), 'r') : 'ignore';
  kernel = spawn('/bin/sh', ['-c', joinGroup, 'sh', bwrapCommand, ...args], {
    cwd: sandbox,
    env: {
      PATH: process.env.PATH || '/usr/bin:/bin',
      CONVLAB_CGROUP_PROCS: cgroup ? cgroup.procsFiles.join(' ') : '',
    },
    stdio: ['ignore', 'inherit', 'inherit', seccompFd, 'pipe'],
  });
  if (typeof seccompFd === 'number') fs.closeSync(seccompFd);
  // bwrap reports the host pid of the sandbox's init; tslab is its child. Interrupts go to tslab.
  let info = '';
  kernel.stdio[4].on('data', (chunk) => {
    info += chunk;
    const match = /"child-pid":\s*(\d+)/.exec(info);
    if (match && innerPid === null) innerPid = findChild(Number(match[1]));
  });
  kernel.stdio[4].on('error', () => undefined);
  if (cgroup) killKernel = () => (cgroup.kill(), kernel.kill('SIGKILL'));

  const proxy = startKernelProxy({
    host: outer.ip,
    channels: channels.map((channel, i) => [
      outer[`${channel}_port`],
      path.relative(process.cwd(), path.join(sandbox, 'run', `k:${i + 1}`)),
    ]),
    limits: { bytes: settings.kernelOutputBytes, messages: settings.kernelOutputMessages },
    onLimit: (detail) => stopKernel({ reason: 'output', detail: `the kernel ${detail} of output` }),
  });
  kernel.on('exit', () => proxy.close());
} else {
  // The fallback: the kernel reads the sandbox's hard-linked copies of dist/ and data/.
  const readable = [
    sandbox,
    path.join(repoRoot, 'node_modules'),
    path.join(repoRoot, 'kernels', 'convlab', 'launch.js'),
    path.join(repoRoot, 'kernels', 'convlab', 'tslabTimers.js'),
    path.join(__dirname, 'guard.js'),
    connectionFile,
    // zeromq's loader asks whether it runs on Alpine (musl) before loading its addon
    '/etc/alpine-release',
  ].flatMap((file) => [...new Set([path.resolve(file), real(file)])]);
  refuseFolderSymlinks(path.join(repoRoot, 'node_modules'));
  kernel = spawn(
    process.execPath,
    kernelNodeArgs({
      readable,
      heapMb: settings.heapMb,
      guard: real(path.join(__dirname, 'guard.js')),
      kernelLaunch: real(path.join(repoRoot, 'kernels', 'convlab', 'launch.js')),
      connectionFile: real(connectionFile),
    }),
    { cwd: process.cwd(), env: kernelEnvironment(sandbox), stdio: 'inherit' },
  );
  innerPid = kernel.pid;
}

/** The first child of `pid` (bwrap's init has one: the kernel), retried while it starts. */
function findChild(pid) {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (children) return Number(children.split(/\s+/)[0]);
    } catch {
      return null;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  return null;
}

/**
 * The permission model compares paths as written: a symlink to a folder inside an allowed folder
 * (`npm link` puts them in node_modules) would be a way out. Refuse to start rather than open it.
 */
function refuseFolderSymlinks(folder) {
  const entries = fs.existsSync(folder) ? fs.readdirSync(folder, { withFileTypes: true }) : [];
  const nested = entries
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('@'))
    .flatMap((scope) =>
      fs
        .readdirSync(path.join(folder, scope.name), { withFileTypes: true })
        .map((entry) => ({ entry, dir: path.join(folder, scope.name) })),
    );
  for (const { entry, dir } of [...entries.map((entry) => ({ entry, dir: folder })), ...nested]) {
    const file = path.join(dir, entry.name);
    if (entry.isSymbolicLink() && fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      fail(
        `${file} is a symlink to a folder; the sandbox cannot allow ${folder} safely (replace the link by a copy)`,
      );
    }
  }
}

// Watch ----------------------------------------------------------------------------------------

// Jupyter interrupts by signalling our process group; in bubblewrap the kernel has a session of its
// own, so the interrupt is passed on. Without bubblewrap the kernel is in our group already.
process.on('SIGINT', () => {
  if (settings.boundary === 'bubblewrap' && innerPid) {
    try {
      process.kill(innerPid, 'SIGINT');
    } catch {
      // gone
    }
  }
});
process.on('SIGTERM', () => killKernel());
process.on('exit', () => {
  killKernel();
  if (cgroup) cgroup.remove();
});

/** Resident memory of a process in MB (Linux: /proc; elsewhere: ps). */
function residentMb(pid) {
  try {
    if (process.platform === 'linux') {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : 0;
    }
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' })) / 1024;
  } catch {
    return 0;
  }
}

// Jupyter ends its kernels when it stops; if it died instead, end the kernel too.
const jupyterPid = process.ppid;
const watch = setInterval(() => {
  if (process.ppid !== jupyterPid) killKernel();
  // With a control group the kernel cannot pass the limit; without one, watch it.
  if (!cgroup && innerPid) {
    const used = residentMb(innerPid);
    if (used > settings.memoryMb) {
      stopKernel({
        reason: 'memory',
        detail: `the kernel used ${Math.round(used)} MB (limit ${settings.memoryMb} MB)`,
      });
    }
  }
}, 200);

kernel.on('exit', (code, signal) => {
  clearInterval(watch);
  if (!stopReason && cgroup && cgroup.oomKills() > 0) {
    stopReason = {
      reason: 'memory',
      detail: `the kernel reached its memory limit (${settings.memoryMb} MB)`,
    };
    try {
      fs.writeFileSync(path.join(sandbox, STOPPED_FILE), JSON.stringify(stopReason) + '\n');
    } catch {
      // see stopKernel
    }
  }
  if (cgroup) cgroup.remove();
  process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 1));
});
