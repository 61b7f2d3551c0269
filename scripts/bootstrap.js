#!/usr/bin/env node
// What `npm start`, `npm test` and `npm run course` run: get everything the course needs, then
// do the job. Plain Node with no dependencies, because it runs before `npm install` has.
//
//   node scripts/bootstrap.js start    JupyterLab (or the classic Notebook) on notebooks/
//   node scripts/bootstrap.js test     every test, notebooks and browser included (mocha)
//   node scripts/bootstrap.js course   execute all notebooks, export a static site to build/course/
//
// Steps, each announced as it runs:
//   1. node_modules: `npm ci` when it is missing or older than package-lock.json.
//   2. Jupyter: find a working one; if there is none, install it where we can (apt on Debian/Ubuntu
//      as root, pip --user elsewhere) or stop and say what to install (conda users: environment.yml).
//   3. For `test`: Debian's chromium (browser tests) and bubblewrap (the grading sandbox), with apt.
//   4. `npm run build`: notebooks import the compiled library from dist/.
//   5. The job itself. Ctrl-C stops it and everything it started.
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
/** What Debian/Ubuntu packages give us (Debian 12 has no JupyterLab; the classic Notebook is enough). */
const DEBIAN_JUPYTER = [
  'jupyter-server',
  'jupyter-notebook',
  'jupyter-nbconvert',
  'jupyter-client',
  'python3-nbclient',
];

function step(message) {
  console.log(`\n▶ ${message}`);
}

/** Stops with a message saying what to do, and a non-zero exit code. */
function stop(message) {
  console.error(`\n✗ ${message}`);
  process.exit(1);
}

/** Runs a command with the terminal attached; stops the bootstrap if it fails. */
function run(command, args, options = {}) {
  console.log(`  $ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    stop(
      `\`${command} ${args.join(' ')}\` failed (${result.error ? result.error.message : `exit ${result.status}`}).`,
    );
  }
}

function onPath(command) {
  return (process.env.PATH || '')
    .split(path.delimiter)
    .some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function isDebianLike() {
  return fs.existsSync('/etc/debian_version') && fs.existsSync('/usr/bin/apt-get');
}

// 1. node_modules ---------------------------------------------------------------------------------

function mtime(file) {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

function ensureNodeModules() {
  step('Node packages');
  const lockfile = path.join(root, 'package-lock.json');
  // npm writes node_modules/.package-lock.json on every install: its age tells whether
  // node_modules matches the lockfile (after a `git pull`, say).
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(lockfile)) {
    if (fs.existsSync(path.join(root, 'node_modules')))
      return console.log('  node_modules present (no package-lock.json)');
    return run(npm, ['install', '--no-audit', '--no-fund']);
  }
  if (mtime(installed) >= mtime(lockfile))
    return console.log('  node_modules is up to date with package-lock.json');
  console.log(
    fs.existsSync(installed) ? '  node_modules is older than package-lock.json' : '  node_modules is missing',
  );
  run(npm, ['ci', '--no-audit', '--no-fund']);
}

// 2. Jupyter -------------------------------------------------------------------------------------
// The same search as src/jupyter/findJupyter.ts (which cannot be used before the build).

/** Every `jupyter` worth trying, best first: ours, conda's, PATH's, Debian's, pip --user's. */
function jupyterCandidates() {
  const candidates = [];
  if (process.env.CONVLAB_JUPYTER) candidates.push(process.env.CONVLAB_JUPYTER);
  if (process.env.CONDA_PREFIX) candidates.push(path.join(process.env.CONDA_PREFIX, 'bin', 'jupyter'));
  for (const dir of (process.env.PATH || '').split(path.delimiter))
    if (dir) candidates.push(path.join(dir, 'jupyter'));
  candidates.push(
    '/usr/bin/jupyter',
    '/usr/local/bin/jupyter',
    path.join(os.homedir(), '.local', 'bin', 'jupyter'),
  );
  return [...new Set(candidates)].filter((file) => fs.existsSync(file));
}

/** Which Jupyter parts a `jupyter` command has, from `jupyter --version`; null if it does not run. */
function inspectJupyter(command) {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 30000 });
  if (result.status !== 0) return null;
  const has = (name) => new RegExp(`^\\s*${name}\\s*:\\s*\\d`, 'm').test(result.stdout);
  return {
    command,
    lab: has('jupyterlab'),
    notebook: has('notebook'),
    server: has('jupyter_server'),
    nbconvert: has('nbconvert'),
  };
}

/** What each job needs from Jupyter. */
function satisfies(jupyter, job) {
  if (!jupyter) return false;
  if (job === 'start') return jupyter.lab || jupyter.notebook;
  if (job === 'course') return (jupyter.server || jupyter.notebook) && jupyter.nbconvert;
  // The tests run notebooks on `jupyter server`, open the classic Notebook in a browser, export HTML.
  return jupyter.server && jupyter.notebook && jupyter.nbconvert;
}

