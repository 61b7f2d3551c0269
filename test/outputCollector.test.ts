/** The runner's pure parts, without a kernel: IOPub messages → nbformat outputs, errors from stderr. */
import { expect } from 'chai';
import * as path from 'path';
import { errorFromStderr, trimKernelFrames } from '../src/jupyter/errorFromStderr';
import { parseJupyterVersions } from '../src/jupyter/findJupyter';
import { CodeCell } from '../src/jupyter/notebookFormat';
import { OutputCollector } from '../src/jupyter/outputCollector';
import { commonFolder } from '../src/jupyter/runNotebooks';

function codeCell(): CodeCell {
  return { cell_type: 'code', source: '', metadata: {}, execution_count: null, outputs: [] };
}

describe('OutputCollector', () => {
  it('merges consecutive stream text of the same name, keeps stdout and stderr apart', () => {
    const collector = new OutputCollector();
    const cell = codeCell();
    collector.startCell(cell);
    collector.handle('stream', { name: 'stdout', text: 'a\n' });
    collector.handle('stream', { name: 'stdout', text: 'b\n' });
    collector.handle('stream', { name: 'stderr', text: 'warn\n' });
    collector.handle('stream', { name: 'stdout', text: 'c\n' });
    collector.handle('status', { execution_state: 'idle' });
    expect(cell.outputs).to.deep.equal([
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      { output_type: 'stream', name: 'stderr', text: 'warn\n' },
      { output_type: 'stream', name: 'stdout', text: 'c\n' },
    ]);
  });

  it('keeps every MIME type of a display bundle, and execute_result with its count', () => {
    const collector = new OutputCollector();
    const cell = codeCell();
    collector.startCell(cell);
    const data = {
      'application/vnd.plotly.v1+json': { data: [], layout: {} },
      'text/html': '<div></div>',
      'text/plain': 'Figure',
    };
    collector.handle('display_data', { data, metadata: {}, transient: { display_id: 'f1' } });
    collector.handle('execute_result', { data: { 'text/plain': '42' }, metadata: {}, execution_count: 3 });
    expect(cell.outputs).to.deep.equal([
      { output_type: 'display_data', data, metadata: {} },
      { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '42' }, metadata: {} },
    ]);
  });

  it('update_display_data from a later cell rewrites the earlier output with that id, and adds nothing', () => {
    const collector = new OutputCollector();
    const first = codeCell();
    const second = codeCell();
    collector.startCell(first);
    collector.handle('display_data', {
      data: { 'text/plain': 'epoch 1' },
      metadata: {},
      transient: { display_id: 'cost' },
    });
    collector.handle('display_data', {
      data: { 'text/plain': 'other' },
      metadata: {},
      transient: { display_id: 'other' },
    });
    collector.startCell(second);
    collector.handle('update_display_data', {
      data: { 'text/plain': 'epoch 9' },
      metadata: { x: 1 },
      transient: { display_id: 'cost' },
    });
    collector.handle('update_display_data', {
      data: { 'text/plain': 'never shown' },
      metadata: {},
      transient: { display_id: 'nope' },
    });
    expect(first.outputs.map((output) => (output as { data: object }).data)).to.deep.equal([
      { 'text/plain': 'epoch 9' },
      { 'text/plain': 'other' },
    ]);
    expect(second.outputs).to.deep.equal([]);
  });

  it('a cell run again forgets its old displays: an update no longer reaches them', () => {
    const collector = new OutputCollector();
    const cell = codeCell();
    collector.startCell(cell);
    collector.handle('display_data', {
      data: { 'text/plain': 'old' },
      metadata: {},
      transient: { display_id: 'd' },
    });
    const old = cell.outputs[0];
    collector.startCell(cell);
    collector.handle('update_display_data', {
      data: { 'text/plain': 'new' },
      metadata: {},
      transient: { display_id: 'd' },
    });
    expect((old as { data: object }).data).to.deep.equal({ 'text/plain': 'old' });
    expect(cell.outputs).to.deep.equal([]);
  });

  it('clear_output empties the cell at once, or (wait=true) just before the next output', () => {
    const collector = new OutputCollector();
    const cell = codeCell();
    collector.startCell(cell);
    collector.handle('stream', { name: 'stdout', text: 'frame 1\n' });
    collector.handle('clear_output', { wait: true });
    expect(cell.outputs).to.have.length(1);
    collector.handle('stream', { name: 'stdout', text: 'frame 2\n' });
    expect(cell.outputs).to.deep.equal([{ output_type: 'stream', name: 'stdout', text: 'frame 2\n' }]);
    collector.handle('clear_output', { wait: false });
    expect(cell.outputs).to.deep.equal([]);
  });

  it('failCell folds the stderr into one error output (tslab sends no error message), stdout stays', () => {
    const collector = new OutputCollector();
    const cell = codeCell();
    collector.startCell(cell);
    collector.handle('stream', { name: 'stdout', text: 'before\n' });
    collector.handle('stream', {
      name: 'stderr',
      text: 'evalmachine.<anonymous>:2\n\nTypeError: x is not a function\n    at evalmachine.<anonymous>:2:1\n',
    });
    const error = collector.failCell();
    expect(cell.outputs).to.deep.equal([
      { output_type: 'stream', name: 'stdout', text: 'before\n' },
      {
        output_type: 'error',
        ename: 'TypeError',
        evalue: 'x is not a function',
        traceback: [
          'evalmachine.<anonymous>:2',
          '',
          'TypeError: x is not a function',
          '    at evalmachine.<anonymous>:2:1',
        ],
      },
    ]);
    expect(error).to.equal(cell.outputs[1]);
  });

  it('failCell with a note and no stderr (a timeout) makes the note the error value', () => {
    const collector = new OutputCollector();
    const cell = codeCell();
    collector.startCell(cell);
    const error = collector.failCell('convlab: cell timed out after 5 s');
    expect(error).to.deep.equal({
      output_type: 'error',
      ename: 'Error',
      evalue: 'convlab: cell timed out after 5 s',
      traceback: ['convlab: cell timed out after 5 s'],
    });
  });

  it('failCell keeps an error output the kernel did send', () => {
    const collector = new OutputCollector();
    const cell = codeCell();
    collector.startCell(cell);
    collector.handle('error', { ename: 'ValueError', evalue: 'bad', traceback: ['tb'] });
    collector.failCell();
    expect(cell.outputs).to.deep.equal([
      { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['tb'] },
    ]);
  });
});

