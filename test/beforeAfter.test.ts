/**
 * beforeAfter: one row per stage, before | after | after − before, as Plotly JSON (no kernel).
 */
import { expect } from 'chai';
import { ConvlabError } from '../src/cnn/convlabError';
import { beforeAfter, DIVERGING_SCALE, Figure, GRAY_SCALE, tensor } from '../src/index';
import { brightLeft } from './helpers/lectureExamples';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (figure: Figure): any => JSON.parse(JSON.stringify(figure));

// the lecture's 6×6 vertical edge, and the same edge one pixel further right
const edge = brightLeft;
const movedEdge = Array.from({ length: 6 }, () => [10, 10, 10, 10, 0, 0]);

describe('beforeAfter', () => {
  it('one stage, edge moved 1 px: three panels before, after, after − before', () => {
    const fig = json(beforeAfter([{ name: 'image', before: edge, after: movedEdge }]));
    expect(fig.data).to.have.length(3);
    expect(fig.data[0].z).to.deep.equal(edge);
    expect(fig.data[1].z).to.deep.equal(movedEdge);
    expect(fig.data[2].z).to.deep.equal(Array.from({ length: 6 }, () => [0, 0, 0, 10, 0, 0]));
    expect(fig.data.map((t: { xaxis: string }) => t.xaxis)).to.deep.equal(['x', 'x2', 'x3']);
  });

  it('are the titles the stage name, the name with afterLabel, and "difference"?', () => {
    const fig = json(
      beforeAfter([{ name: 'image', before: edge, after: movedEdge }], {
        afterLabel: 'shifted 1 px',
        title: 'a shift',
      }),
    );
    expect(fig.layout.annotations.map((a: { text: string }) => a.text)).to.deep.equal([
      'image',
      'image, shifted 1 px',
      'difference',
    ]);
    expect(fig.layout.title.text).to.equal('a shift');
  });

  it('do before and after share one gray range, and the difference a symmetric diverging one?', () => {
    const fig = json(
      beforeAfter([
        {
          name: 'm',
          before: [
            [0, 1],
            [2, 3],
          ],
          after: [
            [1, 1],
            [2, 5],
          ],
        },
      ]),
    );
    expect([fig.data[0].zmin, fig.data[0].zmax]).to.deep.equal([0, 5]);
    expect([fig.data[1].zmin, fig.data[1].zmax]).to.deep.equal([0, 5]);
    expect(fig.data[0].colorscale).to.deep.equal(GRAY_SCALE);
    expect(fig.data[2].z).to.deep.equal([
      [1, 0],
      [0, 2],
    ]);
    expect([fig.data[2].zmin, fig.data[2].zmax]).to.deep.equal([-2, 2]);
    expect(fig.data[2].colorscale).to.deep.equal(DIVERGING_SCALE);
  });

  it('two stages (tensor views welcome): two rows of three panels', () => {
    const t = tensor(edge);
    const fig = json(
      beforeAfter([
        { name: 'image', before: t, after: movedEdge },
        { name: 'left half', before: t.hi(6, 3), after: tensor(movedEdge).hi(6, 3) },
      ]),
    );
    expect(fig.data).to.have.length(6);
    expect(fig.data[5].z).to.deep.equal(Array.from({ length: 6 }, () => [0, 0, 0]));
  });

  it('does it refuse no stages and before/after of different shapes, naming the stage?', () => {
    expect(() => beforeAfter([])).to.throw(ConvlabError, /beforeAfter: expected a non-empty array/);
    expect(() => beforeAfter([{ name: 'image', before: edge, after: [[1, 2]] }])).to.throw(
      /beforeAfter: rows\[0\] \(image\): before is 6×6 but after is 1×2/,
    );
  });
});
