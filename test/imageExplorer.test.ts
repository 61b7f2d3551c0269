/**
 * imageExplorer: one picture out of a table (choice × image), switched by a dropdown or a slider and
 * an image dropdown. The figure JSON is checked value by value on two tiny images, PNGs decoded.
 */
import { expect } from 'chai';
import { PNG } from 'pngjs';
import { Figure, imageExplorer, ImageExplorerChoice, tensor, Tensor, toNested } from '../src/index';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (figure: Figure): any => JSON.parse(JSON.stringify(figure));

/** The gray levels (0–255, red channel) of an embedded PNG, as rows. */
function pngRows(source: string): number[][] {
  const png = PNG.sync.read(Buffer.from(source.split(',')[1], 'base64'));
  return Array.from({ length: png.height }, (_, h) =>
    Array.from({ length: png.width }, (_, w) => png.data[(h * png.width + w) * 4]),
  );
}

const images = [
  {
    name: 'ramp',
    image: tensor([
      [0, 0.2, 0.4],
      [0.6, 0.8, 1],
    ]),
  },
  {
    name: 'dark',
    image: tensor([
      [0, 0, 0],
      [0, 0, 1],
    ]),
  },
];
const invert = (image: Tensor): Tensor =>
  tensor((toNested(image) as number[][]).map((row) => row.map((v) => 1 - v)));
const choices: ImageExplorerChoice[] = [
  { label: 'as is', map: (image) => image },
  { label: 'inverted', title: 'the image inverted', map: invert },
];

