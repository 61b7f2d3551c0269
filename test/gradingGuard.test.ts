/**
 * kernels/grading/kernels/convlab-grade/guard.js in a Node process under the permission model, as
 * the grading launcher starts the kernel: watching a folder the kernel may not read gives a watcher
 * that never fires instead of an error (TypeScript's watcher inside tslab does not catch that error,
 * and then every later cell fails), and other errors still reach the caller.
 */
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot, scratchDir } from './jupyter/helpers';

const guard = path.join(repoRoot, 'kernels', 'grading', 'kernels', 'convlab-grade', 'guard.js');
const permissionFlag = process.allowedNodeEnvironmentFlags.has('--permission')
  ? '--permission'
  : '--experimental-permission';

/** Runs `body` in a Node that may read only `readable` (and the script), with or without guard.js. */
function runRestricted(body: string, readable: string[], withGuard: boolean): unknown {
  const dir = scratchDir('guard');
  try {
    const script = path.join(dir, 'script.js');
    fs.writeFileSync(script, `const fs = require('fs');\n${body}\n`);
    const stdout = execFileSync(
      process.execPath,
      [
        permissionFlag,
        ...[script, guard, ...readable].map((file) => `--allow-fs-read=${file}`),
        '--disable-warning=ExperimentalWarning',
        ...(withGuard ? ['--require', guard] : []),
        script,
      ],
      { encoding: 'utf8' },
    );
    return JSON.parse(stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What each watch call gave: 'watcher', or the error's code. */
const tryEachWatch = (target: string) => `
const result = {};
const attempts = {
  watchFile: () => fs.watchFile(${JSON.stringify(target)}, { persistent: false }, () => undefined),
  watch: () => fs.watch(${JSON.stringify(target)}, { persistent: false }),
};
for (const [name, attempt] of Object.entries(attempts)) {
  try {
    const watcher = attempt();
    result[name] = watcher instanceof require('events') && typeof watcher.unref === 'function' ? 'watcher' : 'other';
    if (name === 'watch') watcher.close();
    else fs.unwatchFile(${JSON.stringify(target)});
  } catch (error) {
    result[name] = error.code;
  }
}
process.stdout.write(JSON.stringify(result));`;

describe('grading kernel guard: file watches under the permission model', () => {
  const outside = path.join(repoRoot, 'node_modules', '.convlab-not-readable');

  it('without the guard, watching a folder the kernel may not read throws (what broke tslab)', () => {
    expect(runRestricted(tryEachWatch(outside), [], false)).to.deep.equal({
      watchFile: 'ERR_ACCESS_DENIED',
      watch: 'ERR_ACCESS_DENIED',
    });
  });

  it('with the guard, the same watches give watchers that never fire', () => {
    expect(runRestricted(tryEachWatch(outside), [], true)).to.deep.equal({
      watchFile: 'watcher',
      watch: 'watcher',
    });
  });

  it('other errors still reach the caller: a missing file the kernel may read gives ENOENT from fs.watch', () => {
    const dir = scratchDir('guard-readable');
    try {
      const missing = path.join(dir, 'missing.ts');
      expect(runRestricted(tryEachWatch(missing), [dir], true)).to.deep.equal({
        watchFile: 'watcher',
        watch: 'ENOENT',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
