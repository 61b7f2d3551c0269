import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './command';

/** Notebook arguments: files as given; a folder means the .ipynb files directly inside it. */
export function expandNotebookArguments(command: string, args: string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (!fs.existsSync(arg)) throw new UsageError(`convlab ${command}: no such notebook or folder: ${arg}`);
    if (fs.statSync(arg).isDirectory()) {
      const inside = fs
        .readdirSync(arg)
        .filter((name) => name.endsWith('.ipynb'))
        .sort()
        .map((name) => path.join(arg, name));
      if (inside.length === 0) throw new UsageError(`convlab ${command}: no .ipynb files in ${arg}`);
      files.push(...inside);
    } else {
      files.push(arg);
    }
  }
  return files;
}
