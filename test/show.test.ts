import { inspect } from 'util';
/**
 * show() reaches into tslab's internals (see src/viz/show.ts). The first block checks that those
 * internals are what show.ts was written against, so a tslab upgrade that changes them fails here,
 * loudly, instead of figures silently vanishing from notebooks. The rest captures the messages
 * show() sends through a fake display writer put where tslab keeps the real one.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { DisplayData, Figure, heatmap, plotlyJs, show, tslabDisplayWriter } from '../src/index';
import { plotlyAssetPath } from '../src/viz/figureHtml';

const tslabDist = path.dirname(require.resolve('tslab/dist/jupyter.js'));
const tslabVersion = (
  JSON.parse(fs.readFileSync(path.join(tslabDist, '..', 'package.json'), 'utf8')) as { version: string }
).version;
const changed = (what: string) =>
  `tslab ${tslabVersion} changed ${what}; src/viz/show.ts was written against tslab 1.0.22: re-check how it sends display data`;

// tslab's own module objects: the same ones the kernel uses when it runs a cell
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tslabPublic = require('tslab') as { newDisplay: () => { html(s: string): void } };

describe("tslab's internals that show() relies on", () => {
  it('dist/jupyter.js exports lastWriteDisplayData (null between cells)', () => {
    expect(
      Object.prototype.hasOwnProperty.call(jupyter, 'lastWriteDisplayData'),
      changed('the exports of dist/jupyter.js'),
    ).to.equal(true);
    expect(jupyter.lastWriteDisplayData, changed('lastWriteDisplayData outside a cell')).to.equal(null);
  });

  const source = fs.readFileSync(path.join(tslabDist, 'jupyter.js'), 'utf8');

  it('every execute request stores its display writer there', () => {
    expect(source, changed('handleExecuteImpl')).to.match(
      /handleExecuteImpl\(req, writeStream, writeDisplayData\) \{[^}]*exports\.lastWriteDisplayData = writeDisplayData;/,
    );
  });

  it('the writer sends our content as is, as update_display_data when update is true', () => {
    expect(source, changed('writeDisplayData')).to.match(
      /const writeDisplayData = \(data, update\) => \{\s*const reply = msg\.createReply\(\);\s*reply\.header\.msg_type = update \? "update_display_data" : "display_data";\s*reply\.content = data;/,
    );
  });

  it('the public display.raw still sends one MIME type per message (why show() goes around it)', () => {
    const publicSource = fs.readFileSync(path.join(tslabDist, 'public.js'), 'utf8');
    expect(publicSource, changed('display.raw')).to.match(/data: \{\s*\[contentType\]: b,\s*\}/);
  });
});

describe('show()', () => {
  let sent: { content: DisplayData; update: boolean }[];
  const figure = heatmap([
    [1, 0, -1],
    [1, 0, -1],
    [1, 0, -1],
  ]);

  beforeEach(() => {
    sent = [];
    jupyter.lastWriteDisplayData = (content: DisplayData, update: boolean) => sent.push({ content, update });
  });
  afterEach(() => {
    jupyter.lastWriteDisplayData = null;
  });

  const html = (i: number) => sent[i].content.data['text/html'] as string;

  it('finds the writer tslab keeps for the running cell', () => {
    expect(tslabDisplayWriter()).to.be.a('function');
    jupyter.lastWriteDisplayData = null;
    expect(tslabDisplayWriter()).to.equal(null);
  });

  it('one display_data bundle per figure: HTML and one line of text, no Plotly JSON', () => {
    const returned = show(figure);
    expect(returned).to.equal(undefined); // nothing for tslab to print under the figure
    expect(sent).to.have.length(1);
    const { content, update } = sent[0];
    expect(update).to.equal(false);
    // application/vnd.plotly.v1+json would hand the figure to jupyterlab-plotly where it is installed
    expect(Object.keys(content.data)).to.deep.equal(['text/html', 'text/plain']);
    expect(content.data['text/plain']).to.equal('Figure: heatmap 3×3');
    expect(content.transient.display_id).to.be.a('string').and.not.equal('');
    expect(content.metadata).to.deep.equal({});
  });

  it('the HTML holds a div and a script that draws into that div', () => {
    show(figure);
    const divId = /<div id="([^"]+)" class="convlab-figure"/.exec(html(0))![1];
    expect(html(0)).to.contain(`var id = ${JSON.stringify(divId)};`);
    expect(html(0)).to.contain('document.getElementById(id)');
  });

  it('Does any figure carry plotly.js? No: each loads it from the page or the Jupyter server', () => {
    show(figure);
    show(figure);
    const bundle = plotlyJs();
    for (let i = 0; i < 2; i++) {
      expect(html(i)).to.not.contain(bundle.slice(0, 500));
      expect(html(i).length).to.be.lessThan(10_000);
      expect(html(i)).to.contain(JSON.stringify(plotlyAssetPath));
      expect(html(i)).to.contain('convlabLoadPlotly().then(');
    }
  });

  it('{ id }: the figure gets the id, update() replaces it with the same two MIME types', () => {
    const handle = show(figure, { id: 'anim' });
    expect(handle.id).to.equal('anim');
    expect(sent).to.have.length(1);
    expect(sent[0].content.transient.display_id).to.equal('anim');
    const next = heatmap([[5]]);
    expect(handle.update(next)).to.equal(undefined); // a cell ending in update() prints nothing
    expect(sent).to.have.length(2);
    expect(sent[1].update).to.equal(true);
    expect(sent[1].content.transient.display_id).to.equal('anim');
    expect(Object.keys(sent[1].content.data)).to.deep.equal(['text/html', 'text/plain']);
    expect(html(1)).to.contain('"z":[[5]]');
    expect(sent[1].content.data['text/plain']).to.equal('Figure: heatmap 1×1');
    show(heatmap([[2]]), { id: 'anim', update: true });
    expect(sent[2]).to.deep.include({ update: true });
  });

  it('the handle prints as one line in a notebook', () => {
    const handle = show(figure, { id: 'x' });
    expect(inspect(handle)).to.equal('DisplayHandle "x"');
  });

  it('outside a running cell it says where show() works', () => {
    jupyter.lastWriteDisplayData = null;
    expect(() => show(figure)).to.throw(/show: there is no notebook to draw in: .*tslab kernel.*figureHtml/);
  });

  it('bad input: not a figure, update without id, empty id', () => {
    expect(() => show({ z: [[1]] } as unknown as Figure)).to.throw(/show: expected a figure/);
    expect(() => show(figure, { update: true } as never)).to.throw(/show: update: true needs the id/);
    expect(() => show(figure, { id: '' })).to.throw(/show: id must be a non-empty string/);
    expect(sent).to.have.length(0);
  });

  describe('when tslab no longer has lastWriteDisplayData', () => {
    const originalNewDisplay = tslabPublic.newDisplay;
    let shown: { display: number; html: string }[];
    beforeEach(() => {
      delete (jupyter as { lastWriteDisplayData?: unknown }).lastWriteDisplayData;
      shown = [];
      let displays = 0;
      tslabPublic.newDisplay = () => {
        const display = displays++;
        return { html: (s: string) => shown.push({ display, html: s }) };
      };
    });
    afterEach(() => {
      tslabPublic.newDisplay = originalNewDisplay;
      jupyter.lastWriteDisplayData = null;
    });

    it("falls back to tslab's public display.html, one display per figure", () => {
      show(figure);
      show(figure);
      expect(shown.map((s) => s.display)).to.deep.equal([0, 1]);
      expect(shown[1].html).to.match(/^<div id="convlab-figure-/);
    });

    it('updates go to the same public display', () => {
      const handle = show(figure, { id: 'live' });
      handle.update(heatmap([[3]]));
      // the figure and its update on one display
      expect(shown.map((s) => s.display)).to.deep.equal([0, 0]);
      expect(shown[1].html).to.contain('"z":[[3]]');
      expect(() => show(figure, { id: 'never-shown', update: true })).to.throw(
        /show: no figure with id "never-shown"/,
      );
    });
  });
});
