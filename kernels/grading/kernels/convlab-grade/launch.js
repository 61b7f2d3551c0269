#!/usr/bin/env node
// The grading sandbox kernel, used by `convlab grade` and `convlab validate` (see
// src/jupyter/grading/sandbox.ts, which prepares the folder this kernel runs in).
//
// Jupyter runs `node {resource_dir}/launch.js {connection_file}` in the notebook's folder. This
// launcher is trusted: it reads the connection file and the sandbox settings, then starts the real
// kernel (the same tslab the `convlab` kernel runs) in a second Node process that has
//   - Node's permission model on: it may read only the sandbox folder (which holds
//     convlab-sandbox.json and links to dist/ and data/), the repository's node_modules/, and its
//     connection file; it may write nowhere, start no processes and no worker threads;
//   - a clean environment (no JUPYTER_TOKEN, nothing of the grader's but PATH and locale);
//   - a V8 heap limit (--max-old-space-size) and, watched from here, a resident-memory limit that
//     also catches typed arrays (they live outside the V8 heap);
//   - guard.js preloaded, so `process.kill` can signal only the kernel itself.
// Jupyter signals the whole process group (interrupt, kill), which holds both processes.
'use strict';
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const SETTINGS_FILE = 'convlab-sandbox.json';
// This kernelspec sits in kernels/grading/kernels/ so that only the grader's Jupyter lists it (its
// JUPYTER_PATH adds kernels/grading); students' kernel lists show the convlab kernel alone.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const connectionFile = process.argv[2];

function fail(message) {
  console.error(`convlab grading kernel: ${message}`);
  process.exit(2);
}

function positiveInteger(value, fallback, name) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0)
    fail(`${SETTINGS_FILE}: ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

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
const heapMb = positiveInteger(settings.heapMb, 512, 'heapMb');
const memoryMb = positiveInteger(settings.memoryMb, 1536, 'memoryMb');

/** A path with symlinks resolved where it exists. */
function real(file) {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

// The permission model compares paths as written, without resolving symlinks: each folder is allowed
// both as reached and as it really is (where require() ends up). None of these folders may hold a
// symlink to a folder: `<link>/..` would lead out of them.
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

// `npm link` puts such symlinks in node_modules: refuse to start rather than open a way out.
for (const folder of [path.join(repoRoot, 'node_modules')]) {
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

// Node 20 calls it --experimental-permission; Node 22 and later --permission.
const permissionFlag = process.allowedNodeEnvironmentFlags.has('--permission')
  ? '--permission'
  : '--experimental-permission';
const nodeArgs = [
  permissionFlag,
  ...readable.map((file) => `--allow-fs-read=${file}`),
  // tslab talks to Jupyter through zeromq, a native addon
  '--allow-addons',
  `--max-old-space-size=${heapMb}`,
  '--disable-warning=ExperimentalWarning',
  '--require',
  real(path.join(__dirname, 'guard.js')),
  real(path.join(repoRoot, 'kernels', 'convlab', 'launch.js')),
  real(connectionFile),
];

// Only what a kernel needs: the grader's environment may hold secrets (JUPYTER_TOKEN above all).
const passed = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'CONVLAB_TEST_MARK'];
const env = { HOME: sandbox, CONVLAB_SANDBOX: '1' };
for (const name of passed) if (process.env[name] !== undefined) env[name] = process.env[name];

const kernel = spawn(process.execPath, nodeArgs, { cwd: process.cwd(), env, stdio: 'inherit' });

// Jupyter interrupts by signalling the process group: the kernel gets SIGINT itself.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => kernel.kill('SIGTERM'));
process.on('exit', () => kernel.kill('SIGKILL'));
kernel.on('exit', (code, signal) => {
  clearInterval(watch);
  process.exit(code ?? 128 + (signal ? require('os').constants.signals[signal] : 1));
});

/** Resident memory of the kernel in MB (Linux: /proc; elsewhere: ps). */
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
  if (process.ppid !== jupyterPid) kernel.kill('SIGKILL');
  const used = residentMb(kernel.pid);
  if (used > memoryMb) {
    console.error(
      `convlab grading kernel: the kernel used ${Math.round(used)} MB (limit ${memoryMb} MB) and was stopped`,
    );
    kernel.kill('SIGKILL');
  }
}, 200);
