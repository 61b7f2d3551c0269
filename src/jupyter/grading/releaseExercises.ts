/**
 * Writes the student versions of source notebooks (see releaseSteps) and a release manifest.
 * Everything is checked before anything is written; an existing file is overwritten only with
 * `force`, and a source notebook never.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeNotebook } from '../notebookFormat';
import { exerciseMeta } from './exerciseFormat';
import { loadExercises } from './gradingEngine';

export const manifestFile = 'release-manifest.json';

/** A release that would overwrite what it must not; `problem` says what, without the `release: ` prefix. */
export class ReleaseError extends Error {
  override name = 'ReleaseError';

  constructor(readonly problem: string) {
    super(`release: ${problem}`);
  }
}

export interface ReleaseResult {
  notebooks: string[];
  manifest: string;
}

function realOrResolved(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

export function releaseExercises(
  sources: string[],
  outDir: string,
  options: { force?: boolean } = {},
): ReleaseResult {
  const exercises = loadExercises(sources);
  const targets = exercises.map((exercise) => path.join(outDir, `${exercise.name}.ipynb`));
  const manifest = path.join(outDir, manifestFile);
  const sourcePaths = new Set(sources.map(realOrResolved));
  for (const target of [...targets, manifest]) {
    if (sourcePaths.has(realOrResolved(target))) {
      throw new ReleaseError(`${target} is a source notebook; release into another folder`);
    }
    if (fs.existsSync(target) && !options.force) {
      throw new ReleaseError(`${target} already exists; use --force to overwrite it`);
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  exercises.forEach((exercise, i) => writeNotebook(targets[i], exercise.released));
  const entries = exercises.map((exercise, i) => ({
    exercise: exercise.name,
    file: path.basename(targets[i]),
    maxPoints: exercise.maxPoints,
    cells: exercise.released.cells.map((cell) => {
      const { id, kind, points, checksum } = exerciseMeta(cell);
      return { id, kind, ...(points !== undefined ? { points } : {}), ...(checksum ? { checksum } : {}) };
    }),
  }));
  fs.writeFileSync(manifest, JSON.stringify({ format: 1, exercises: entries }, null, 2) + '\n');
  return { notebooks: targets, manifest };
}
