/**
 * The figure builders are pure: each returns Plotly JSON, checked here value by value without a
 * kernel or a browser. The lecture's 6×6 example (input, vertical filter, 4×4 output) recurs.
 */
import { expect } from 'chai';
import { PNG } from 'pngjs';
import {
  confusionMatrix,
  convolutionHover,
  correlate2d,
  describeFigure,
  DIVERGING_SCALE,
  featureMaps,
  Figure,
  figureHtml,
  filterBank,
  framesFigure,
  GRAY_SCALE,
  heatmap,
  imageFigure,
  lineChart,
  plotlyJs,
  reshape,
  sideBySide,
  tensor,
  toNested,
  trainingCurves,
  zeros,
} from '../src/index';
import { formatValue } from '../src/viz/figure';
import { lectureImage, lectureOutput, verticalFilter } from './helpers/lectureExamples';

/** The figure as the notebook receives it: JSON, read back. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (figure: Figure): any => JSON.parse(JSON.stringify(figure));

/** Evaluates a hover text `a×b + c×(−d)<br>+ … <br>= r`: returns the sum of the terms and r. */
function evaluateHover(text: string): { sum: number; result: number; terms: string[] } {
  const [left, right] = text.replace(/<br>/g, ' ').split('=');
  const terms = left.split('+').map((t) => t.trim());
  const number = (s: string) => Number(s.replace(/[()]/g, '').replace('−', '-'));
  const sum = terms.reduce((total, term) => {
    const [a, b] = term.split('×').map(number);
    return total + a * b;
  }, 0);
  return { sum, result: number(right.trim()), terms };
}

describe('heatmap', () => {
  it('lecture 6×6 input: z is the matrix rows, row 0 on top, square cells', () => {
    const fig = json(heatmap(lectureImage));
    expect(fig.data).to.have.length(1);
    expect(fig.data[0].type).to.equal('heatmap');
    expect(fig.data[0].z).to.deep.equal(lectureImage);
    expect(fig.layout.yaxis.autorange).to.equal('reversed');
    expect(fig.layout.yaxis.scaleanchor).to.equal('x');
    expect(fig.layout.yaxis.scaleratio).to.equal(1);
  });

  it('a tensor view gives the same z as nested rows (transposed view of the input)', () => {
    const t = tensor(lectureImage).transpose(1, 0);
    const expected = lectureImage[0].map((_, c) => lectureImage.map((row) => row[c]));
    expect(json(heatmap(t)).data[0].z).to.deep.equal(expected);
  });

  it('6×6: the values are written in the cells', () => {
    const trace = json(heatmap(lectureImage)).data[0];
    expect(trace.text).to.deep.equal(lectureImage.map((row) => row.map(String)));
    expect(trace.texttemplate).to.equal('%{text}');
  });

  it('20×20: no values in the cells by default, and showValues: true forces them', () => {
    const big = Array.from({ length: 20 }, (_, r) => Array.from({ length: 20 }, (_, c) => r * c));
    const plain = json(heatmap(big)).data[0];
    expect(plain).to.not.have.property('text');
    expect(plain).to.not.have.property('texttemplate');
    expect(json(heatmap(big, { showValues: true })).data[0].text[3][4]).to.equal('12');
    expect(json(heatmap(lectureImage, { showValues: false })).data[0]).to.not.have.property('text');
  });

  it('13×13 is past the 12×12 limit for values', () => {
    const m = Array.from({ length: 13 }, () => new Array(13).fill(1));
    expect(json(heatmap(m)).data[0]).to.not.have.property('text');
  });

  it('signed data (lecture output, −16…8): diverging scale, symmetric range −16…16', () => {
    const trace = json(heatmap(lectureOutput)).data[0];
    expect(trace.zmin).to.equal(-16);
    expect(trace.zmax).to.equal(16);
    expect(trace.colorscale).to.deep.equal(DIVERGING_SCALE);
    expect(trace.text[3][3]).to.equal('−16');
  });

  it('non-negative data: gray scale over the data range 0…9', () => {
    const trace = json(heatmap(lectureImage)).data[0];
    expect([trace.zmin, trace.zmax]).to.deep.equal([0, 9]);
    expect(trace.colorscale).to.deep.equal(GRAY_SCALE);
  });

  it('diverging: false on signed data keeps the data range; range fixes it', () => {
    const plain = json(heatmap(lectureOutput, { diverging: false })).data[0];
    expect([plain.zmin, plain.zmax]).to.deep.equal([-16, 8]);
    expect(plain.colorscale).to.deep.equal(GRAY_SCALE);
    const fixed = json(heatmap(lectureOutput, { range: [-20, 20] })).data[0];
    expect([fixed.zmin, fixed.zmax]).to.deep.equal([-20, 20]);
  });

  it('a constant matrix still gets a colour range (0…1 for zeros)', () => {
    const trace = json(
      heatmap([
        [0, 0],
        [0, 0],
      ]),
    ).data[0];
    expect([trace.zmin, trace.zmax]).to.deep.equal([0, 1]);
  });

  it('float32 values are written to 3 significant digits, negatives with a minus sign', () => {
    const trace = json(
      heatmap(
        tensor([
          [0.1, -0.5],
          [1 / 3, 123.456],
        ]),
      ),
    ).data[0];
    expect(trace.text).to.deep.equal([
      ['0.1', '−0.5'],
      ['0.333', '123'],
    ]);
    expect(formatValue(-0)).to.equal('0');
    expect(formatValue(-1e-9)).to.equal('−1e-9');
  });

  it('float32 z holds the shortest decimal that reads back as the same float32; float64 is kept', () => {
    const values = [[0.1, -0.5, 1 / 3, 123.456, 1e-8, 16777217]];
    const z32 = json(heatmap(tensor(values))).data[0].z as number[][];
    expect(z32).to.deep.equal([[0.1, -0.5, 0.33333334, 123.456, 1e-8, 16777216]]);
    expect(z32[0].map(Math.fround)).to.deep.equal(Array.from(Float32Array.from(values[0])));
    const z64 = json(heatmap(tensor(values, 'float64'))).data[0].z as number[][];
    expect(z64).to.deep.equal(values);
  });

  it('xLabels / yLabels become tick labels; a wrong count throws', () => {
    const layout = json(heatmap([[1, 2]], { xLabels: ['a', 'b'], yLabels: ['r'] })).layout;
    expect(layout.xaxis.ticktext).to.deep.equal(['a', 'b']);
    expect(layout.xaxis.tickvals).to.deep.equal([0, 1]);
    expect(() => heatmap([[1, 2]], { xLabels: ['a'] })).to.throw(
      /heatmap: xLabels has 1 labels but the matrix has 2/,
    );
  });

  it('bad input: ragged rows, NaN, a 3-D tensor, an empty array', () => {
    expect(() => heatmap([[1, 2], [3]])).to.throw(
      /heatmap: matrix is ragged: row 1 has 1 values but row 0 has 2/,
    );
    expect(() => heatmap([[1, NaN]])).to.throw(/heatmap: matrix\[0\]\[1\] is NaN, not a finite number/);
    expect(() => heatmap(zeros([2, 2, 3]))).to.throw(
      /heatmap: matrix must have 2 dimensions, got 3 \(matrix \[2,2,3\]\)/,
    );
    expect(() => heatmap([])).to.throw(/heatmap: matrix must be a 2-D tensor/);
  });
});

