import { Cell, Notebook, cellSource } from '../../notebookFormat';
import { exerciseMeta } from '../exerciseFormat';
import { cellChecksum } from './recordChecksums';
import { NotebookStep } from './notebookStep';

/** Where mergeSubmission writes what it noticed (shown to the student in the feedback). */
export function mergeNotes(notebook: Notebook): string[] {
  const convlab = notebook.metadata.convlab as { notes?: string[] } | undefined;
  return convlab?.notes ?? [];
}

/** The id a student's cell carries, if any (students' notebooks are untrusted JSON). */
function idOf(cell: unknown): string | undefined {
  const id = (cell as { metadata?: { convlab?: { id?: unknown } } })?.metadata?.convlab?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Rebuilds a submission in the teacher's cell order: readonly and tests cells come from `source`
 * (whatever the student did to theirs), solution and free cells from the student's cell with the
 * same id — the first one if they duplicated it, the released stub if they deleted it. Cells the
 * student added are dropped. Deleting, duplicating, reordering or editing teacher cells thus gains
 * nothing and loses nothing; each is noted in metadata.convlab.notes for the feedback.
 *
 * `released` is `source` after the release steps: it holds the stubs and the checksums.
 */
export function mergeSubmission(source: Notebook, released: Notebook): NotebookStep {
  return (student) => {
    const notes: string[] = [];
    const theirs = new Map<string, Cell[]>();
    const studentCells: unknown[] = Array.isArray(student.cells) ? student.cells : [];
    for (const cell of studentCells) {
      const id = idOf(cell);
      if (id !== undefined) theirs.set(id, [...(theirs.get(id) ?? []), cell as Cell]);
    }
    const teacherIds = source.cells.map((cell) => exerciseMeta(cell).id);
    const added = studentCells.filter((cell) => !teacherIds.includes(idOf(cell) ?? '')).length;
    if (added > 0) {
      notes.push(
        `${added} cell(s) you added were not run: the grader runs only the exercise's own cells, so keep your code in the solution cells`,
      );
    }
    const order = studentCells
      .map(idOf)
      .filter((id): id is string => id !== undefined && teacherIds.includes(id));
    const firstSeen = order.filter((id, i) => order.indexOf(id) === i);
    if (firstSeen.some((id, i) => id !== teacherIds.filter((t) => firstSeen.includes(t))[i])) {
      notes.push("some cells were moved; they were run in the exercise's own order");
    }

    const cells = source.cells.map((teacherCell, index): Cell => {
      const meta = exerciseMeta(teacherCell);
      const copies = theirs.get(meta.id) ?? [];
      const stub = released.cells[index];
      const teacherOwned = meta.kind === 'readonly' || meta.kind === 'tests';
      const what = meta.kind === 'tests' ? 'test cell' : meta.kind === 'readonly' ? 'read-only cell' : 'cell';
      if (copies.length > 1) {
        notes.push(
          `${what} '${meta.id}' appears ${copies.length} times; ${teacherOwned ? 'the original was used' : 'the first one was graded'}`,
        );
      }
      if (teacherOwned) {
        if (copies.length === 0) notes.push(`${what} '${meta.id}' was deleted; the original was used`);
        else if (cellChecksum(copies[0]) !== exerciseMeta(stub).checksum)
          notes.push(`${what} '${meta.id}' was changed; the original was used`);
        return structuredClone(teacherCell);
      }
      const mine = copies[0];
      if (
        mine === undefined ||
        mine.cell_type !== teacherCell.cell_type ||
        typeof cellSource(mine) !== 'string'
      ) {
        notes.push(
          mine === undefined
            ? `${what} '${meta.id}' is missing; the unsolved version was used`
            : `${what} '${meta.id}' is not a ${teacherCell.cell_type} cell any more; the unsolved version was used`,
        );
        return structuredClone(stub);
      }
      const cell = structuredClone(teacherCell);
      cell.source = cellSource(mine);
      return cell;
    });
    return {
      ...structuredClone(source),
      cells,
      metadata: { ...structuredClone(source.metadata), convlab: { notes } },
    };
  };
}
