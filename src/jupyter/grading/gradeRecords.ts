/**
 * What grading produces: one SubmissionGrade per (student, exercise), and the files written from
 * them — grades.json, grades.csv. Everything is sorted and free of timings, so grading the same
 * submissions again writes the same files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TestScore } from './scoreTests';

export interface SubmissionGrade {
  student: string;
  exercise: string;
  /**
   * `graded`; `missing` (no notebook handed in); `unreadable` (not a notebook); `failed` (the grader
   * could not run it, e.g. the Jupyter server went away).
   */
  status: 'graded' | 'missing' | 'unreadable' | 'failed';
  /** When not graded: what was wrong. */
  message?: string;
  total: number;
  max: number;
  tests: TestScore[];
  /** What the grader noticed about the notebook (deleted, duplicated, moved or edited cells). */
  notes: string[];
}

/** The boundary the kernels ran in (see gradingSession.ts): what a reader of grades.json must know. */
export interface SandboxSummary {
  boundary: 'bubblewrap' | 'node';
  /** Each protection that was missing in this run. */
  missing: string[];
}

export interface ExerciseSummary {
  exercise: string;
  maxPoints: number;
  tests: Array<{ id: string; title: string; points: number }>;
}

function csvField(value: string | number): string {
  // A field a spreadsheet would run as a formula (a student folder called `=HYPERLINK(…)`) is
  // written as text.
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** grades.csv: one row per test and one `total` row per student and exercise. */
export function gradesCsv(grades: SubmissionGrade[]): string {
  const rows = [['student', 'exercise', 'test', 'points', 'max', 'status']];
  for (const grade of grades) {
    for (const test of grade.tests)
      rows.push([grade.student, grade.exercise, test.id, String(test.points), String(test.maxPoints), '']);
    rows.push([grade.student, grade.exercise, 'total', String(grade.total), String(grade.max), grade.status]);
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/** Writes grades.json and grades.csv into `outDir`; returns their paths. */
export function writeGrades(
  outDir: string,
  exercises: ExerciseSummary[],
  grades: SubmissionGrade[],
  sandbox: SandboxSummary,
): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, 'grades.json');
  const csv = path.join(outDir, 'grades.csv');
  fs.writeFileSync(json, JSON.stringify({ sandbox, exercises, grades }, null, 2) + '\n');
  fs.writeFileSync(csv, gradesCsv(grades));
  return [json, csv];
}
