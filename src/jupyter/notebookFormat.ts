/**
 * The parts of the nbformat 4 notebook format (https://nbformat.readthedocs.io) the runner reads
 * and writes. Notebooks are plain JSON; these types name the fields we touch and keep the rest.
 */
import * as fs from 'fs';

/** A MIME bundle: MIME type → content (text as a string or list of lines, JSON as an object). */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}

export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: 'code';
  source: string | string[];
  metadata: Record<string, unknown>;
  execution_count: number | null;
  outputs: Output[];
  id?: string;
}

export interface TextCell {
  cell_type: 'markdown' | 'raw';
  source: string | string[];
  metadata: Record<string, unknown>;
  id?: string;
}

export type Cell = CodeCell | TextCell;

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: {
    kernelspec?: { name: string; display_name?: string; language?: string };
    [key: string]: unknown;
  };
  cells: Cell[];
}

/** A cell's source as one string (nbformat allows a string or a list of lines). */
export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** Reads an .ipynb file; throws naming the file when it is not an nbformat 4 notebook. */
export function readNotebook(file: string): Notebook {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`readNotebook: cannot read ${file} as JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const notebook = parsed as Notebook;
  if (typeof notebook !== 'object' || notebook === null || !Array.isArray(notebook.cells)) {
    throw new Error(`readNotebook: ${file} has no "cells" list, so it is not a notebook`);
  }
  if (notebook.nbformat !== 4) {
    throw new Error(`readNotebook: ${file} is nbformat ${notebook.nbformat}; only nbformat 4 is supported`);
  }
  return notebook;
}

/** Writes a notebook the way Jupyter does (1-space indent, trailing newline) so diffs stay small. */
export function writeNotebook(file: string, notebook: Notebook): void {
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + '\n');
}

/** The kernel a notebook asks for (`metadata.kernelspec.name`), `convlab` when it names none. */
export function kernelName(notebook: Notebook): string {
  return notebook.metadata.kernelspec?.name ?? 'convlab';
}