describe('imageFigure', () => {
  it('RGB (2,2,3) in [0,1]: an image trace with 0–255 values', () => {
    const img = tensor([
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      [
        [0, 0, 1],
        [0.5, 0.5, 0.5],
      ],
    ]);
    const fig = json(imageFigure(img));
    expect(fig.data[0].type).to.equal('image');
    expect(fig.data[0].z).to.deep.equal([
      [
        [255, 0, 0],
        [0, 255, 0],
      ],
      [
        [0, 0, 255],
        [128, 128, 128],
      ],
    ]);
    expect(fig.layout.yaxis.autorange).to.equal('reversed');
  });

  it('gray (2,3,1): a gray heatmap over 0…1, no colour bar, no cell text', () => {
    const fig = json(
      imageFigure(
        tensor([
          [[0], [0.5], [1]],
          [[0.25], [0.75], [0]],
        ]),
      ),
    );
    const trace = fig.data[0];
    expect(trace.type).to.equal('heatmap');
    expect(trace.z).to.deep.equal([
      [0, 0.5, 1],
      [0.25, 0.75, 0],
    ]);
    expect([trace.zmin, trace.zmax]).to.deep.equal([0, 1]);
    expect(trace.colorscale).to.deep.equal(GRAY_SCALE);
    expect(trace.showscale).to.equal(false);
    expect(trace).to.not.have.property('text');
  });

  it('gray values outside 0…1 span their own range', () => {
    const trace = json(
      imageFigure([
        [0, 255],
        [128, 3],
      ]),
    ).data[0];
    expect([trace.zmin, trace.zmax]).to.deep.equal([0, 255]);
  });

  it('a 200×150 RGB image is embedded as a PNG of that size with the same pixels', () => {
    const img = zeros([200, 150, 3]);
    img.set(10, 20, 0, 1); // one red pixel at row 10, column 20
    const trace = json(imageFigure(img)).data[0];
    expect(trace).to.not.have.property('z');
    expect(trace.source).to.match(/^data:image\/png;base64,/);
    const png = PNG.sync.read(Buffer.from(trace.source.split(',')[1], 'base64'));
    expect([png.width, png.height]).to.deep.equal([150, 200]);
    const at = (10 * 150 + 20) * 4;
    expect(Array.from(png.data.subarray(at, at + 4))).to.deep.equal([255, 0, 0, 255]);
    expect(png.data[at + 4]).to.equal(0);
  });

  it('bad input: RGB outside [0,1], 4 channels', () => {
    expect(() => imageFigure(tensor([[[0, 2, 0]]]))).to.throw(
      /imageFigure: RGB values must be in \[0, 1\], got 2 at \[0,0,1\]/,
    );
    expect(() => imageFigure(zeros([2, 2, 4]))).to.throw(
      /imageFigure: image must have 1 or 3 channels, got 4 .*alpha/,
    );
  });
});