describe('imageExplorer', () => {
  it('2 images: one image trace each, only the first visible, showing choice 0 as a PNG', () => {
    const fig = json(imageExplorer(images, choices, { choiceName: 'filter' }));
    expect(fig.data).to.have.length(2);
    expect(fig.data.map((t: { type: string }) => t.type)).to.deep.equal(['image', 'image']);
    expect(fig.data.map((t: { visible: boolean }) => t.visible)).to.deep.equal([true, false]);
    expect(fig.data[0].hoverinfo).to.equal('x+y');
    expect(pngRows(fig.data[0].source)).to.deep.equal([
      [0, 51, 102],
      [153, 204, 255],
    ]);
    expect(pngRows(fig.data[1].source)).to.deep.equal([
      [0, 0, 0],
      [0, 0, 255],
    ]);
    expect(fig.layout.title.text).to.equal('as is');
  });

  it("the filter dropdown: one entry per choice, swapping every trace's PNG and the title", () => {
    const fig = json(imageExplorer(images, choices, { choiceName: 'filter' }));
    const [choiceMenu, imageMenu] = fig.layout.updatemenus;
    expect(choiceMenu.type).to.equal('dropdown');
    expect(choiceMenu.buttons.map((b: { label: string }) => b.label)).to.deep.equal(['as is', 'inverted']);
    const [inverted] = choiceMenu.buttons.slice(1);
    expect(inverted.method).to.equal('update');
    expect(inverted.args[1]).to.deep.equal({ 'title.text': 'the image inverted' });
    expect(inverted.args[0].source.map(pngRows)).to.deep.equal([
      [
        [255, 204, 153],
        [102, 51, 0],
      ],
      [
        [255, 255, 255],
        [255, 255, 0],
      ],
    ]);
    expect(choiceMenu.buttons[0].args[0].source).to.deep.equal(
      fig.data.map((t: { source: string }) => t.source),
    );
    expect(choiceMenu.buttons[0].args[1]).to.deep.equal({ 'title.text': 'as is' });
    expect(imageMenu.buttons.map((b: { label: string }) => b.label)).to.deep.equal(['ramp', 'dark']);
    expect(imageMenu.buttons.map((b: { method: string }) => b.method)).to.deep.equal(['restyle', 'restyle']);
    expect(imageMenu.buttons.map((b: { args: [{ visible: boolean[] }] }) => b.args[0].visible)).to.deep.equal(
      [
        [true, false],
        [false, true],
      ],
    );
    expect(fig.layout).to.not.have.property('sliders');
  });

  it('layout: 560×600 px, the menus side by side under their names, above the plot', () => {
    const fig = json(imageExplorer(images, choices, { choiceName: 'filter' }));
    expect([fig.layout.width, fig.layout.height]).to.deep.equal([560, 600]);
    expect(fig.layout.margin).to.deep.equal({ l: 40, r: 10, t: 110, b: 30 });
    expect(fig.layout.updatemenus.map((m: { x: number }) => m.x)).to.deep.equal([0, 0.45]);
    // y in paper units over a 460 px plot: the names 4 px and the menus 24 px below the figure's top
    const nameY = 1 + (110 - 4) / 460;
    const menuY = 1 + (110 - 24) / 460;
    expect(fig.layout.updatemenus.map((m: { y: number }) => m.y)).to.deep.equal([menuY, menuY]);
    expect(
      fig.layout.annotations.map((a: { text: string; x: number; y: number }) => [a.text, a.x, a.y]),
    ).to.deep.equal([
      ['filter', 0, nameY],
      ['image', 0.45, nameY],
    ]);
    // the axes of an image: row 0 on top, square pixels
    expect(fig.layout.yaxis.autorange).to.equal('reversed');
    expect(fig.layout.yaxis.scaleanchor).to.equal('x');
  });

  it("control: 'slider': one step per choice under the plot, only the image menu above", () => {
    const fig = json(imageExplorer(images, choices, { choiceName: 'threshold', control: 'slider' }));
    const [slider] = fig.layout.sliders;
    expect(slider.steps.map((s: { label: string }) => s.label)).to.deep.equal(['as is', 'inverted']);
    expect(slider.steps[1].method).to.equal('update');
    expect(slider.steps[1].args[1]).to.deep.equal({ 'title.text': 'the image inverted' });
    expect(slider.steps[1].args[0].source.map(pngRows)[1][1]).to.deep.equal([255, 255, 0]);
    expect(slider.currentvalue.prefix).to.equal('threshold: ');
    expect(slider.active).to.equal(0);
    expect(fig.layout.updatemenus).to.have.length(1);
    expect(fig.layout.updatemenus[0].x).to.equal(0);
    expect(fig.layout.annotations.map((a: { text: string }) => a.text)).to.deep.equal(['image']);
    expect([fig.layout.height, fig.layout.margin.b]).to.deep.equal([680, 110]);
  });

  it('one image: no image menu; plotWidth and plotHeight size the figure', () => {
    const fig = json(imageExplorer(images.slice(0, 1), choices, { plotWidth: 200, plotHeight: 100 }));
    expect(fig.layout.updatemenus).to.have.length(1);
    expect(fig.layout.annotations.map((a: { text: string }) => a.text)).to.deep.equal(['show']);
    expect([fig.layout.width, fig.layout.height]).to.deep.equal([250, 240]);
  });

  it('the figure is plain JSON (it survives JSON.stringify unchanged)', () => {
    const figure = imageExplorer(images, choices, { control: 'slider' });
    expect(json(figure)).to.deep.equal(figure);
  });

  it('bad input: no images, no choices, a bad control, a picture of another size, an unpaintable picture', () => {
    expect(() => imageExplorer([], choices)).to.throw(/^imageExplorer: images must be a non-empty array/);
    expect(() => imageExplorer(images, [])).to.throw(/^imageExplorer: choices must be a non-empty array/);
    expect(() => imageExplorer(images, choices, { control: 'knob' as 'slider' })).to.throw(
      /^imageExplorer: control must be 'dropdown' or 'slider', got "knob"/,
    );
    expect(() => imageExplorer([{ name: 'x', image: [[1]] as unknown as Tensor }], choices)).to.throw(
      /^imageExplorer: images\[0\]\.image must be an ndarray/,
    );
    const crop: ImageExplorerChoice = { label: 'crop', map: (image) => image.hi(1, 3) };
    expect(() => imageExplorer(images, [crop])).to.throw(
      'imageExplorer: choice "crop" on image "ramp" gives a picture of another height or width than the image (image [2,3], picture [1,3])',
    );
    const fourChannels: ImageExplorerChoice = { label: 'rgba', map: () => tensor([[[0, 0, 0, 1]]]) };
    expect(() => imageExplorer([{ name: 'dot', image: tensor([[0.5]]) }], [fourChannels])).to.throw(
      /^imageExplorer: choice "rgba" on image "dot": (imageFigure: )?image must have 1 or 3 channels, got 4.*\(image \[1,1\], picture \[1,1,4\]\)$/,
    );
  });
});