function findJupyter(job) {
  let fallback = null;
  for (const candidate of jupyterCandidates()) {
    const jupyter = inspectJupyter(candidate);
    if (satisfies(jupyter, job)) return jupyter;
    fallback = fallback || jupyter;
  }
  return fallback;
}

function describe(jupyter) {
  const parts = ['lab', 'notebook', 'server', 'nbconvert'].filter((part) => jupyter[part]);
  return `${jupyter.command} (${parts.join(', ') || 'nothing usable'})`;
}

function ensureJupyter(job) {
  step('Jupyter');
  let jupyter = findJupyter(job);
  if (satisfies(jupyter, job)) {
    console.log(`  using ${describe(jupyter)}`);
    return jupyter;
  }
  console.log(jupyter ? `  ${describe(jupyter)} lacks what \`${job}\` needs` : '  no working Jupyter found');

  if (isDebianLike()) {
    if (!isRoot()) {
      stop(
        `Install Jupyter, then run this again:\n  sudo apt-get install --no-install-recommends ${DEBIAN_JUPYTER.join(' ')}`,
      );
    }
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update'], { env });
    run('apt-get', ['install', '-y', '--no-install-recommends', ...DEBIAN_JUPYTER], { env });
  } else if (onPath('conda') || onPath('mamba')) {
    stop(
      'Create the course environment with conda, then run this again inside it:\n' +
        '  conda env create -f environment.yml\n  conda activate convlab',
    );
  } else if (onPath('python3')) {
    run('python3', ['-m', 'pip', 'install', '--user', 'jupyterlab', 'notebook', 'nbconvert']);
  } else {
    stop('Install Python 3 and JupyterLab (https://jupyter.org/install), then run this again.');
  }

  jupyter = findJupyter(job);
  if (!satisfies(jupyter, job))
    stop('Jupyter was installed but is still not usable; see the messages above.');
  console.log(`  using ${describe(jupyter)}`);
  return jupyter;
}

/**
 * What the tests need from the OS: Debian's chromium (the browser tests drive it) and bubblewrap (the
 * grader's sandbox; the attack suite runs student code inside it). Installed with apt where we can;
 * elsewhere the browser tests are skipped and the grader says which protections are missing.
 */
function ensureTestPackages() {
  step('Chromium and bubblewrap (browser tests, the grading sandbox)');
  const wanted = [
    { file: '/usr/bin/chromium', pkg: 'chromium' },
    { file: '/usr/bin/bwrap', pkg: 'bubblewrap' },
  ];
  const missing = wanted.filter(({ file }) => !fs.existsSync(file));
  for (const { file } of wanted.filter((w) => !missing.includes(w))) console.log(`  using ${file}`);
  if (missing.length === 0) return;
  if (isDebianLike() && isRoot()) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update'], { env });
    run('apt-get', ['install', '-y', '--no-install-recommends', ...missing.map(({ pkg }) => pkg)], { env });
    return;
  }
  for (const { file, pkg } of missing)
    console.log(
      `  ${file} not found and cannot be installed here (package ${pkg}): its tests are skipped or weaker`,
    );
}

// 4. The job -------------------------------------------------------------------------------------

/** Runs the job's process, passes Ctrl-C / SIGTERM on to it, and exits with its exit code. */
function runJob(command, args, env) {
  console.log(`  $ ${command} ${args.join(' ')}`);
  const child = spawn(command, args, { stdio: 'inherit', cwd: root, env });
  // The terminal sends Ctrl-C to the child too; a signal sent to us alone (npm, a supervisor)
  // must reach it as well. The child shuts its Jupyter server down before exiting.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) =>
    process.exit(code !== null ? code : 128 + (os.constants.signals[signal] || 1)),
  );
}

function main() {
  const [job, ...args] = process.argv.slice(2);
  if (!['start', 'test', 'course'].includes(job)) {
    stop('usage: node scripts/bootstrap.js start|test|course [arguments for the job]');
  }
  console.log(`convlab ${job}: node ${process.version} in ${root}`);
  ensureNodeModules();
  const jupyter = ensureJupyter(job);
  if (job === 'test') ensureTestPackages();
  step('Build the library (npm run build)');
  run(npm, ['run', '--silent', 'build']);

  // Everything after this uses the Jupyter found above.
  const env = { ...process.env, CONVLAB_JUPYTER: jupyter.command };
  const cli = path.join(root, 'dist', 'jupyter', 'cli.js');
  if (job === 'start') {
    step('Start Jupyter');
    runJob(process.execPath, [cli, 'start', ...args], env);
  } else if (job === 'course') {
    step('Build the course (convlab course)');
    runJob(process.execPath, [cli, 'course', ...args], env);
  } else {
    step('Run the tests (mocha)');
    // With no arguments, every test; `npm test -- test/x.test.ts` runs just that file.
    runJob(npx, ['mocha', ...(args.length > 0 ? args : ['test/**/*.test.ts'])], env);
  }
}

main();
