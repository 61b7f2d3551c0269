/**
 * Finds the `// BEGIN SOLUTION` … `// END SOLUTION` and `// BEGIN HIDDEN TESTS` … `// END HIDDEN TESTS`
 * regions of a cell's source. Regions never nest and always close; a line that looks like a marker but
 * is not spelled exactly like one is an error too (a typo would otherwise release a solution).
 */
import { ExerciseFormatError, markers } from './exerciseFormat';

export type RegionKind = 'solution' | 'hidden';

/** One region; lines are 0-based indexes into `source.split('\n')`, the marker lines included. */
export interface Region {
  kind: RegionKind;
  beginLine: number;
  endLine: number;
  /** The BEGIN marker's leading whitespace (a stub is indented the same way). */
  indent: string;
}

const exact: Record<string, { kind: RegionKind; begins: boolean }> = {
  [markers.beginSolution]: { kind: 'solution', begins: true },
  [markers.endSolution]: { kind: 'solution', begins: false },
  [markers.beginHidden]: { kind: 'hidden', begins: true },
  [markers.endHidden]: { kind: 'hidden', begins: false },
};

/** Anything a teacher may have meant as a marker: `//BEGIN SOLUTION`, `// end hidden tests`, `# BEGIN …`. */
const lookalike = /^\s*(\/\/|#|\/\*)\s*(BEGIN|END)\s+(SOLUTION|HIDDEN)/i;

const names: Record<RegionKind, string> = { solution: 'SOLUTION', hidden: 'HIDDEN TESTS' };

/**
 * The regions of `source`, in order. `where` names the cell for error messages
 * (`E1.ipynb, cell 4 (id 'zeroPad')`); errors add `line N`.
 */
export function scanMarkers(source: string, where: string): Region[] {
  const lines = source.split('\n');
  const regions: Region[] = [];
  let open: Region | undefined;
  const fail = (line: number, problem: string): never => {
    throw new ExerciseFormatError(`${where}, line ${line + 1}: ${problem}`);
  };

  lines.forEach((text, line) => {
    const marker = exact[text.trim()];
    if (!marker) {
      if (lookalike.test(text)) {
        fail(
          line,
          `'${text.trim()}' looks like a marker but is not one; write exactly ` +
            Object.keys(exact)
              .map((m) => `'${m}'`)
              .join(', ') +
            ' on a line of its own',
        );
      }
      return;
    }
    if (marker.begins) {
      if (open) {
        fail(
          line,
          `BEGIN ${names[marker.kind]} inside the ${names[open.kind]} region opened at line ${open.beginLine + 1}; ` +
            'regions cannot nest',
        );
      }
      open = { kind: marker.kind, beginLine: line, endLine: -1, indent: /^\s*/.exec(text)![0] };
      return;
    }
    if (!open) fail(line, `END ${names[marker.kind]} without a BEGIN ${names[marker.kind]} before it`);
    if (open!.kind !== marker.kind) {
      fail(
        line,
        `END ${names[marker.kind]} closes the ${names[open!.kind]} region opened at line ${open!.beginLine + 1}`,
      );
    }
    open!.endLine = line;
    regions.push(open!);
    open = undefined;
  });
  if (open)
    fail(open.beginLine, `BEGIN ${names[open.kind]} is never closed (no END ${names[open.kind]} after it)`);
  return regions;
}

/** `source` with each region of `kind` replaced by `replace(region)` (lines, already indented). */
export function replaceRegions(
  source: string,
  regions: Region[],
  kind: RegionKind,
  replace: (region: Region) => string[],
): string {
  const lines = source.split('\n');
  const out: string[] = [];
  let at = 0;
  for (const region of regions.filter((r) => r.kind === kind)) {
    out.push(...lines.slice(at, region.beginLine), ...replace(region));
    at = region.endLine + 1;
  }
  out.push(...lines.slice(at));
  return out.join('\n');
}

/** The lines inside the regions of `kind` (markers excluded), one string per region. */
export function regionBodies(source: string, regions: Region[], kind: RegionKind): string[] {
  const lines = source.split('\n');
  return regions
    .filter((r) => r.kind === kind)
    .map((r) => lines.slice(r.beginLine + 1, r.endLine).join('\n'));
}
