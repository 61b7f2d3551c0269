/**
 * htmlTable: the lecture's table as HTML (notebook 11), checked as a string (no kernel).
 */
import { expect } from 'chai';
import { ConvlabError } from '../src/cnn/convlabError';
import { htmlTable } from '../src/index';

describe('htmlTable', () => {
  it("CONV1 row of the lecture's table: header cells, text left, 608 right", () => {
    const html = htmlTable(['layer', '# parameters'], [['CONV1 (f=5, s=1)', 608]]);
    expect(html).to.equal(
      '<table><thead><tr>' +
        '<th style="text-align:left;padding:2px 10px">layer</th>' +
        '<th style="text-align:left;padding:2px 10px"># parameters</th>' +
        '</tr></thead><tbody><tr>' +
        '<td style="text-align:left;padding:2px 10px">CONV1 (f=5, s=1)</td>' +
        '<td style="text-align:right;padding:2px 10px">608</td>' +
        '</tr></tbody></table>',
    );
  });

  it('are numbers written with thousands commas (48120 → 48,120, 62958 → 62,958)?', () => {
    const html = htmlTable(
      ['layer', 'params'],
      [
        ['FC3', 48120],
        ['total', 62958],
      ],
    );
    expect(html).to.contain('>48,120</td>');
    expect(html).to.contain('>62,958</td>');
  });

  it('is text escaped, so that a cell cannot open a tag?', () => {
    const html = htmlTable(['a'], [['<img src=x onerror=alert(1)> & "q"']]);
    expect(html).to.contain('&#60;img src=x onerror=alert(1)&#62; &#38; &#34;q&#34;');
    expect(html).not.to.contain('<img');
  });

  it('does it refuse an empty header and a row of the wrong length, naming the row?', () => {
    expect(() => htmlTable([], [])).to.throw(ConvlabError, /htmlTable: expected a non-empty header/);
    expect(() => htmlTable(['a', 'b'], [['x', 1], ['y']])).to.throw(
      ConvlabError,
      /htmlTable: row 1 has 1 cells but the header has 2/,
    );
  });
});
