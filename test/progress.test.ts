/**
 * The progress of `convlab run`, `convlab course` and the grader (src/jupyter/progress.ts), written
 * into a captured stream: a live bar only on a terminal; in a pipe, a log or CI one line per
 * notebook and not one `\r` or escape sequence (`convlab run … 2>&1 | tee log` keeps every byte).
 */
import { expect } from 'chai';
import { Progress } from '../src/jupyter/progress';

/** A stderr stand-in that keeps what is written. */
function capturedStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let written = '';
  const stream = {
    isTTY,
    columns: 100,
    write(chunk: string): boolean {
      written += chunk;
      return true;
    },
  };
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => written };
}

/** Two notebooks of 2 and 3 cells, the second stopping after one cell (two skipped), as the runner reports them. */
function runTwoNotebooks(progress: Progress): void {
  progress.notebookStarted('a.ipynb');
  progress.notebookStarted('b.ipynb');
  progress.cellDone();
  progress.cellDone();
  progress.notebookFinished('a.ipynb', '✓ a.ipynb  2/2 cells  1.0 s');
  progress.cellDone();
  progress.notebookFinished('b.ipynb', '✗ 1 failing cell(s) b.ipynb  1/3 cells  0.5 s', 2);
  progress.end();
}

/** Runs `body` with $CI set to `value` (undefined: unset), then puts it back. */
function withCi(value: string | undefined, body: () => void): void {
  const saved = process.env.CI;
  if (value === undefined) delete process.env.CI;
  else process.env.CI = value;
  try {
    body();
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
}

describe('Progress (convlab run, course, grade)', () => {
  it('Off a terminal, is there one line per finished notebook and no \\r or escape sequence?', () => {
    const { stream, text } = capturedStream(false);
    withCi(undefined, () => runTwoNotebooks(new Progress(5, stream)));
    expect(text()).to.equal('✓ a.ipynb  2/2 cells  1.0 s\n✗ 1 failing cell(s) b.ipynb  1/3 cells  0.5 s\n');
  });

  it('On a terminal with $CI set (a CI log), is it written as off a terminal?', () => {
    const { stream, text } = capturedStream(true);
    withCi('true', () => runTwoNotebooks(new Progress(5, stream)));
    expect(text()).to.not.contain('\r').and.not.contain('\x1b');
    expect(text().split('\n')).to.have.length(3); // two lines and the end
  });

  it('On a terminal, does one line redraw (\\r) and end full, with each notebook on a line of its own?', () => {
    const { stream, text } = capturedStream(true);
    withCi(undefined, () => runTwoNotebooks(new Progress(5, stream)));
    const shown = text();
    expect(shown).to.contain('\r\x1b[2K░░░░░░░░░░░░░░░░░░░░░░░░ 0/5 cells  a.ipynb');
    expect(shown).to.contain('\r\x1b[2K██████████░░░░░░░░░░░░░░ 2/5 cells  a.ipynb, b.ipynb');
    // the skipped cells count: the bar ends full before end() clears it
    expect(shown).to.contain('\r\x1b[2K████████████████████████ 5/5 cells  ');
    expect(shown).to.contain('\r\x1b[2K✓ a.ipynb  2/2 cells  1.0 s\n');
    expect(shown.endsWith('\r\x1b[2K')).to.equal(true);
  });
});
