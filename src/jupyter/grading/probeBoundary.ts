/**
 * Which boundary this machine can build around a grading kernel, asked of the kernel's launcher
 * (kernels/grading/kernels/convlab-grade/launch.js), and the warning a grader prints when protections
 * are missing.
 */
import { spawnSync } from 'child_process';
import { gradingLauncher } from './sandbox';

/** The boundary the launcher can build on this machine (`launch.js --probe`). */
export interface BoundaryReport {
  boundary: 'bubblewrap' | 'node';
  /** Each protection that is missing, and what that lets a submission do. */
  missing: string[];
  /** Why bubblewrap did not work, when it did not. */
  detail: string;
}

/** Asks the launcher which protections this machine can give (it starts a tiny sandbox). */
export function probeBoundary(): BoundaryReport {
  const result = spawnSync(process.execPath, [gradingLauncher, '--probe'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  try {
    return JSON.parse(result.stdout) as BoundaryReport;
  } catch {
    return {
      boundary: 'node',
      missing: ['every OS-level protection: the launcher could not be asked'],
      detail: (result.stderr || result.error?.message || '').trim().split('\n')[0],
    };
  }
}

/** The loud warning for a weak boundary, or '' when nothing is missing. */
export function boundaryWarning(report: BoundaryReport): string {
  if (report.missing.length === 0) return '';
  const bar = '!'.repeat(78);
  return [
    bar,
    `WARNING: grading kernels run WITHOUT ${report.boundary === 'node' ? 'an OS-level sandbox' : 'some protections'}.`,
    ...(report.detail ? [`  (${report.detail})`] : []),
    'Missing:',
    ...report.missing.map((item) => `  - ${item}`),
    report.boundary === 'node'
      ? 'Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) before grading work you do not trust.'
      : 'See the README ("What the grader protects against").',
    bar,
    '',
  ].join('\n');
}
