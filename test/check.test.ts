import { expect } from 'chai';
import { inspect } from 'util';
import { check, tensor } from '../src/index';

describe('check (the notebooks’ ✓ lines)', () => {
  it('prints ✓ with the value when equal, tensors compared as nested arrays', () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      check('6×6 * vertical, first row', tensor([-5, -4, 0, 8]), [-5, -4, 0, 8]);
    } finally {
      console.log = log;
    }
    expect(lines).to.deep.equal(['✓ 6×6 * vertical, first row: [-5,-4,0,8]']);
  });
  it('throws naming what, the value got and the value expected', () => {
    expect(() => check('strided cell (0,2)', 88, 83)).to.throw('strided cell (0,2): got 88, expected 83');
  });
  it('Does a failed check print as the one line a student needs (tslab prints errors with console.error)?', () => {
    let thrown: unknown;
    try {
      check('strided cell (0,2)', 88, 83);
    } catch (error) {
      thrown = error;
    }
    expect(inspect(thrown)).to.equal('✗ strided cell (0,2): got 88, expected 83');
  });
});