describe('featureMaps', () => {
  // (4,5,6): channel c holds c·100 + 10·row + column, so every value says where it came from
  const volume = zeros([4, 5, 6]);
  for (let h = 0; h < 4; h++)
    for (let w = 0; w < 5; w++) for (let c = 0; c < 6; c++) volume.set(h, w, c, c * 100 + 10 * h + w);
  const channel = (c: number) =>
    Array.from({ length: 4 }, (_, h) => Array.from({ length: 5 }, (_, w) => c * 100 + 10 * h + w));

  it('(4,5,6): six panels, each the values of its channel, titled channel c', () => {
    const fig = json(featureMaps(volume));
    expect(fig.data).to.have.length(6);
    fig.data.forEach((trace: { z: number[][] }, c: number) =>
      expect(trace.z, `channel ${c}`).to.deep.equal(channel(c)),
    );
    expect(fig.data.map((t: { xaxis: string; yaxis: string }) => `${t.xaxis} ${t.yaxis}`)).to.deep.equal([
      'x y',
      'x2 y2',
      'x3 y3',
      'x4 y4',
      'x5 y5',
      'x6 y6',
    ]);
    expect(fig.layout.annotations.map((a: { text: string }) => a.text)).to.deep.equal(
      [0, 1, 2, 3, 4, 5].map((c) => `channel ${c}`),
    );
  });

  it('(4,5,6) in 4 columns: panels 0–3 share a row left to right, 4–5 start the next row', () => {
    const layout = json(featureMaps(volume)).layout;
    const x = (i: number) => layout[`xaxis${i === 0 ? '' : i + 1}`].domain;
    const y = (i: number) => layout[`yaxis${i === 0 ? '' : i + 1}`].domain;
    expect(x(0)[0]).to.equal(0);
    expect(x(3)[1]).to.equal(1);
    for (let i = 1; i < 4; i++) {
      expect(x(i)[0], `panel ${i} starts right of panel ${i - 1}`).to.be.greaterThan(x(i - 1)[1]);
      expect(y(i), `panel ${i} on row 0`).to.deep.equal(y(0));
    }
    expect(x(4)).to.deep.equal(x(0));
    expect(x(5)).to.deep.equal(x(1));
    expect(y(4)[1]).to.be.lessThan(y(0)[0]);
    expect(y(4)[0]).to.equal(0);
    expect(y(0)[1]).to.be.lessThan(1); // room for the titles above row 0
    // every panel the same size; each y axis anchored to its own x axis for square cells
    const width = (i: number) => x(i)[1] - x(i)[0];
    for (let i = 1; i < 6; i++) expect(width(i)).to.be.closeTo(width(0), 1e-3);
    expect(layout.yaxis5.scaleanchor).to.equal('x5');
    expect(layout.yaxis5.anchor).to.equal('x5');
    expect(layout.xaxis5.anchor).to.equal('y5');
  });

  it('(1,4,5,6) gives the same figure as (4,5,6); columns and titles are honoured', () => {
    const batched = featureMaps(reshape(volume, [1, 4, 5, 6]));
    expect(json(batched)).to.deep.equal(json(featureMaps(volume)));
    const two = json(featureMaps(volume, { columns: 2, titles: ['a', 'b', 'c', 'd', 'e', 'f'] }));
    expect(two.layout.yaxis3.domain[1]).to.be.lessThan(two.layout.yaxis.domain[0]);
    expect(two.layout.annotations[5].text).to.equal('f');
  });

  it('bad input: a batch of 2, a 2-D tensor, wrong number of titles', () => {
    expect(() => featureMaps(zeros([2, 4, 4, 3]))).to.throw(
      /featureMaps: expected one example .* got a batch of 2 \(volume \[2,4,4,3\]\)/,
    );
    expect(() => featureMaps(zeros([4, 4]))).to.throw(
      /featureMaps: volume must have 3 or 4 dimensions, got 2/,
    );
    expect(() => featureMaps(volume, { titles: ['a'] })).to.throw(/featureMaps: 1 titles for 6 channels/);
  });
});

