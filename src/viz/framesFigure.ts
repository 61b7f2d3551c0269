import {
  Figure,
  FigureFrame,
  isFigure,
  Json,
  MatrixLike,
  PlotlyObject,
  rangeOf,
  TITLE_MARGIN,
  titleLayout,
  toRows,
} from './figure';
import { colorRange, heatmap, HeatmapOptions } from './heatmap';
import { ConvlabError } from '../cnn/convlabError';

/** One state of a stepped figure: a figure, or a matrix drawn as a heatmap. */
export interface FrameInput {
  name: string | number;
  figure?: Figure | MatrixLike;
  matrix?: MatrixLike;
}

export interface FramesFigureOptions extends Pick<
  HeatmapOptions,
  'showValues' | 'diverging' | 'colorscale' | 'range'
> {
  title?: string;
  /** A slider under the figure, one step per frame (default true). */
  slider?: boolean;
  /** A dropdown menu above the figure, one entry per frame (default false). */
  dropdown?: boolean;
  /** Play / pause buttons that run through the frames (default false). */
  play?: boolean;
  /** Milliseconds per frame when playing (default 300). */
  frameDuration?: number;
  /** Written before the current frame's name, e.g. 'angle' → "angle: 45°". */
  label?: string;
}

function frameContent(fn: string, frame: FrameInput, i: number): Figure | number[][] {
  if (!frame || typeof frame !== 'object')
    throw new ConvlabError(fn, `frame ${i} must be { name, figure } or { name, matrix }, got ${frame}`);
  const content = frame.matrix ?? frame.figure;
  if (content === undefined)
    throw new ConvlabError(
      fn,
      `frame ${i} (${JSON.stringify(frame.name)}) has neither a figure nor a matrix`,
    );
  return isFigure(content) ? content : toRows(fn, `frame ${i} matrix`, content);
}

/**
 * A figure that steps through frames with a slider, a dropdown and/or play buttons — a filter
 * dropdown, an angle or threshold slider, a filter learning epoch by epoch. Matrices share one colour
 * range, so that a colour means the same value in every frame.
 *
 * ```ts
 * show(framesFigure(angles.map((a) => ({ name: `${a}°`, matrix: edges(img, a) })), { label: 'angle' }));
 * ```
 */
export function framesFigure(frames: FrameInput[], options: FramesFigureOptions = {}): Figure {
  const fn = 'framesFigure';
  if (!Array.isArray(frames) || frames.length === 0) {
    throw new ConvlabError(
      fn,
      `expected a non-empty array of frames { name, figure | matrix }, got ${frames}`,
    );
  }
  const names = frames.map((f, i) => {
    if (!f || (typeof f.name !== 'string' && typeof f.name !== 'number')) {
      throw new ConvlabError(
        fn,
        `frame ${i} needs a name (string or number), got ${JSON.stringify(f?.name)}`,
      );
    }
    return String(f.name);
  });
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined)
    throw new ConvlabError(fn, `two frames are named ${JSON.stringify(repeated)}; names must be unique`);

  const contents = frames.map((f, i) => frameContent(fn, f, i));
  const matrices = contents.filter((c): c is number[][] => !isFigure(c));
  let range = options.range;
  if (!range && matrices.length > 0) {
    const ranges = matrices.map(rangeOf);
    const shared = colorRange(
      [[Math.min(...ranges.map(([lo]) => lo)), Math.max(...ranges.map(([, hi]) => hi))]],
      options,
    );
    range = [shared.zmin, shared.zmax];
  }
  const figures = contents.map((c) =>
    isFigure(c)
      ? c
      : heatmap(c, {
          showValues: options.showValues,
          diverging: options.diverging,
          colorscale: options.colorscale,
          range,
        }),
  );
  const traceCount = figures[0].data.length;
  figures.forEach((f, i) => {
    if (f.data.length !== traceCount) {
      throw new ConvlabError(
        fn,
        `frame ${i} has ${f.data.length} traces but frame 0 has ${traceCount}; every frame must draw the same traces`,
      );
    }
  });

  // A frame carries the layout that changes from frame to frame: the main title, and the panel
  // titles (annotations) of multi-panel figures, or the slider would leave them at frame 0's.
  const annotationsChange = figures.some(
    (f) => JSON.stringify(f.layout.annotations ?? []) !== JSON.stringify(figures[0].layout.annotations ?? []),
  );
  const plotlyFrames: FigureFrame[] = figures.map((f, i) => {
    const frame: FigureFrame = { name: names[i], data: f.data };
    const layout: PlotlyObject = {};
    if (f.layout.title !== undefined) layout.title = f.layout.title;
    if (annotationsChange) layout.annotations = f.layout.annotations ?? [];
    if (Object.keys(layout).length > 0) frame.layout = layout;
    return frame;
  });
  // jump straight to the frame: heatmaps cannot be tweened, and they must be redrawn
  const jumpTo = (name: string | null): Json => [
    [name],
    { mode: 'immediate', frame: { duration: 0, redraw: true }, transition: { duration: 0 } },
  ];
  const base = figures[0];
  const layout: PlotlyObject = { ...base.layout };
  const margin = { ...((base.layout.margin ?? {}) as PlotlyObject) } as {
    t?: number;
    b?: number;
    l?: number;
    r?: number;
  };
  let extraTop = 0;
  let extraBottom = 0;
  if (options.title) {
    layout.title = titleLayout(options.title);
    margin.t = Math.max(margin.t ?? 20, TITLE_MARGIN);
  }

  if (options.slider ?? true) {
    layout.sliders = [
      {
        active: 0,
        currentvalue: { prefix: options.label ? `${options.label}: ` : '', font: { size: 13 } },
        pad: { t: 40, b: 10 },
        len: 1,
        x: 0,
        y: 0,
        yanchor: 'top',
        steps: names.map((name) => ({ label: name, method: 'animate', args: jumpTo(name) })),
      },
    ];
    extraBottom += 90;
  }
  const menus: PlotlyObject[] = [];
  if (options.dropdown) {
    menus.push({
      type: 'dropdown',
      active: 0,
      x: 0,
      xanchor: 'left',
      y: 1,
      yanchor: 'bottom',
      pad: { b: 36 },
      buttons: names.map((name) => ({ label: name, method: 'animate', args: jumpTo(name) })),
    });
    extraTop += 40;
  }
  if (options.play) {
    const duration = options.frameDuration ?? 300;
    menus.push({
      type: 'buttons',
      showactive: false,
      direction: 'left',
      x: 1,
      xanchor: 'right',
      y: 1,
      yanchor: 'bottom',
      pad: { b: 36 },
      buttons: [
        {
          label: '▶ play',
          method: 'animate',
          args: [
            null,
            {
              mode: 'immediate',
              fromcurrent: true,
              frame: { duration, redraw: true },
              transition: { duration: 0 },
            },
          ],
        },
        { label: '❚❚ pause', method: 'animate', args: jumpTo(null) },
      ],
    });
    extraTop += options.dropdown ? 0 : 40;
  }
  if (menus.length) layout.updatemenus = menus;
  layout.margin = { ...margin, t: (margin.t ?? 20) + extraTop, b: (margin.b ?? 30) + extraBottom };
  if (typeof base.layout.height === 'number') layout.height = base.layout.height + extraTop + extraBottom;
  if (typeof base.layout.width === 'number') layout.width = Math.max(base.layout.width, 420); // room for slider labels
  return { data: base.data, layout, frames: plotlyFrames };
}
