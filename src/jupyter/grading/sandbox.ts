/**
 * The folder a grading kernel runs in, `<repo>/build/convlab-sandbox-<name>-<random>/`:
 *
 * ```
 * convlab-sandbox.json     the kernel's settings (SandboxSettings: boundary, limits, record key, …)
 * notebooks/exercises/     the kernel's folder as Jupyter sees it (it names the session)
 * run/, connection.json    made by the launcher under bubblewrap: the kernel's sockets, its connection file
 * stopped.json             written by the launcher when it stops the kernel (memory, output): the reason
 * dist/, data/             only in the 'node' fallback: hard links to the repository's files
 * ```
 *
 * kernels/grading/kernels/convlab-grade/launch.js builds the boundary from these. Under bubblewrap
 * the kernel sees the repository's dist/, data/ and node_modules/ read-only under /course and none
 * of this folder but run/. In the 'node' fallback Node's permission model lets it read this folder
 * and node_modules/, which is why dist/ is hard-linked here rather than symlinked (the model checks
 * paths as written, so `<sandbox>/dist/../notebooks` through a symlink would reach the teacher's
 * notebooks). The notebook itself is never written here: its cells, hidden tests included, travel
 * over the kernel protocol.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../server';
import { atShutdown } from '../shutdown';
import { SandboxSettings, sandboxSettingsFile } from './recordChannel';

/** What the grader decides for every kernel of a run (the record key is made per sandbox). */
export type SandboxPlan = Omit<SandboxSettings, 'recordKey'>;

/**
 * Where Jupyter finds the grading kernel: a JUPYTER_PATH entry of the grader's servers only, so
 * that students' kernel lists do not offer it.
 */
export const gradingKernelPath = path.join(repoRoot, 'kernels', 'grading');

/** The grading kernel's launcher (it also answers `--probe`). */
export const gradingLauncher = path.join(gradingKernelPath, 'kernels', 'convlab-grade', 'launch.js');

/** Where sandboxes go (see above); build/ is not in git. */
export const sandboxParent = path.join(repoRoot, 'build');

/** Recreates the files below `from` under `to` as hard links (copies where the file system says no). */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isFile()) {
      try {
        fs.linkSync(source, target);
      } catch {
        fs.copyFileSync(source, target);
      }
    }
  }
}

/** Why the launcher stopped a kernel (its stopped.json), in the launcher's own words. */
export interface StopReason {
  reason: 'memory' | 'output';
  detail: string;
}

export interface Sandbox {
  dir: string;
  /** Where the notebook would be: it names the kernel's working folder and the Jupyter session. */
  notebookPath: string;
  /** The key this kernel's records are sealed with. */
  recordKey: Buffer;
  /** Why the launcher stopped the kernel, if it did. */
  stopReason(): StopReason | undefined;
  remove(): void;
}

/** Sandboxes not yet removed: removed at exit whatever happens (Ctrl-C, a crash of the grader). */
const live = new Set<string>();
let sweepRegistered = false;

function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  live.delete(dir);
}

/** A file-system-safe version of a name (student folders can be called anything). */
function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || '_';
}

/** Reads stopped.json: small, written by the launcher, never by the kernel (it cannot reach it). */
function readStopReason(dir: string): StopReason | undefined {
  try {
    const file = path.join(dir, 'stopped.json');
    const stat = fs.lstatSync(file);
    if (!stat.isFile() || stat.size > 4096) return undefined;
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StopReason>;
    if ((parsed.reason === 'memory' || parsed.reason === 'output') && typeof parsed.detail === 'string')
      return { reason: parsed.reason, detail: parsed.detail };
  } catch {
    // none
  }
  return undefined;
}

/** Creates a fresh sandbox folder for one kernel. */
export function createSandbox(label: string, notebookName: string, plan: SandboxPlan): Sandbox {
  fs.mkdirSync(sandboxParent, { recursive: true });
  if (!sweepRegistered) {
    sweepRegistered = true;
    atShutdown(() => [...live].forEach(removeDir));
    process.on('exit', () => [...live].forEach(removeDir));
  }
  const dir = fs.mkdtempSync(path.join(sandboxParent, `convlab-sandbox-${safe(label)}-`));
  live.add(dir);
  const recordKey = randomBytes(32);
  const settings: SandboxSettings = { ...plan, recordKey: recordKey.toString('hex') };
  fs.writeFileSync(path.join(dir, sandboxSettingsFile), JSON.stringify(settings) + '\n', { mode: 0o600 });
  if (plan.boundary === 'node') {
    for (const shared of ['dist', 'data']) {
      if (fs.existsSync(path.join(repoRoot, shared)))
        linkTree(path.join(repoRoot, shared), path.join(dir, shared));
    }
  }
  const kernelFolder = path.join(dir, 'notebooks', 'exercises');
  fs.mkdirSync(kernelFolder, { recursive: true });
  return {
    dir,
    notebookPath: path.join(kernelFolder, `${safe(notebookName.replace(/\.ipynb$/, ''))}.ipynb`),
    recordKey,
    stopReason: () => readStopReason(dir),
    remove: () => removeDir(dir),
  };
}