describe('filterBank', () => {
  it('W (3,3,2,4): one panel per filter and channel, one symmetric range for all', () => {
    const W = zeros([3, 3, 2, 4]);
    for (let i = 0; i < W.size; i++) W.data[i] = (i % 7) - 3; // −3…3
    W.set(1, 1, 0, 2, -5);
    const fig = json(filterBank(W));
    expect(fig.data).to.have.length(8);
    expect(fig.layout.annotations[3].text).to.equal('filter 1 · channel 1');
    const panel = (k: number, c: number) => fig.data[k * 2 + c].z;
    const expected = toNested(W.pick(null, null, 0, 1));
    expect(panel(1, 0)).to.deep.equal(expected);
    for (const trace of fig.data) expect([trace.zmin, trace.zmax]).to.deep.equal([-5, 5]);
    expect(fig.data[0].colorscale).to.deep.equal(DIVERGING_SCALE);
    // each row of the grid is one filter: 2 columns
    expect(fig.layout.yaxis2.domain).to.deep.equal(fig.layout.yaxis.domain);
    expect(fig.layout.yaxis3.domain[1]).to.be.lessThan(fig.layout.yaxis.domain[0]);
  });

  it('one input channel: titled filter k, values written in 3×3 cells', () => {
    const one = json(filterBank(tensor(verticalFilter.map((row) => row.map((v) => [[v]])))));
    expect(one.layout.annotations[0].text).to.equal('filter 0');
    expect(one.data[0].z).to.deep.equal(verticalFilter);
    expect(one.data[0].text).to.deep.equal(verticalFilter.map((row) => row.map(formatValue)));
    expect(json(filterBank(zeros([1, 1, 1, 4]))).data).to.have.length(4);
  });

  it('bad input: not 4-D', () => {
    expect(() => filterBank(zeros([3, 3, 1]))).to.throw(/filterBank: W must have 4 dimensions, got 3/);
  });
});

describe('sideBySide', () => {
  const output = correlate2d(tensor(lectureImage), tensor(verticalFilter));
  const fig = json(
    sideBySide(
      [
        { title: 'input', matrix: lectureImage },
        { title: 'filter', matrix: verticalFilter },
        { title: 'output', matrix: output },
      ],
      { between: ['*', '='] },
    ),
  );

  it('input * filter = output: three panels in a row with * and = between them', () => {
    expect(fig.data.map((t: { z: number[][] }) => t.z)).to.deep.equal([
      lectureImage,
      verticalFilter,
      lectureOutput,
    ]);
    const texts = fig.layout.annotations.map((a: { text: string }) => a.text);
    expect(texts).to.deep.equal(['input', '*', 'filter', '=', 'output']);
    const [, star, , equals] = fig.layout.annotations;
    expect(star.x).to.be.greaterThan(fig.layout.xaxis.domain[1]).and.lessThan(fig.layout.xaxis2.domain[0]);
    expect(equals.x).to.be.greaterThan(fig.layout.xaxis2.domain[1]).and.lessThan(fig.layout.xaxis3.domain[0]);
  });

  it('each panel with values keeps its gray grid behind it alone (a white cell still shows its edges)', () => {
    expect(fig.layout.plot_bgcolor).to.equal(undefined);
    expect(fig.layout.shapes).to.deep.equal(
      ['x', 'x2', 'x3'].map((x, i) => ({
        type: 'rect',
        xref: `${x} domain`,
        yref: `y${i === 0 ? '' : i + 1} domain`,
        x0: 0,
        x1: 1,
        y0: 0,
        y1: 1,
        fillcolor: '#c8c8c8',
        line: { width: 0 },
        layer: 'below',
      })),
    );
  });

  it('one cell size everywhere: panel widths are 6 : 3 : 4', () => {
    const width = (axis: { domain: number[] }) => axis.domain[1] - axis.domain[0];
    const cell = width(fig.layout.xaxis) / 6;
    expect(width(fig.layout.xaxis2) / 3).to.be.closeTo(cell, 1e-3);
    expect(width(fig.layout.xaxis3) / 4).to.be.closeTo(cell, 1e-3);
    const height = (axis: { domain: number[] }) => axis.domain[1] - axis.domain[0];
    expect(height(fig.layout.yaxis3) / height(fig.layout.yaxis)).to.be.closeTo(4 / 6, 1e-3);
  });

  it('accepts ready figures as panels; rejects a wrong number of operators', () => {
    const two = json(sideBySide([heatmap(verticalFilter, { title: 'k' }), imageFigure([[0, 1]])]));
    expect(two.data.map((t: { type: string }) => t.type)).to.deep.equal(['heatmap', 'heatmap']);
    expect(two.data[1].xaxis).to.equal('x2');
    expect(two.layout.annotations[0].text).to.equal('k');
    expect(() =>
      sideBySide([{ matrix: verticalFilter }, { matrix: verticalFilter }], { between: ['*', '='] }),
    ).to.throw(/sideBySide: between has 2 entries but 2 panels have 1 gaps/);
    expect(() => sideBySide([featureMaps(zeros([2, 2, 2]))])).to.throw(
      /panelGrid: panel 0 is a figure with its own subplots/,
    );
  });
});

