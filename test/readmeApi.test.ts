/**
 * The README's API table names every export of src/index.ts, values and types alike, so that it
 * cannot drift from the library again. The exports come from the TypeScript checker (`export *`
 * re-exports included); the table's names from its code spans, with argument lists left out, so
 * that `show(figure)` names `show` and not a `figure`.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..');

/** Every name src/index.ts exports, as `import * as cl` and `import type` see them. */
function exportsOfIndex(): string[] {
  const index = path.join(root, 'src', 'index.ts');
  const program = ts.createProgram([index], { strict: true, esModuleInterop: true, noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
  return checker.getExportsOfModule(module).map((symbol) => symbol.name);
}

/** The rows of the table under `## The API in brief`. */
function apiTableRows(readme: string): string[] {
  const section = readme.split(/^## The API in brief$/m)[1]?.split(/^## /m)[0] ?? '';
  return section.split('\n').filter((line) => line.startsWith('|'));
}

/** The identifiers the rows name in code spans: `conv2d(x, W, b)` → conv2d, `filters.{a, b}` → filters, a, b. */
function namesInRows(rows: string[]): Set<string> {
  const names = new Set<string>();
  for (const row of rows) {
    for (const [, span] of row.matchAll(/`([^`]+)`/g)) {
      let text = span;
      // innermost argument lists first, until none is left
      while (/\([^()]*\)/.test(text)) text = text.replace(/\([^()]*\)/g, '');
      for (const [name] of text.matchAll(/[A-Za-z_$][\w$]*/g)) names.add(name);
    }
  }
  return names;
}

describe("README's API table", () => {
  const rows = apiTableRows(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));

  it('reads the table it is meant to check', () => {
    // a section renamed or moved would leave nothing to compare, and every export "missing"
    expect(rows.length).to.be.greaterThan(5);
    expect(namesInRows(['| x | `show(figure)`, `filters.{sobelX, sobelY}` |'])).to.deep.equal(
      new Set(['show', 'filters', 'sobelX', 'sobelY']),
    );
  });

  it('Does every export of src/index.ts have a place in the table?', function () {
    this.timeout(120_000); // the checker reads the whole library: seconds on a busy machine
    const exported = exportsOfIndex();
    expect(exported).to.include.members(['conv2d', 'Tensor', 'check', 'ConvlabError']);
    const named = namesInRows(rows);
    expect(exported.filter((name) => !named.has(name)).sort()).to.deep.equal([]);
  });
});
