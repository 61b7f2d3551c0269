/** readSubmission: a handed-in file is hostile; each kind of trap is refused, before reading, with a clear reason. */
import { expect } from 'chai';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import nodeFs from 'fs'; // the module object itself, which readSubmission's `fs` reads through
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import {
  SubmissionFileError,
  SubmissionLimits,
  defaultSubmissionLimits,
  readSubmission,
} from '../src/jupyter/grading/readSubmission';

const notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'convlab' } },
  cells: [
    { cell_type: 'markdown', source: '# E1', metadata: {} },
    {
      cell_type: 'code',
      source: ['const a = [[1, 2], [3, 4]];\n', 'console.log("{[\\"");'],
      metadata: { convlab: { id: 'pad', kind: 'solution' } },
      execution_count: null,
      outputs: [],
    },
  ],
};

/** A notebook document with `cells` as given (JSON text). */
const withCells = (cells: string) => `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":${cells}}`;

/** The SubmissionFileError readSubmission throws; fails the test when it reads the file instead. */
function refusal(file: string, limits?: SubmissionLimits): SubmissionFileError {
  try {
    readSubmission(file, limits);
  } catch (error) {
    if (error instanceof SubmissionFileError) return error;
    throw error;
  }
  return expect.fail(`${path.basename(file)} was read, not refused`);
}