describe('trainingCurves', () => {
  // the shape of model.fit's history
  const history = {
    epochs: [
      {
        epoch: 0,
        cost: 2.3,
        accuracy: 0.1,
        learningRate: 0.1,
        validationCost: 2.2,
        validationAccuracy: 0.15,
      },
      {
        epoch: 1,
        cost: 1.1,
        accuracy: 0.6,
        learningRate: 0.1,
        validationCost: 1.3,
        validationAccuracy: 0.55,
      },
      {
        epoch: 2,
        cost: 0.4,
        accuracy: 0.9,
        learningRate: 0.05,
        validationCost: 0.6,
        validationAccuracy: 0.85,
      },
    ],
    batches: [
      { epoch: 0, batch: 0, cost: 2.5, accuracy: 0.05 },
      { epoch: 0, batch: 1, cost: 2.1, accuracy: 0.2 },
    ],
  };

  it("fit's history: cost and accuracy panels, training solid, validation dashed", () => {
    const fig = json(trainingCurves(history));
    const [cost, valCost, accuracy, valAccuracy] = fig.data;
    expect(cost.x).to.deep.equal([0, 1, 2]);
    expect(cost.y).to.deep.equal([2.3, 1.1, 0.4]);
    expect(valCost.y).to.deep.equal([2.2, 1.3, 0.6]);
    expect(valCost.line.dash).to.equal('dash');
    expect(accuracy.y).to.deep.equal([0.1, 0.6, 0.9]);
    expect([accuracy.xaxis, accuracy.yaxis]).to.deep.equal(['x2', 'y2']);
    expect(valAccuracy.y).to.deep.equal([0.15, 0.55, 0.85]);
    expect(fig.layout.yaxis.title.text).to.equal('cost J');
    expect(fig.layout.yaxis2.tickformat).to.equal('.0%');
    expect(fig.layout.xaxis.domain[1]).to.be.lessThan(fig.layout.xaxis2.domain[0]);
  });

  it("per: 'batch' draws the batches, numbered across epochs", () => {
    const fig = json(trainingCurves(history, { per: 'batch' }));
    expect(fig.data[0].y).to.deep.equal([2.5, 2.1]);
    expect(fig.data[0].x).to.deep.equal([0, 1]);
    expect(fig.layout.xaxis.title.text).to.equal('batch');
  });

  it('plain costs: one panel, epochs from 1; NaN becomes a gap', () => {
    const fig = json(trainingCurves([3, 2, NaN, 1]));
    expect(fig.data).to.have.length(1);
    expect(fig.data[0].x).to.deep.equal([1, 2, 3, 4]);
    expect(fig.data[0].y).to.deep.equal([3, 2, null, 1]);
    expect(fig.layout).to.not.have.property('xaxis2');
  });

  it('columns { cost, accuracy } and records with loss work too', () => {
    expect(json(trainingCurves({ cost: [1, 0.5], accuracy: [0.5, 0.7] })).data[1].y).to.deep.equal([
      0.5, 0.7,
    ]);
    expect(json(trainingCurves([{ loss: 1 }, { loss: 0.5 }])).data[0].y).to.deep.equal([1, 0.5]);
  });

  it('bad input: empty, a record without cost, columns of different lengths', () => {
    expect(() => trainingCurves([])).to.throw(/trainingCurves: the history is empty/);
    expect(() => trainingCurves([{ accuracy: 1 }])).to.throw(/trainingCurves: history entry 0 has no cost/);
    expect(() => trainingCurves({ cost: [1, 2], accuracy: [1] })).to.throw(
      /trainingCurves: accuracy has 1 values but cost has 2/,
    );
  });
});

