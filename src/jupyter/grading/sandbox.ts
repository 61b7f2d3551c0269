/**
 * The folder a grading kernel runs in, `<repo>/build/convlab-sandbox-<name>-<random>/`:
 *
 * ```
 * convlab-sandbox.json     heap and memory limits, the record key (see recordChannel.ts)
 * dist/, data/             hard links to the repository's files (copies where links fail)
 * notebooks/exercises/     the kernel's folder, so that an exercise's '../../dist' is dist/ above
 * ```
 *
 * kernels/grading/kernels/convlab-grade/launch.js lets the kernel read this folder and the repository's
 * node_modules/ (it sits inside the repository so that module lookups walking up find them), and
 * write nowhere. Why links and not symlinks to dist/: Node's permission model checks paths as
 * written, so `<sandbox>/dist/../notebooks` through a symlink would reach the teacher's notebooks;
 * and allowing the repository's own dist/ fails too, because TypeScript looks for '../../dist' only
 * once it has seen its parent folder (the repository root) exist. The notebook itself is never
 * written here: its cells, hidden tests included, travel over the kernel protocol.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../server';
import { SandboxSettings, sandboxSettingsFile } from './recordChannel';

export interface SandboxLimits {
  /** V8 heap limit of the kernel, MB. */
  heapMb: number;
  /** Resident memory limit of the kernel, MB. */
  memoryMb: number;
}

/**
 * Where Jupyter finds the grading kernel: a JUPYTER_PATH entry of the grader's servers only, so
 * that students' kernel lists do not offer it.
 */
export const gradingKernelPath = path.join(repoRoot, 'kernels', 'grading');

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

export interface Sandbox {
  dir: string;
  /** Where the notebook would be: it names the kernel's working folder and the Jupyter session. */
  notebookPath: string;
  /** The key this kernel's records are sealed with. */
  recordKey: Buffer;
  remove(): void;
}

/** A file-system-safe version of a name (student folders can be called anything). */
function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || '_';
}

/** Creates a fresh sandbox folder for one notebook run. */
export function createSandbox(label: string, notebookName: string, limits: SandboxLimits): Sandbox {
  fs.mkdirSync(sandboxParent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(sandboxParent, `convlab-sandbox-${safe(label)}-`));
  const recordKey = randomBytes(32);
  const settings: SandboxSettings = { ...limits, recordKey: recordKey.toString('hex') };
  fs.writeFileSync(path.join(dir, sandboxSettingsFile), JSON.stringify(settings) + '\n', { mode: 0o600 });
  for (const shared of ['dist', 'data']) {
    if (fs.existsSync(path.join(repoRoot, shared)))
      linkTree(path.join(repoRoot, shared), path.join(dir, shared));
  }
  const kernelFolder = path.join(dir, 'notebooks', 'exercises');
  fs.mkdirSync(kernelFolder, { recursive: true });
  return {
    dir,
    notebookPath: path.join(kernelFolder, `${safe(notebookName.replace(/\.ipynb$/, ''))}.ipynb`),
    recordKey,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