describe('readSubmission', () => {
  let folder: string;
  const file = (name: string, content?: string | Buffer) => {
    const where = path.join(folder, name);
    if (content !== undefined) fs.writeFileSync(where, content);
    return where;
  };

  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-submission-'));
  });
  after(() => {
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('Does a valid small notebook read back equal?', () => {
    expect(readSubmission(file('E1-convolution.ipynb', JSON.stringify(notebook, null, 1)))).to.deep.equal(
      notebook,
    );
  });

  it('Does a notebook saved with a UTF-8 byte order mark read back equal?', () => {
    expect(readSubmission(file('bom.ipynb', '\uFEFF' + JSON.stringify(notebook)))).to.deep.equal(notebook);
  });

  it('Is a missing file "nothing handed in" (undefined)?', () => {
    expect(readSubmission(file('missing.ipynb'))).to.equal(undefined);
  });

  it('Is a symbolic link to a valid notebook refused?', () => {
    const target = file('real.ipynb', JSON.stringify(notebook));
    fs.symlinkSync(target, file('E1-convolution-link.ipynb'));
    expect(refusal(file('E1-convolution-link.ipynb')).message).to.equal(
      'E1-convolution-link.ipynb is a symbolic link; hand in the notebook file itself',
    );
  });

  it('Is a symbolic link to /dev/zero refused without reading it?', () => {
    fs.symlinkSync('/dev/zero', file('zero.ipynb'));
    expect(refusal(file('zero.ipynb')).message).to.equal(
      'zero.ipynb is a symbolic link; hand in the notebook file itself',
    );
  });

  it('Is a dangling symbolic link refused rather than taken as missing?', () => {
    fs.symlinkSync(path.join(folder, 'nowhere'), file('dangling.ipynb'));
    expect(refusal(file('dangling.ipynb')).message).to.match(/^dangling\.ipynb is a symbolic link;/);
  });

  it('Is a FIFO refused within a second, without blocking?', () => {
    const fifo = file('pipe.ipynb');
    execFileSync('mkfifo', [fifo]);
    // Safety net: should a regression open the FIFO blocking, this writer unblocks it after 3 s, so the
    // test fails instead of hanging mocha (a synchronous open cannot be interrupted by its timeout).
    const writer = spawn(process.execPath, [
      '-e',
      'setTimeout(() => require("fs").closeSync(require("fs").openSync(process.argv[1], "w")), 3000)',
      fifo,
    ]);
    try {
      const start = Date.now();
      expect(refusal(fifo).message).to.equal('pipe.ipynb is a FIFO (named pipe), not a file');
      expect(Date.now() - start).to.be.below(1000);
    } finally {
      writer.kill();
    }
  });

  it('Is a socket refused?', async () => {
    const server = net.createServer();
    const socket = file('socket.ipynb');
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect(refusal(socket).message).to.equal('socket.ipynb is a socket, not a file');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Is a character device (/dev/null) refused?', () => {
    expect(refusal('/dev/null').message).to.equal('null is a character device, not a file');
  });

  /** Runs `body` with one function of the fs module replaced, to stage what a race would do. */
  function patched<K extends 'lstatSync' | 'fstatSync' | 'readSync', T>(
    name: K,
    replacement: (original: (typeof nodeFs)[K]) => unknown,
    body: () => T,
  ): T {
    const original = nodeFs[name];
    Object.assign(nodeFs, { [name]: replacement(original) });
    try {
      return body();
    } finally {
      Object.assign(nodeFs, { [name]: original });
    }
  }

  /** Runs `body` with lstatSync answering for `decoy`: the file at the path was swapped after lstat. */
  const swappedAfterLstat = <T>(decoy: string, body: () => T): T =>
    patched('lstatSync', (lstatSync) => () => lstatSync(decoy), body);

  it('Is a symbolic link swapped in after lstat refused by O_NOFOLLOW?', () => {
    const decoy = file('decoy.ipynb', JSON.stringify(notebook));
    fs.symlinkSync(decoy, file('swapped-link.ipynb'));
    expect(swappedAfterLstat(decoy, () => refusal(file('swapped-link.ipynb'))).message).to.equal(
      'swapped-link.ipynb is a symbolic link; hand in the notebook file itself',
    );
  });

  it('Is a FIFO swapped in after lstat refused without blocking?', () => {
    const fifo = file('swapped-pipe.ipynb');
    execFileSync('mkfifo', [fifo]);
    const decoy = file('decoy.ipynb', JSON.stringify(notebook));
    expect(swappedAfterLstat(decoy, () => refusal(fifo)).message).to.equal(
      'swapped-pipe.ipynb is a FIFO (named pipe), not a file',
    );
  });

  it('Is a different file swapped in after lstat refused?', () => {
    const decoy = file('decoy.ipynb', JSON.stringify(notebook));
    const other = file('swapped.ipynb', JSON.stringify(notebook));
    expect(swappedAfterLstat(decoy, () => refusal(other)).message).to.equal(
      'swapped.ipynb was replaced while being read',
    );
  });

  it('Is a file that grows while being read refused?', () => {
    const grown = file('grown.ipynb', JSON.stringify(notebook));
    const smaller = (fstatSync: typeof nodeFs.fstatSync) => (fd: number) =>
      Object.assign(fstatSync(fd), { size: 10 });
    expect(patched('fstatSync', smaller, () => refusal(grown)).message).to.equal(
      'grown.ipynb grew while being read',
    );
  });

  it('Does a file growing past maxBytes while being read make it read no more than maxBytes + 1 bytes?', () => {
    const limits = { ...defaultSubmissionLimits, maxBytes: 100 };
    const huge = file('huge.ipynb', 'x'.repeat(100_000));
    let bytesRead = 0;
    const atLimit = (fstatSync: typeof nodeFs.fstatSync) => (fd: number) =>
      Object.assign(fstatSync(fd), { size: 100 });
    const counting =
      (readSync: typeof nodeFs.readSync) =>
      (fd: number, buffer: Buffer, offset: number, length: number, position: number | null) => {
        const n = readSync(fd, buffer, offset, length, position);
        bytesRead += n;
        return n;
      };
    const error = patched('fstatSync', atLimit, () =>
      patched('readSync', counting, () => refusal(huge, limits)),
    );
    expect(error.message).to.equal('huge.ipynb is more than 100 bytes; the limit is 100');
    expect(bytesRead).to.equal(101);
  });

  it('Is a directory refused?', () => {
    fs.mkdirSync(file('folder.ipynb'));
    expect(refusal(file('folder.ipynb')).message).to.equal('folder.ipynb is a directory, not a file');
  });

  it('Is a file over maxBytes refused, the sizes written with thousands separators?', () => {
    const limits = { ...defaultSubmissionLimits, maxBytes: 20_000 };
    const padded = (n: number) => withCells(`[{"cell_type":"code","source":"${'x'.repeat(n)}"}]`);
    const big = file('big.ipynb', padded(25_000 - padded(0).length));
    expect(refusal(big, limits).message).to.equal('big.ipynb is 25,000 bytes; the limit is 20,000');
  });

  it('Is a file of exactly maxBytes read?', () => {
    const text = JSON.stringify(notebook);
    const limits = { ...defaultSubmissionLimits, maxBytes: Buffer.byteLength(text) };
    expect(readSubmission(file('exact.ipynb', text), limits)).to.deep.equal(notebook);
  });

  it('Is JSON nested 1,000,000 deep refused by its depth, before JSON.parse?', () => {
    const deep = file('deep.ipynb', '['.repeat(1_000_000) + ']'.repeat(1_000_000));
    expect(refusal(deep).message).to.equal('deep.ipynb nests JSON 1,000,000 deep; the limit is 64');
  });

  it('Is unclosed nesting 1,000,000 deep refused by its depth too?', () => {
    expect(refusal(file('open.ipynb', '{"a":'.repeat(1_000_000))).message).to.equal(
      'open.ipynb nests JSON 1,000,000 deep; the limit is 64',
    );
  });

  it('Do brackets and escaped quotes inside strings not count as nesting?', () => {
    const source = '"\\"' + '[{'.repeat(500) + '"';
    const text = withCells(`[{"cell_type":"code","source":${source}}]`);
    expect(readSubmission(file('brackets.ipynb', text))?.cells[0].source).to.equal(JSON.parse(source));
  });

  it('Is a notebook one level deeper than maxDepth refused, and one at maxDepth read?', () => {
    const limits = { ...defaultSubmissionLimits, maxDepth: 4 };
    const cell = (metadata: string) => withCells(`[{"cell_type":"code","source":[],"metadata":${metadata}}]`);
    expect(readSubmission(file('depth4.ipynb', cell('{}')), limits)).to.not.equal(undefined);
    expect(refusal(file('depth5.ipynb', cell('{"a":[]}')), limits).message).to.equal(
      'depth5.ipynb nests JSON 5 deep; the limit is 4',
    );
  });

  it('Are 100,000 cells refused by the cell count?', () => {
    const cells = `[${Array(100_000).fill('{"cell_type":"code","source":""}').join(',')}]`;
    expect(refusal(file('many.ipynb', withCells(cells))).message).to.equal(
      'many.ipynb has 100,000 cells; the limit is 2,000',
    );
  });

  it('Is a file that is not UTF-8 refused?', () => {
    const bytes = Buffer.concat([Buffer.from(withCells('[]').slice(0, -1)), Buffer.from([0xff, 0xfe, 0x7d])]);
    expect(refusal(file('latin.ipynb', bytes)).message).to.equal('latin.ipynb is not UTF-8 text');
  });

  it('Is a file that is not JSON refused?', () => {
    expect(refusal(file('text.ipynb', 'print("hello")')).message).to.match(
      /^text\.ipynb is not JSON \(.+\)$/,
    );
    expect(refusal(file('empty.ipynb', '')).message).to.match(/^empty\.ipynb is not JSON \(.+\)$/);
  });

  it('Is JSON that is not an object refused?', () => {
    expect(refusal(file('array.ipynb', '[1, 2]')).message).to.equal(
      'array.ipynb is JSON but not a notebook (not a JSON object)',
    );
  });

  it('Is an nbformat 3 notebook refused?', () => {
    const old = file('old.ipynb', JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [] }));
    expect(refusal(old).message).to.equal('old.ipynb is nbformat 3; only nbformat 4 is supported');
  });

  it('Is an object with no nbformat refused?', () => {
    expect(refusal(file('plain.ipynb', '{"cells":[]}')).message).to.equal(
      'plain.ipynb has no "nbformat" number, so it is not a notebook',
    );
  });

  it('Is a notebook whose cells are not a list refused?', () => {
    expect(refusal(file('cells.ipynb', withCells('{"0":{}}'))).message).to.equal(
      'cells.ipynb has no "cells" list, so it is not a notebook',
    );
  });

  it('Is a cell that is not an object, or has no cell_type, refused?', () => {
    expect(refusal(file('null-cell.ipynb', withCells('[null]'))).message).to.equal(
      'null-cell.ipynb cell 1 is not a JSON object',
    );
    expect(refusal(file('no-type.ipynb', withCells('[{"source":""}]'))).message).to.equal(
      'no-type.ipynb cell 1 has no "cell_type" string',
    );
  });

  it('Is a cell with a numeric source, or a list with a number in it, refused?', () => {
    const numeric = withCells('[{"cell_type":"code","source":""},{"cell_type":"code","source":42}]');
    expect(refusal(file('numeric.ipynb', numeric)).message).to.equal(
      'numeric.ipynb cell 2 has a "source" that is neither a string nor a list of strings',
    );
    const mixed = withCells('[{"cell_type":"markdown","source":["a\\n",7]}]');
    expect(refusal(file('mixed.ipynb', mixed)).message).to.equal(
      'mixed.ipynb cell 1 has a "source" that is neither a string nor a list of strings',
    );
  });
});