describe('framesFigure', () => {
  const thresholds = [0, 2, 4, 6, 8];
  const above = (t: number) => lectureImage.map((row) => row.map((v) => (v > t ? 1 : 0)));
  const frames = thresholds.map((t) => ({ name: t, matrix: above(t) }));

  it('5 thresholds: 5 frames named 0…8, each the thresholded image', () => {
    const fig = json(framesFigure(frames, { label: 'threshold' }));
    expect(fig.frames.map((f: { name: string }) => f.name)).to.deep.equal(['0', '2', '4', '6', '8']);
    thresholds.forEach((t, i) => expect(fig.frames[i].data[0].z, `threshold ${t}`).to.deep.equal(above(t)));
    expect(fig.data[0].z).to.deep.equal(above(0));
  });

  it('a slider with one step per frame that jumps to it', () => {
    const fig = json(framesFigure(frames, { label: 'threshold' }));
    const [slider] = fig.layout.sliders;
    expect(slider.steps).to.have.length(5);
    expect(slider.steps.map((s: { label: string }) => s.label)).to.deep.equal(['0', '2', '4', '6', '8']);
    expect(slider.steps[3].method).to.equal('animate');
    expect(slider.steps[3].args[0]).to.deep.equal(['6']);
    expect(slider.steps[3].args[1].frame.redraw).to.equal(true);
    expect(slider.currentvalue.prefix).to.equal('threshold: ');
    expect(fig.layout).to.not.have.property('updatemenus');
  });

  it('dropdown and play buttons when asked; no slider with slider: false', () => {
    const fig = json(framesFigure(frames, { slider: false, dropdown: true, play: true }));
    expect(fig.layout).to.not.have.property('sliders');
    const [dropdown, play] = fig.layout.updatemenus;
    expect(dropdown.type).to.equal('dropdown');
    expect(dropdown.buttons.map((b: { args: string[][] }) => b.args[0][0])).to.deep.equal([
      '0',
      '2',
      '4',
      '6',
      '8',
    ]);
    expect(play.buttons[0].args[0]).to.equal(null);
  });

  it('Does every panel title that changes between frames change with the slider?', () => {
    const window = (row: number, col: number) => ({
      name: `(${row},${col})`,
      figure: sideBySide([
        { title: `window at row ${row}, col ${col}`, matrix: [[row, col]] },
        { title: 'filter', matrix: [[1, -1]] },
      ]),
    });
    const fig = json(framesFigure([window(0, 0), window(2, 1)]));
    const titles = (frame: { layout: { annotations: Array<{ text: string }> } }) =>
      frame.layout.annotations.map((a) => a.text);
    expect(titles(fig.frames[0])).to.include('window at row 0, col 0').and.include('filter');
    expect(titles(fig.frames[1])).to.include('window at row 2, col 1').and.include('filter');
    expect(titles(fig.frames[1])).not.to.include('window at row 0, col 0');
    // panels whose titles never change leave the frames' layouts alone
    const still = json(
      framesFigure([
        { name: 'a', matrix: [[0]] },
        { name: 'b', matrix: [[1]] },
      ]),
    );
    expect(still.frames[1]).not.to.have.property('layout');
  });

  it('matrices share one colour range across frames', () => {
    const fig = json(
      framesFigure([
        { name: 'a', matrix: [[0, 1]] },
        { name: 'b', matrix: [[0, 10]] },
      ]),
    );
    for (const f of fig.frames) expect([f.data[0].zmin, f.data[0].zmax]).to.deep.equal([0, 10]);
  });

  it('frames can be figures (a filter dropdown over heatmaps)', () => {
    const fig = json(
      framesFigure(
        [
          { name: 'vertical', figure: heatmap(verticalFilter, { title: 'vertical' }) },
          {
            name: 'horizontal',
            figure: heatmap(
              [
                [1, 1, 1],
                [0, 0, 0],
                [-1, -1, -1],
              ],
              { title: 'horizontal' },
            ),
          },
        ],
        { dropdown: true, slider: false },
      ),
    );
    expect(fig.frames[1].data[0].z[2]).to.deep.equal([-1, -1, -1]);
    expect(fig.frames[1].layout.title.text).to.equal('horizontal');
  });

  it('bad input: repeated names, missing content, different trace counts', () => {
    expect(() =>
      framesFigure([
        { name: 1, matrix: [[1]] },
        { name: '1', matrix: [[2]] },
      ]),
    ).to.throw(/framesFigure: two frames are named "1"/);
    expect(() => framesFigure([{ name: 'a' }])).to.throw(
      /framesFigure: frame 0 \("a"\) has neither a figure nor a matrix/,
    );
    expect(() =>
      framesFigure([
        { name: 'a', figure: heatmap([[1]]) },
        { name: 'b', figure: featureMaps(zeros([2, 2, 2])) },
      ]),
    ).to.throw(/framesFigure: frame 1 has 2 traces but frame 0 has 1/);
  });
});

