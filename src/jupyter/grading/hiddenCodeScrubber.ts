/**
 * Removes hidden test code from text shown to students (feedback messages, tracebacks, outputs).
 *
 * The grader runs hidden tests after every other cell, so nothing printed before them can contain
 * their code, and it shows no student-chosen text from the hidden part at all (see scoreTests). This
 * is the second line: any line of a message that contains a line of hidden code, or a stack frame
 * pointing into the hidden part, is replaced.
 */
import { Notebook, cellSource } from '../notebookFormat';
import { exerciseMeta } from './exerciseFormat';
import { regionBodies, scanMarkers } from './scanMarkers';

/** Lines shorter than this (`}`, `x = 1;`) say nothing about the tests and are common elsewhere. */
const minimumLength = 8;

export const scrubbedLine = '[hidden test code removed]';

/** A scrubber for the hidden tests of a (checked) source notebook. */
export function hiddenCodeScrubber(source: Notebook, name: string): (text: string) => string {
  const hiddenLines = new Set<string>();
  source.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code' || exerciseMeta(cell).kind !== 'tests') return;
    const text = cellSource(cell);
    for (const body of regionBodies(text, scanMarkers(text, `${name}, cell ${index}`), 'hidden')) {
      for (const line of body.split('\n')) {
        const trimmed = line.trim();
        if (trimmed.length >= minimumLength && !trimmed.startsWith('//')) hiddenLines.add(trimmed);
      }
    }
  });
  const patterns = [...hiddenLines];
  return (text: string) =>
    text
      .split('\n')
      .map((line) => (patterns.some((hidden) => line.includes(hidden)) ? scrubbedLine : line))
      .join('\n');
}
