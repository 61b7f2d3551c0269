import { expect } from 'chai';
import { barChart, describeFigure, Figure } from '../src/index';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (figure: Figure): any => JSON.parse(JSON.stringify(figure));

describe('barChart', () => {
  it('one series: a bar per category, values and thousands labels as given', () => {
    const fig = json(barChart(['CONV1', 'POOL1', 'FC3'], [608, 0, 48120], { title: 'parameters' }));
    expect(fig.data).to.have.length(1);
    expect(fig.data[0]).to.include({ type: 'bar', textposition: 'outside' });
    expect(fig.data[0].x).to.deep.equal(['CONV1', 'POOL1', 'FC3']);
    expect(fig.data[0].y).to.deep.equal([608, 0, 48120]);
    expect(fig.data[0].text).to.deep.equal(['608', '0', '48,120']);
    expect(fig.layout.title.text).to.equal('parameters');
    expect(fig.layout.showlegend).to.equal(false);
    expect(fig.layout.yaxis.rangemode).to.equal('tozero');
  });

  it('several named series side by side, with their own labels', () => {
    const fig = json(
      barChart(
        ['a', 'b'],
        [
          { name: 'size', values: [3072, 6272], labels: ['32×32×3', '28×28×8'] },
          { name: 'params', values: [1, 608] },
        ],
      ),
    );
    expect(fig.data.map((t: { name: string }) => t.name)).to.deep.equal(['size', 'params']);
    expect(fig.data[0].text).to.deep.equal(['32×32×3', '28×28×8']);
    expect(fig.data[1].text).to.deep.equal(['1', '608']);
    expect(fig.layout.barmode).to.equal('group');
    expect(fig.layout.showlegend).to.equal(true);
  });

  it('long category names widen the figure so that they fit under their bars', () => {
    const names = ['conv, 32×32×1 input', 'conv, 32×32×3 input', 'dense, 3,072 → 4,704'];
    expect(json(barChart(['a', 'b', 'c'], [1, 2, 3])).layout.width).to.equal(480);
    expect(json(barChart(names, [1, 2, 3])).layout.width).to.equal(120 + 3 * 8 * 20);
  });

  it('logScale gives a log value axis; showLabels: false hides the labels', () => {
    const fig = json(
      barChart(['LeNet-5', 'VGG-16'], [61706, 138357544], { logScale: true, showLabels: false }),
    );
    expect(fig.layout.yaxis).to.include({ type: 'log', dtick: 1 });
    expect(fig.data[0].textposition).to.equal('none');
  });

  it('describeFigure names it a bar chart', () => {
    expect(describeFigure(barChart(['x'], [1], { title: 'one bar' }))).to.match(/bar/);
  });

  it('bad input: names the function and the problem', () => {
    expect(() => barChart([], [1])).to.throw(/barChart: categories must be a non-empty array of strings/);
    expect(() => barChart(['a', 'b'], [1])).to.throw(/barChart: series 0 has 1 values for 2 categories/);
    expect(() => barChart(['a'], [NaN])).to.throw(
      /barChart: series 0 value 0 \(a\) is NaN, not a finite number/,
    );
    expect(() => barChart(['a'], [0], { logScale: true })).to.throw(/a log scale needs values > 0/);
    expect(() => barChart(['a'], [{ name: 's', values: [1], labels: ['x', 'y'] }])).to.throw(
      /barChart: series 0 \(s\) has 2 labels for 1 categories/,
    );
    expect(() => barChart(['a'], [])).to.throw(/barChart: expected an array of numbers or of series/);
  });
});