describe('convolutionHover', () => {
  it('lecture 6×6 * vertical filter: z is the lecture output', () => {
    expect(json(convolutionHover(lectureImage, verticalFilter)).data[0].z).to.deep.equal(lectureOutput);
  });

  it("the first output's hover text is the multiply-add that gives −5", () => {
    const hover = json(convolutionHover(lectureImage, verticalFilter)).data[0].customdata;
    expect(hover[0][0]).to.equal(
      '3×1 + 0×0 + 1×(−1)<br>+ 1×1 + 5×0 + 8×(−1)<br>+ 2×1 + 7×0 + 2×(−1)<br>= −5',
    );
  });

  it('every hover text sums to the value in its cell', () => {
    const trace = json(convolutionHover(lectureImage, verticalFilter)).data[0];
    trace.customdata.forEach((row: string[], yR: number) =>
      row.forEach((text, yC) => {
        const { sum, result, terms } = evaluateHover(text);
        expect(terms, `output [${yR},${yC}]`).to.have.length(9);
        expect(sum, `output [${yR},${yC}]`).to.equal(result);
        expect(result).to.equal(lectureOutput[yR][yC]);
      }),
    );
    expect(trace.hovertemplate).to.contain('%{customdata}');
  });

  it('pad 1: the corner window reads zeros from the padding', () => {
    const trace = json(convolutionHover(lectureImage, verticalFilter, { pad: 1 })).data[0];
    expect(trace.z).to.have.length(6);
    const { terms, sum, result } = evaluateHover(trace.customdata[0][0]);
    expect(terms.slice(0, 4)).to.deep.equal(['0×1', '0×0', '0×(−1)', '0×1']);
    expect(terms[4]).to.equal('3×0');
    expect(sum).to.equal(result);
    // by hand: left column 0+0+0 (padding), right column −(0 + 0 + 5)
    expect(result).to.equal(-5);
  });

  it('stride 2: windows start at columns 0 and 2', () => {
    const trace = json(convolutionHover(lectureImage, verticalFilter, { stride: 2 })).data[0];
    expect(trace.z).to.deep.equal([
      [-5, 0],
      [0, -4],
    ]);
    expect(evaluateHover(trace.customdata[0][1]).terms.slice(0, 3)).to.deep.equal(['1×1', '2×0', '7×(−1)']);
  });

  it('bad input: a non-square kernel, a kernel larger than the image', () => {
    expect(() => convolutionHover(lectureImage, [[1, 0]])).to.throw(
      /convolutionHover: kernel must be square \(f,f\), got 1×2/,
    );
    expect(() =>
      convolutionHover(
        [
          [1, 2],
          [3, 4],
        ],
        verticalFilter,
      ),
    ).to.throw(/^convolutionHover: .*larger than the padded input/);
  });
});

describe('confusionMatrix', () => {
  it('counts: row = true class, column = predicted class; accuracy in the title', () => {
    const labels = [0, 1, 2, 2, 1, 0, 2];
    const predictions = [0, 2, 2, 2, 1, 1, 0];
    const fig = json(confusionMatrix(labels, predictions, ['cat', 'dog', 'bird']));
    expect(fig.data[0].z).to.deep.equal([
      [1, 1, 0],
      [0, 1, 1],
      [1, 0, 2],
    ]);
    expect(fig.layout.title.text).to.equal('accuracy 57.1% (4/7)');
    expect(fig.layout.yaxis.ticktext).to.deep.equal(['cat', 'dog', 'bird']);
    expect(fig.layout.yaxis.autorange).to.equal('reversed');
    expect(fig.data[0].customdata[2][0]).to.equal('true bird, predicted cat');
  });

  it('classes as a count, labels as a 1-D tensor', () => {
    const fig = json(confusionMatrix(tensor([1, 1, 0]), [1, 0, 0], 2));
    expect(fig.data[0].z).to.deep.equal([
      [1, 0],
      [1, 1],
    ]);
    expect(fig.layout.xaxis.ticktext).to.deep.equal(['0', '1']);
  });

  it('bad input: different lengths, a label outside the classes', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).to.throw(/confusionMatrix: 2 labels but 1 predictions/);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).to.throw(
      /confusionMatrix: labels\[1\] is 3, not a class index in 0…2/,
    );
    expect(() => confusionMatrix([0], [0], 0)).to.throw(
      /confusionMatrix: classes must be a list of names or a positive class count/,
    );
  });
});

describe('lineChart', () => {
  it('plain numbers: one line over 0, 1, 2; named series get a legend', () => {
    expect(json(lineChart([1, 4, 9])).data[0]).to.include({ type: 'scatter' });
    expect(json(lineChart([1, 4, 9])).data[0].x).to.deep.equal([0, 1, 2]);
    const fig = json(lineChart([{ name: 'relu', x: [-1, 0, 1], y: [0, 0, 1] }]));
    expect(fig.data[0].name).to.equal('relu');
    expect(fig.layout.showlegend).to.equal(true);
    expect(() => lineChart([{ x: [1], y: [1, 2] }])).to.throw(
      /lineChart: series 0 has 1 x values but 2 y values/,
    );
  });
});

describe('figures are plain JSON', () => {
  const W = zeros([3, 3, 1, 2]);
  W.data.set([1, 0, -1, 2, 0, -2, 1, 0, -1, -1, -2, -1, 0, 0, 0, 1, 2, 1]);
  const figures: [string, Figure][] = [
    [
      'heatmap (float32 tensor)',
      heatmap(
        tensor([
          [0.1, -0.2],
          [0.3, 0.4],
        ]),
      ),
    ],
    ['imageFigure RGB', imageFigure(tensor([[[0.2, 0.4, 0.6]]]))],
    ['imageFigure large gray (PNG)', imageFigure(zeros([150, 150]))],
    ['featureMaps', featureMaps(zeros([3, 3, 2]))],
    ['filterBank', filterBank(W)],
    ['sideBySide', sideBySide([{ matrix: lectureImage }, { matrix: verticalFilter }], { between: ['*'] })],
    ['trainingCurves', trainingCurves([{ cost: 1, accuracy: 0.5 }])],
    ['framesFigure', framesFigure([{ name: 'a', matrix: [[1]] }], { dropdown: true, play: true })],
    ['convolutionHover', convolutionHover(lectureImage, verticalFilter, { pad: 'same' })],
    ['confusionMatrix', confusionMatrix([0, 1], [1, 1], 2)],
    ['lineChart', lineChart([1, NaN, 3])],
  ];
  for (const [name, figure] of figures) {
    it(`${name}: JSON.stringify round-trips to an equal object`, () => {
      expect(JSON.parse(JSON.stringify(figure))).to.deep.equal(figure);
    });
  }
});

