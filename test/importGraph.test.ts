/**
 * The doors between src/'s rooms open one way (DESIGN.md): cnn/ knows nothing of viz/ or jupyter/,
 * viz/ nothing of jupyter/, and inside jupyter/ the CLI (cli.ts, commands/) depends on the grading
 * code and the runner, never the reverse. Read from the import lines of every file under src/.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

const src = path.join(__dirname, '..', 'src');

/** Every .ts file below `dir`, as a path relative to src/ with `/` separators. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(src, full).split(path.sep).join('/')] : [];
  });
}

/** The src/ files `file` imports: `import … from`, `export … from`, `import('…')`, `require('…')`. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(src, file), 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;'"]*?from\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1]);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
}

/** `importer → imported` for every import between src/ files. */
const edges = sourceFiles(src).flatMap((file) =>
  importsOf(file).map((target) => ({ from: file, to: target })),
);

/**
 * The edges from files under `from` to files under `to`, leaving out those from `except`: a folder
 * ends in `/` ('' is all of src/), a file is itself (an imported one named without `.ts`).
 */
function doors(from: string, to: string, except: string[] = []): string[] {
  const inside = (file: string, place: string) =>
    place === '' || (place.endsWith('/') ? file.startsWith(place) : file === place);
  return edges
    .filter((edge) => inside(edge.from, from) && inside(edge.to, to))
    .filter((edge) => !except.some((place) => inside(edge.from, place)))
    .map((edge) => `${edge.from} → ${edge.to}`);
}

describe('import graph of src/ (one-way doors)', () => {
  it('reads the imports it is meant to check', () => {
    // a test that finds no edges would pass for the wrong reason
    expect(doors('jupyter/commands/', 'jupyter/grading/')).to.include(
      'jupyter/commands/grade.ts → jupyter/grading/gradingEngine',
    );
    expect(doors('viz/', 'cnn/').length).to.be.greaterThan(10);
  });

  it('Does cnn/ import nothing from viz/ or jupyter/?', () => {
    expect([...doors('cnn/', 'viz/'), ...doors('cnn/', 'jupyter/')]).to.deep.equal([]);
  });

  it('Does viz/ import nothing from jupyter/?', () => {
    expect(doors('viz/', 'jupyter/')).to.deep.equal([]);
  });

  it('Does the grading code (and the runner) import nothing from the CLI?', () => {
    expect([
      ...doors('jupyter/', 'jupyter/commands/', ['jupyter/commands/', 'jupyter/cli.ts']),
      ...doors('', 'jupyter/cli'),
    ]).to.deep.equal([]);
  });

  it('Does the library a notebook imports (index.ts) stay out of the CLI?', () => {
    expect([...doors('index.ts', 'jupyter/commands/'), ...doors('index.ts', 'jupyter/cli')]).to.deep.equal(
      [],
    );
  });
});