describe('errorFromStderr', () => {
  it('a thrown Error: name and message from the "Error: ..." line', () => {
    const error = errorFromStderr(
      'evalmachine.<anonymous>:2\nthrow new Error("boom");\n^\n\nError: boom\n    at evalmachine.<anonymous>:2:7\n',
    );
    expect([error.ename, error.evalue]).to.deep.equal(['Error', 'boom']);
  });

  it('a Node error with a code: RangeError [ERR_OUT_OF_RANGE]', () => {
    const error = errorFromStderr('RangeError [ERR_OUT_OF_RANGE]: The value of "offset" is out of range.\n');
    expect([error.ename, error.evalue]).to.deep.equal([
      'RangeError',
      'The value of "offset" is out of range.',
    ]);
  });

  it('a TypeScript diagnostic: TypeScriptError with line:column', () => {
    const error = errorFromStderr("1:7 - Type 'string' is not assignable to type 'number'.\n");
    expect([error.ename, error.evalue]).to.deep.equal([
      'TypeScriptError',
      "1:7 Type 'string' is not assignable to type 'number'.",
    ]);
  });

  it('anything else: Error with the first non-empty line; nothing at all says so', () => {
    expect(errorFromStderr('\nsomething odd\nmore\n').evalue).to.equal('something odd');
    expect(errorFromStderr('').evalue).to.equal('the kernel reported an error and printed nothing');
  });

  it('drops the stack frames of node:vm and tslab, keeps the notebook code frames', () => {
    const stderr = [
      'Error: boom',
      '    at evalmachine.<anonymous>:2:7',
      '    at sigintHandlersWrap (node:vm:280:12)',
      '    at Script.runInThisContext (node:vm:135:14)',
      '    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:38)',
    ].join('\n');
    expect(trimKernelFrames(stderr)).to.equal('Error: boom\n    at evalmachine.<anonymous>:2:7');
  });

  it("an error's extra properties keep their opening brace when its frame is dropped (an interrupt)", () => {
    const stderr = [
      'Error: Script execution was interrupted by `SIGINT`',
      '    at Script.runInThisContext (node:vm:135:14)',
      '    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:38) {',
      "  code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED'",
      '}',
    ].join('\n');
    const error = errorFromStderr(stderr);
    expect(error.traceback).to.deep.equal([
      'Error: Script execution was interrupted by `SIGINT` {',
      "  code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED'",
      '}',
    ]);
    expect(error.evalue).to.equal('Script execution was interrupted by `SIGINT`');
  });
});

describe('runner helpers', () => {
  it('commonFolder: the deepest folder holding every notebook', () => {
    const root = path.resolve('/course');
    expect(
      commonFolder([path.join(root, 'notebooks', 'a.ipynb'), path.join(root, 'notebooks', 'ex', 'b.ipynb')]),
    ).to.equal(path.join(root, 'notebooks'));
    expect(commonFolder([path.join(root, 'a', 'x.ipynb'), path.join(root, 'b', 'y.ipynb')])).to.equal(root);
  });

  it('parseJupyterVersions reads `jupyter --version` and skips "not installed"', () => {
    const text =
      'Selected Jupyter core packages...\nIPython          : 8.5.0\njupyter_server   : 1.23.3\njupyterlab       : not installed\nnotebook         : 6.4.12\n';
    expect(parseJupyterVersions(text)).to.deep.equal({
      IPython: '8.5.0',
      jupyter_server: '1.23.3',
      notebook: '6.4.12',
    });
  });
});