describe('describeFigure', () => {
  it('names the trace, its size, panels, frames and the title', () => {
    expect(describeFigure(heatmap(lectureImage))).to.equal('Figure: heatmap 6×6');
    expect(describeFigure(heatmap(verticalFilter, { title: 'vertical' }))).to.equal(
      'Figure: heatmap 3×3 — vertical',
    );
    expect(describeFigure(featureMaps(zeros([4, 4, 8])))).to.equal('Figure: 8 panels (heatmap 4×4)');
    expect(
      describeFigure(
        framesFigure([
          { name: 1, matrix: [[1]] },
          { name: 2, matrix: [[2]] },
        ]),
      ),
    ).to.equal('Figure: heatmap 1×1, 2 frames');
    expect(describeFigure(trainingCurves([1, 2]))).to.equal('Figure: scatter');
  });
});

describe('figureHtml', () => {
  const fig = heatmap(verticalFilter, { title: 'a </script> title' });

  it('a div with a placeholder and a script that draws into that div', () => {
    const html = figureHtml(heatmap(verticalFilter, { title: 'edges & "lines"' }), { divId: 'fig-1' });
    expect(html).to.match(/^<div id="fig-1" class="convlab-figure"/);
    expect(html).to.contain('var id = "fig-1"');
    expect(html).to.contain('Plotly.newPlot(el, figure)');
    expect(html).to.contain(
      'Figure: heatmap 3×3 — edges &#38; &#34;lines&#34;. This interactive figure is drawn by JavaScript',
    );
    // the right way for each front end: JupyterLab has no File ▸ Trust Notebook
    expect(html).to.contain('JupyterLab: command palette, Ctrl+Shift+C, “Trust Notebook”');
    expect(html).to.contain('Notebook 7 and the classic Notebook: File ▸ Trust Notebook');
  });

  it('a </script> inside the figure cannot end the script early', () => {
    const html = figureHtml(fig, { divId: 'fig-1' });
    expect(html.match(/<\/script/gi)).to.have.length(1);
    const script = html.slice(html.indexOf('<script'), html.lastIndexOf('</script>'));
    const figureJson = script.slice(
      script.indexOf('var figure = ') + 13,
      script.indexOf(';\n  function convlabLoadPlotly'),
    );
    expect(JSON.parse(figureJson.replace(/<\\\//g, '</')).layout.title.text).to.equal('a </script> title');
  });

  it("Is the figure's script valid JavaScript (a browser would refuse all of it otherwise)?", () => {
    const html = figureHtml(fig, { divId: 'fig-1' });
    const script = html.slice(html.indexOf('>', html.indexOf('<script')) + 1, html.lastIndexOf('</script>'));
    expect(() => new Function(script)).not.to.throw();
  });

  it('includePlotly puts the plotly.js bundle in, verbatim, once', () => {
    const without = figureHtml(fig);
    const withPlotly = figureHtml(fig, { includePlotly: true });
    const bundle = plotlyJs();
    expect(bundle.length).to.be.greaterThan(1_000_000);
    expect(bundle).to.match(/^\/\*\*\s*\n\* plotly\.js \(cartesian - minified\)/);
    expect(withPlotly.split(bundle)).to.have.length(2);
    expect(without).to.not.contain(bundle.slice(0, 200));
    expect(withPlotly.length - without.length).to.be.closeTo(bundle.length, 200);
  });

  it('two calls give two different div ids', () => {
    const id = (html: string) => /id="([^"]+)"/.exec(html)![1];
    expect(id(figureHtml(fig))).to.not.equal(id(figureHtml(fig)));
  });

  it('bad input: a typed array inside the figure, a non-figure, a bad div id', () => {
    const typed = {
      data: [{ type: 'heatmap', z: new Float32Array([1, 2]) }],
      layout: {},
    } as unknown as Figure;
    expect(() => figureHtml(typed)).to.throw(
      /figureHtml: figure\.data\[0\]\.z is a Float32Array \(use Array\.from\)/,
    );
    const nan = { data: [{ type: 'scatter', y: [1, NaN] }], layout: {} } as Figure;
    expect(() => figureHtml(nan)).to.throw(/figureHtml: figure\.data\[0\]\.y\[1\] is NaN/);
    expect(() => figureHtml({} as Figure)).to.throw(/figureHtml: expected a figure/);
    expect(() => figureHtml(fig, { divId: 'a b' })).to.throw(/figureHtml: divId must be/);
  });
});
