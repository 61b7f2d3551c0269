import { ConvlabError, ErrorShapes } from '../cnn/convlabError';
import { checkTensor, Tensor } from '../cnn/tensor';
import { Figure, PlotlyObject, titleLayout } from './figure';
import { imageFigure } from './imageFigure';

/** One entry of the explorer's first control: what is drawn (a filter's map, an edge map at a threshold). */
export interface ImageExplorerChoice {
  /** The menu entry, or the slider step's label. */
  label: string;
  /** The figure's title while this choice is shown (default: the label). */
  title?: string;
  /**
   * The picture for one image: gray (H,W) or RGB (H,W,3) with values in [0, 1] (what `colorize`
   * returns), the image's own height and width.
   */
  map: (image: Tensor) => Tensor;
}

export interface ImageExplorerOptions {
  /** The word above the first control, e.g. 'filter' or 'threshold' (default 'show'). */
  choiceName?: string;
  /** The first control: a `'dropdown'` menu (default) or a `'slider'` under the picture. */
  control?: 'dropdown' | 'slider';
  /** Width and height of the plotting area in pixels (default 510 × 460). */
  plotWidth?: number;
  plotHeight?: number;
}

// px from the top of the figure: the control's name, then the menus below it, then the title
const NAME_TOP = 4;
const MENU_TOP = 24;
const TOP_MARGIN = 110;
const SLIDER_SPACE = 80; // px under the plot for a slider and its labels

/**
 * One picture out of a table — every choice (a filter, a threshold) of every image — switched by a
 * dropdown or a slider (the choice) and a dropdown (the image). Every picture is computed here, once,
 * and travels in the figure as a PNG, so that the controls work in a notebook exported to HTML with
 * no kernel running: they only swap which PNG is shown.
 *
 * ```ts
 * show(imageExplorer(images, [
 *   { label: 'Sobel x', map: (image) => colorize(correlate2d(image, filters.sobelX, { pad: 'same' })) },
 *   { label: 'edge strength', map: (image) => colorize(gradients(image).magnitude) },
 * ], { choiceName: 'filter' }));
 * ```
 */
export function imageExplorer(
  images: readonly { name: string; image: Tensor }[],
  choices: readonly ImageExplorerChoice[],
  options: ImageExplorerOptions = {},
): Figure {
  const fn = 'imageExplorer';
  if (!Array.isArray(images) || images.length === 0) {
    throw new ConvlabError(fn, `images must be a non-empty array of { name, image }, got ${String(images)}`);
  }
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new ConvlabError(fn, `choices must be a non-empty array of { label, map }, got ${String(choices)}`);
  }
  images.forEach((entry, i) => {
    if (!entry || typeof entry.name !== 'string') {
      throw new ConvlabError(fn, `images[${i}] needs a name (a string), got ${JSON.stringify(entry?.name)}`);
    }
    checkTensor(fn, `images[${i}].image`, entry.image, [2, 3]);
  });
  choices.forEach((choice, c) => {
    if (!choice || typeof choice.label !== 'string' || typeof choice.map !== 'function') {
      throw new ConvlabError(fn, `choices[${c}] must be { label: string, map: (image) => picture }`);
    }
  });
  const control = options.control ?? 'dropdown';
  if (control !== 'dropdown' && control !== 'slider') {
    throw new ConvlabError(fn, `control must be 'dropdown' or 'slider', got ${JSON.stringify(control)}`);
  }

  // figures[choice][image]: each picture as imageFigure embeds it (a PNG, however small)
  const figures = choices.map((choice) =>
    images.map(({ name, image }) => {
      const where = `choice ${JSON.stringify(choice.label)} on image ${JSON.stringify(name)}`;
      const picture = checkTensor(fn, `the picture of ${where}`, choice.map(image), [2, 3]);
      const shapes: ErrorShapes = { image: image.shape, picture: picture.shape };
      if (picture.shape[0] !== image.shape[0] || picture.shape[1] !== image.shape[1]) {
        throw new ConvlabError(
          fn,
          `${where} gives a picture of another height or width than the image`,
          shapes,
        );
      }
      try {
        return imageFigure(picture, { maxInlinePixels: 0 });
      } catch (e) {
        const problem = e instanceof ConvlabError ? e.problem : (e as Error).message;
        throw new ConvlabError(fn, `${where}: ${problem}`, shapes, { cause: e });
      }
    }),
  );
  const sources = figures.map((row) => row.map((figure) => figure.data[0].source));
  const titles = choices.map((choice) => choice.title ?? choice.label);

  const plotWidth = options.plotWidth ?? 510;
  const plotHeight = options.plotHeight ?? 460;
  const margin = { l: 40, r: 10, t: TOP_MARGIN, b: 30 + (control === 'slider' ? SLIDER_SPACE : 0) };
  // paper coordinates of a point `px` below the top of the figure (the plot starts at margin.t)
  const fromTop = (px: number): number => 1 + (margin.t - px) / plotHeight;
  const menus: PlotlyObject[] = [];
  const annotations: PlotlyObject[] = [];
  const addMenu = (name: string, x: number, buttons: PlotlyObject[]): void => {
    menus.push({
      type: 'dropdown',
      x,
      xanchor: 'left',
      y: fromTop(MENU_TOP),
      yanchor: 'top',
      active: 0,
      buttons,
    });
    annotations.push({
      text: name,
      x,
      y: fromTop(NAME_TOP),
      xref: 'paper',
      yref: 'paper',
      xanchor: 'left',
      yanchor: 'top',
      showarrow: false,
    });
  };
  // a choice swaps every image's picture (one trace per image) and the title
  const steps: PlotlyObject[] = choices.map((choice, c) => {
    const restyle: PlotlyObject = { source: sources[c] };
    const relayout: PlotlyObject = { 'title.text': titles[c] };
    return { label: choice.label, method: 'update', args: [restyle, relayout] };
  });
  const choiceName = options.choiceName ?? 'show';
  if (control === 'dropdown') addMenu(choiceName, 0, steps);
  if (images.length > 1) {
    // an image shows its trace and hides the others
    const buttons = images.map(({ name }, i) => ({
      label: name,
      method: 'restyle',
      args: [{ visible: images.map((_, j) => j === i) }],
    }));
    addMenu('image', control === 'dropdown' ? 0.45 : 0, buttons);
  }
  const first = figures[0][0].layout;
  const layout: PlotlyObject = {
    width: plotWidth + margin.l + margin.r,
    height: plotHeight + margin.t + margin.b,
    margin,
    xaxis: first.xaxis,
    yaxis: first.yaxis,
    title: titleLayout(titles[0]),
    updatemenus: menus,
    annotations,
  };
  if (control === 'slider') {
    layout.sliders = [
      {
        active: 0,
        x: 0,
        len: 1,
        y: 0,
        yanchor: 'top',
        pad: { t: 40 },
        currentvalue: { prefix: `${choiceName}: ` },
        steps,
      },
    ];
  }
  const data = images.map((_, i) => ({ ...figures[0][i].data[0], visible: i === 0, hoverinfo: 'x+y' }));
  return { data, layout };
}
