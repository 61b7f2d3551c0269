/**
 * One feedback page per student: for each exercise, the points, what the grader noticed about the
 * notebook, and each test's result with its failure message. Built only from SubmissionGrade, which
 * holds no hidden test code or expected hidden values (see scoreTests and hiddenCodeScrubber).
 */
import * as fs from 'fs';
import * as path from 'path';
import { SubmissionGrade } from './gradeRecords';
import { escapeHtml } from '../../viz/escapeHtml';

function exerciseSection(grade: SubmissionGrade): string {
  const heading = `<h2>${escapeHtml(grade.exercise)} <span class="points">${grade.total} / ${grade.max}</span></h2>`;
  if (grade.status !== 'graded') {
    return `<section>\n${heading}\n<p class="problem">${escapeHtml(grade.message ?? grade.status)}</p>\n</section>`;
  }
  const notes = grade.notes.length
    ? `<ul class="notes">\n${grade.notes.map((note) => `  <li>${escapeHtml(note)}</li>`).join('\n')}\n</ul>`
    : '';
  const rows = grade.tests
    .map((test) => {
      return [
        `  <tr class="${test.passed ? 'passed' : 'failed'}">`,
        `    <td>${test.passed ? '✓' : '✗'}</td>`,
        `    <td>${escapeHtml(test.title)}<br><code>${escapeHtml(test.id)}</code></td>`,
        `    <td>${test.points} / ${test.maxPoints}</td>`,
        `    <td>${test.message ? escapeHtml(test.message) : ''}</td>`,
        '  </tr>',
      ].join('\n');
    })
    .join('\n');
  return [
    '<section>',
    heading,
    notes,
    '<table>',
    '  <tr><th></th><th>test</th><th>points</th><th>message</th></tr>',
    rows,
    '</table>',
    '</section>',
  ].join('\n');
}

/** The feedback page of one student (their grades, in exercise order). */
export function feedbackHtml(student: string, grades: SubmissionGrade[]): string {
  const total = grades.reduce((sum, grade) => sum + grade.total, 0);
  const max = grades.reduce((sum, grade) => sum + grade.max, 0);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Feedback: ${escapeHtml(student)}</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
    table { border-collapse: collapse; width: 100%; }
    td, th { border-bottom: 1px solid #ddd; padding: .4rem; text-align: left; vertical-align: top; }
    tr.passed td:first-child { color: #1a7f37; } tr.failed td:first-child { color: #cf222e; }
    .points { color: #555; font-weight: normal; } pre { white-space: pre-wrap; background: #f6f8fa; padding: .5rem; }
    .problem { color: #cf222e; }
  </style>
</head>
<body>
<h1>Feedback for ${escapeHtml(student)}</h1>
<p>Total: ${total} / ${max} points. A test earns its points when it runs without error and every value it
checks matches the teacher's solution; hidden tests use inputs you have not seen.</p>
${grades.map(exerciseSection).join('\n')}
</body>
</html>
`;
}

/** Writes feedback/<student>.html for every student; returns the paths. */
export function writeFeedback(outDir: string, grades: SubmissionGrade[]): string[] {
  const dir = path.join(outDir, 'feedback');
  fs.mkdirSync(dir, { recursive: true });
  const students = [...new Set(grades.map((grade) => grade.student))];
  return students.map((student) => {
    const file = path.join(dir, `${student}.html`);
    fs.writeFileSync(
      file,
      feedbackHtml(
        student,
        grades.filter((grade) => grade.student === student),
      ),
    );
    return file;
  });
}
