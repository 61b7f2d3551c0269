/**
 * Helpers for the tests that run a real Jupyter server and kernel: scratch notebooks inside the
 * repository (so that a kernel started there resolves `tslab` and `../dist` from this clone), the
 * CLI run as a child process, and a check that no Jupyter or kernel process outlives a test.
 */
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Notebook } from '../../src/jupyter/notebookFormat';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** A fresh folder under build/test-scratch/ (inside the repo: see above). */
export function scratchDir(name: string): string {
  const dir = path.join(repoRoot, 'build', 'test-scratch', `${name}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes a notebook of code cells for the convlab kernel; returns its path. */
export function writeCodeNotebook(dir: string, name: string, sources: string[]): string {
  const notebook: Notebook = {
    cells: sources.map((source, i) => ({
      cell_type: 'code',
      id: `cell-${i}`,
      source,
      metadata: {},
      execution_count: null,
      outputs: [],
    })),
    metadata: {
      kernelspec: { name: 'convlab', display_name: 'TypeScript (convlab)', language: 'typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + '\n');
  return file;
}

/**
 * Processes whose environment carries `CONVLAB_TEST_MARK=mark`. The mark is given to the CLI or
 * server under test; Jupyter passes its environment on to the kernels, so everything they start
 * carries it, and nothing else on the machine does.
 */
export function markedProcesses(mark: string): Array<{ pid: number; command: string }> {
  const needle = `CONVLAB_TEST_MARK=${mark}`;
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (!environ.split('\0').includes(needle)) continue;
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue; // a zombie is gone, only not yet reaped
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), command });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Waits (up to `ms`) for every marked process to be gone; returns those still there. */
export async function waitForNoMarkedProcesses(
  mark: string,
  ms = 5000,
): Promise<Array<{ pid: number; command: string }>> {
  const deadline = Date.now() + ms;
  let left = markedProcesses(mark);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = markedProcesses(mark);
  }
  return left;
}

export function newMark(): string {
  return randomBytes(8).toString('hex');
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `convlab ARGS` (the TypeScript source, through tsx) with the given mark in its environment.
 * `whileRunning` is called once it has started, e.g. to send it a signal.
 */
export function runCli(
  args: string[],
  options: { mark: string; cwd?: string; env?: NodeJS.ProcessEnv; whileRunning?: (pid: number) => void },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(repoRoot, 'src', 'jupyter', 'cli.ts'), ...args],
      {
        cwd: options.cwd ?? repoRoot,
        env: { ...process.env, ...options.env, CONVLAB_TEST_MARK: options.mark, CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.whileRunning?.(child.pid!);
  });
}

/** Outputs of the code cells of an executed notebook file. */
export function readOutputs(file: string): Notebook['cells'] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook).cells;
}
