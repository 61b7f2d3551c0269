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
//   2. Jupyter: find a working one. For `start`, JupyterLab 4 and Notebook 7: conda's (environment.yml)
//      or the project's own .venv, which this installs with pip (python3-venv from apt where it is
//      missing on Debian). Debian's classic Notebook (apt) is the fallback where no venv can be made,
//      and what `test` and `course` use (the classic-Notebook browser test needs it).
//   3. For `test`: Debian's chromium (browser tests) and bubblewrap (the grading sandbox), with apt;
//      the .venv's JupyterLab 4 and Notebook 7, and the jupyterlab-plotly renderer beside them.
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

/** The project's own virtual environment, where `start` installs JupyterLab 4 and Notebook 7. */
const VENV = path.join(root, '.venv');
const VENV_BIN = path.join(VENV, process.platform === 'win32' ? 'Scripts' : 'bin');
const VENV_PACKAGES = ['jupyterlab>=4,<5', 'notebook>=7,<8', 'nbconvert', 'nbclient'];

/** Every `jupyter` worth trying, best first: ours, conda's, the .venv's (for start), PATH's, Debian's, pip --user's. */
function jupyterCandidates(job) {
  const candidates = [];
  if (process.env.CONVLAB_JUPYTER) candidates.push(process.env.CONVLAB_JUPYTER);
  if (process.env.CONDA_PREFIX) candidates.push(path.join(process.env.CONDA_PREFIX, 'bin', 'jupyter'));
  if (job === 'start') candidates.push(path.join(VENV_BIN, 'jupyter'));
  for (const dir of (process.env.PATH || '').split(path.delimiter))
    if (dir) candidates.push(path.join(dir, 'jupyter'));
  candidates.push(
    '/usr/bin/jupyter',
    '/usr/local/bin/jupyter',
    path.join(os.homedir(), '.local', 'bin', 'jupyter'),
  );
  return [...new Set(candidates)].filter(
    (file) => fs.existsSync(file) && (job === 'start' || !file.startsWith(VENV)),
  );
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

/** What each job needs from Jupyter (`start` takes the classic Notebook only as a last resort). */
function satisfies(jupyter, job, { fallback = false } = {}) {
  if (!jupyter) return false;
  if (job === 'start') return fallback ? jupyter.lab || jupyter.notebook : jupyter.lab;
  if (job === 'course') return (jupyter.server || jupyter.notebook) && jupyter.nbconvert;
  // The tests run notebooks on `jupyter server`, open the classic Notebook in a browser, export HTML.
  return jupyter.server && jupyter.notebook && jupyter.nbconvert;
}

function findJupyter(job, options) {
  let fallback = null;
  for (const candidate of jupyterCandidates(job)) {
    const jupyter = inspectJupyter(candidate);
    if (satisfies(jupyter, job, options)) return jupyter;
    fallback = fallback || jupyter;
  }
  return fallback;
}

/** A Python that can make virtual environments (venv and ensurepip both there), or null. */
function pythonWithVenv() {
  const pythons = [process.env.CONVLAB_PYTHON, 'python3', '/usr/bin/python3', 'python'].filter(Boolean);
  return (
    pythons.find(
      (python) =>
        spawnSync(python, ['-c', 'import venv, ensurepip'], { stdio: 'ignore', timeout: 30000 }).status === 0,
    ) || null
  );
}

/** Whether the public package index resolves (it does not on machines that reach only a mirror). */
function publicIndexResolves() {
  const lookup = "require('dns').lookup('pypi.org', (error) => process.exit(error ? 1 : 0))";
  return spawnSync(process.execPath, ['-e', lookup], { timeout: 10000 }).status === 0;
}

/** `pip install` with the .venv's pip; says how long it took. */
function venvPip(args) {
  // pip tries an unreachable index again and again (12 minutes instead of 30 s where only a mirror
  // answers): once is enough when pypi.org does not even resolve.
  const retries = publicIndexResolves() ? [] : ['--retries', '0'];
  if (retries.length) console.log('  (pypi.org does not resolve here: pip asks each index once)');
  const started = Date.now();
  run(path.join(VENV_BIN, 'python'), [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    ...retries,
    ...args,
  ]);
  console.log(`  installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * JupyterLab 4 and Notebook 7 in the project's .venv, installed with pip: the Jupyter `npm start`
 * opens. Returns it, or null where no virtual environment can be made.
 */
function ensureVenvJupyter() {
  let python = pythonWithVenv();
  if (!python && isDebianLike() && isRoot()) {
    // Debian splits venv and ensurepip out of python3
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update'], { env });
    run('apt-get', ['install', '-y', '--no-install-recommends', 'python3-venv'], { env });
    python = pythonWithVenv();
  }
  if (!python) {
    console.log('  no Python here can make a virtual environment (python3 -m venv)');
    return null;
  }
  if (!fs.existsSync(path.join(VENV_BIN, 'python'))) run(python, ['-m', 'venv', VENV]);
  console.log(`  installing ${VENV_PACKAGES.join(' ')} into .venv with pip; about 30 s on a fast connection`);
  venvPip(VENV_PACKAGES);
  return inspectJupyter(path.join(VENV_BIN, 'jupyter'));
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

  if (job === 'start' && !onPath('conda') && !onPath('mamba')) {
    const venv = ensureVenvJupyter();
    if (satisfies(venv, job)) {
      console.log(`  using ${describe(venv)}`);
      return venv;
    }
    // no venv: the classic Notebook below, if it is all we can have
    jupyter = findJupyter(job, { fallback: true });
    if (satisfies(jupyter, job, { fallback: true })) {
      console.log(`  using ${describe(jupyter)} (the classic Notebook: JupyterLab needs pip in a venv)`);
      return jupyter;
    }
  }

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

  jupyter = findJupyter(job, { fallback: true });
  if (!satisfies(jupyter, job, { fallback: true }))
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

/**
 * The front-end tests open the course in JupyterLab 4 and Notebook 7 (the project's .venv, as
 * `npm start` makes it) and once more with the jupyterlab-plotly renderer, which the `plotly` pip
 * package brings. That package goes to its own prefix, .venv/jupyterlab-plotly, which only those
 * tests put on JUPYTER_PATH: `npm start` shows the course as a fresh install would.
 */
function ensureFrontEndsForTests() {
  step('JupyterLab 4 and Notebook 7 (front-end tests)');
  const lab = inspectJupyter(path.join(VENV_BIN, 'jupyter'));
  if (lab && lab.lab && lab.notebook) console.log(`  using ${describe(lab)}`);
  else if (!satisfies(ensureVenvJupyter(), 'start')) {
    console.log('  no JupyterLab in .venv: the front-end tests are skipped');
    return;
  }
  const prefix = path.join(VENV, 'jupyterlab-plotly');
  if (fs.existsSync(path.join(prefix, 'share', 'jupyter', 'labextensions', 'jupyterlab-plotly'))) {
    console.log(`  using ${prefix}`);
    return;
  }
  console.log('  installing plotly (for its jupyterlab-plotly extension) into .venv/jupyterlab-plotly');
  venvPip(['--no-deps', '--ignore-installed', '--prefix', prefix, 'plotly']);
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
  if (job === 'test') {
    ensureTestPackages();
    ensureFrontEndsForTests();
  }
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
