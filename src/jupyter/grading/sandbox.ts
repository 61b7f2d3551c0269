/**
 * The folder a grading kernel runs in. kernels/convlab-grade/launch.js lets the kernel read this
 * folder, the repository's dist/, node_modules/ and data/ — nothing else, and write nowhere:
 *
 * ```
 * <dir>/convlab-sandbox.json     heap and memory limits, the record key (see recordChannel.ts)
 * <dir>/dist -> <repo>/dist      so that an exercise's `import ... from '../../dist'` resolves
 * <dir>/node_modules -> <repo>/node_modules
 * <dir>/data -> <repo>/data
 * <dir>/notebooks/exercises/     the kernel's working folder (the notebook itself is never written:
 *                                its cells, hidden tests included, travel over the kernel protocol)
 * ```
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

/** Creates a fresh sandbox folder under `workRoot` for one notebook run. */
export function createSandbox(
  workRoot: string,
  label: string,
  notebookName: string,
  limits: SandboxLimits,
): Sandbox {
  fs.mkdirSync(workRoot, { recursive: true });
  const dir = fs.mkdtempSync(path.join(workRoot, `${safe(label)}-`));
  const recordKey = randomBytes(32);
  const settings: SandboxSettings = { ...limits, recordKey: recordKey.toString('hex') };
  fs.writeFileSync(path.join(dir, sandboxSettingsFile), JSON.stringify(settings) + '\n', { mode: 0o600 });
  for (const shared of ['dist', 'node_modules', 'data']) {
    const target = path.join(repoRoot, shared);
    if (fs.existsSync(target)) fs.symlinkSync(target, path.join(dir, shared), 'dir');
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
