/**
 * Reads a student's handed-in notebook. The file comes from a stranger, so every check that can be
 * made before reading is made first: what kind of file it is (a symlink could point at another
 * student's work or at /dev/zero, a FIFO would block the grader forever), its size, its nesting depth
 * (a deep `[[[[…]]]]` overflows the stack of `JSON.parse` and of anything walking the result), and
 * only then its shape as a notebook.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Notebook } from '../notebookFormat';

export interface SubmissionLimits {
  maxBytes: number;
  maxDepth: number;
  maxCells: number;
}

/** Far above any honest exercise notebook (a few hundred kB, depth < 10, < 100 cells). */
export const defaultSubmissionLimits: SubmissionLimits = {
  maxBytes: 20_000_000,
  maxDepth: 64,
  maxCells: 2_000,
};

/** Why a submission cannot be graded; the message is shown to the teacher and the student. */
export class SubmissionFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmissionFileError';
  }
}

const count = (n: number) => n.toLocaleString('en-US');
const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;
const symlink = 'is a symbolic link; hand in the notebook file itself';

/** What a non-regular file is, said so that a student knows what to hand in instead. */
function notAFile(stat: fs.Stats): string {
  if (stat.isSymbolicLink()) return symlink;
  if (stat.isDirectory()) return 'is a directory, not a file';
  if (stat.isFIFO()) return 'is a FIFO (named pipe), not a file';
  if (stat.isSocket()) return 'is a socket, not a file';
  if (stat.isCharacterDevice()) return 'is a character device, not a file';
  if (stat.isBlockDevice()) return 'is a block device, not a file';
  return 'is not a regular file';
}

/** The deepest `[`/`{` nesting outside strings, in one pass and constant stack. */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      // Skipping the character after a backslash keeps an escaped quote from ending the string.
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return deepest;
}

/** The file's bytes, refusing anything but the regular file `expected` describes, up to maxBytes. */
function readBytes(file: string, expected: fs.Stats, maxBytes: number, fail: (why: string) => never): Buffer {
  let fd: number;
  try {
    // O_NOFOLLOW and O_NONBLOCK: a symlink or FIFO swapped in after lstat fails or returns at once.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    return fail(errorCode(error) === 'ELOOP' ? symlink : `cannot be opened (${errorCode(error)})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) fail(notAFile(stat));
    if (stat.dev !== expected.dev || stat.ino !== expected.ino) fail('was replaced while being read');
    if (stat.size > maxBytes) fail(`is ${count(stat.size)} bytes; the limit is ${count(maxBytes)}`);
    // One byte more than the file claims shows it growing; the buffer never exceeds maxBytes + 1.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    try {
      while (length < buffer.length) {
        const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
        if (n === 0) break;
        length += n;
      }
    } catch (error) {
      fail(`cannot be read (${errorCode(error)})`);
    }
    if (length > maxBytes) fail(`is more than ${count(maxBytes)} bytes; the limit is ${count(maxBytes)}`);
    if (length > stat.size) fail('grew while being read');
    return buffer.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The notebook handed in at `file`, or undefined when there is none. Throws SubmissionFileError,
 * its message starting with the file's name, when the file is anything but a plausible nbformat 4
 * notebook within `limits`.
 */
export function readSubmission(
  file: string,
  limits: SubmissionLimits = defaultSubmissionLimits,
): Notebook | undefined {
  const name = path.basename(file);
  const fail = (why: string): never => {
    throw new SubmissionFileError(`${name} ${why}`);
  };

  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    return fail(`cannot be read (${errorCode(error)})`);
  }
  if (!stat.isFile()) fail(notAFile(stat));

  const bytes = readBytes(file, stat, limits.maxBytes, fail);
  let text = '';
  try {
    // fatal: invalid bytes throw instead of becoming U+FFFD; a leading BOM is dropped, as editors write one.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail('is not UTF-8 text');
  }
  const depth = jsonDepth(text);
  if (depth > limits.maxDepth)
    fail(`nests JSON ${count(depth)} deep; the limit is ${count(limits.maxDepth)}`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`is not JSON (${(error as Error).message})`);
  }
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(parsed)) return fail('is JSON but not a notebook (not a JSON object)');
  const { nbformat, cells } = parsed;
  if (nbformat !== 4) {
    fail(
      typeof nbformat === 'number'
        ? `is nbformat ${nbformat}; only nbformat 4 is supported`
        : 'has no "nbformat" number, so it is not a notebook',
    );
  }
  if (!Array.isArray(cells)) return fail('has no "cells" list, so it is not a notebook');
  if (cells.length > limits.maxCells)
    fail(`has ${count(cells.length)} cells; the limit is ${count(limits.maxCells)}`);
  for (const [i, cell] of cells.entries()) {
    const where = `cell ${i + 1}`;
    if (!isObject(cell)) fail(`${where} is not a JSON object`);
    const { cell_type, source } = cell as Record<string, unknown>;
    if (typeof cell_type !== 'string') fail(`${where} has no "cell_type" string`);
    const lines = Array.isArray(source) && source.every((line) => typeof line === 'string');
    if (typeof source !== 'string' && !lines)
      fail(`${where} has a "source" that is neither a string nor a list of strings`);
  }
  return parsed as unknown as Notebook;
}
