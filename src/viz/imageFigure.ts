import { PNG } from 'pngjs';
import { checkTensor, shapeString, tensor, Tensor, Nested } from '../cnn/tensor';
import { Figure, isTensor, PlotlyObject, rangeOf, TITLE_MARGIN, titleLayout, toRows } from './figure';
import { defaultCellSize, GRAY_SCALE, heatmap } from './heatmap';
import { ConvlabError } from '../cnn/convlabError';

export interface ImageFigureOptions {
  title?: string;
  /**
   * Images with more pixels than this are sent as an embedded PNG rather than as numbers, which
   * keeps a notebook small (a 512×512 RGB image is 3 MB of JSON numbers, about 0.3 MB as PNG).
   * Default 128×128.
   */
  maxInlinePixels?: number;
}

function pngDataUri(
  height: number,
  width: number,
  rgbAt: (h: number, w: number) => [number, number, number],
): string {
  const png = new PNG({ width, height });
  for (let h = 0; h < height; h++) {
    for (let w = 0; w < width; w++) {
      const at = (h * width + w) * 4;
      const [r, g, b] = rgbAt(h, w);
      png.data[at] = r;
      png.data[at + 1] = g;
      png.data[at + 2] = b;
      png.data[at + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

function imageLayout(height: number, width: number, title: string | undefined): PlotlyObject {
  const cell = defaultCellSize(height, width, false);
  const margin = { l: 40, r: 10, t: title ? TITLE_MARGIN : 30, b: 30 };
  const layout: PlotlyObject = {
    width: Math.round(width * cell + margin.l + margin.r),
    height: Math.round(height * cell + margin.t + margin.b),
    margin,
    xaxis: { constrain: 'domain', showgrid: false, zeroline: false },
    yaxis: {
      autorange: 'reversed',
      scaleanchor: 'x',
      scaleratio: 1,
      constrain: 'domain',
      showgrid: false,
      zeroline: false,
    },
  };
  if (title) layout.title = titleLayout(title);
  return layout;
}

/**
 * An image as the lecture's tensors hold it: gray (H,W) or (H,W,1), drawn black to white, or RGB
 * (H,W,3) with values in [0, 1]. Gray values in [0, 1] map to black…white; others span their range.
 */
export function imageFigure(image: Tensor | Nested, options: ImageFigureOptions = {}): Figure {
  const fn = 'imageFigure';
  const img = isTensor(image) ? checkTensor(fn, 'image', image, [2, 3]) : tensor(image as Nested, 'float64');
  if (img.dimension !== 2 && img.dimension !== 3) {
    throw new ConvlabError(fn, `image must be (H,W), (H,W,1) or (H,W,3), got ${shapeString(img.shape)}`);
  }
  const channels = img.dimension === 2 ? 1 : img.shape[2];
  if (channels !== 1 && channels !== 3) {
    const hint =
      channels === 4 || channels === 2 ? ' (drop the alpha channel: readImage does by default)' : '';
    throw new ConvlabError(
      fn,
      `image must have 1 or 3 channels, got ${channels} (image ${shapeString(img.shape)})${hint}`,
    );
  }
  const [height, width] = img.shape;
  const inline = height * width <= (options.maxInlinePixels ?? 128 * 128);

  if (channels === 1) {
    const rows = toRows(fn, 'image', img.dimension === 2 ? img : img.pick(null, null, 0));
    const [min, max] = rangeOf(rows);
    const range: [number, number] = min >= 0 && max <= 1 ? [0, 1] : [min, max];
    if (inline) {
      const figure = heatmap(rows, {
        title: options.title,
        showValues: false,
        showScale: false,
        colorscale: GRAY_SCALE,
        range,
      });
      figure.layout = { ...figure.layout, ...imageLayout(height, width, options.title) };
      return figure;
    }
    const toByte = (v: number): number => Math.round((255 * (v - range[0])) / (range[1] - range[0] || 1));
    const source = pngDataUri(height, width, (h, w) => {
      const g = toByte(rows[h][w]);
      return [g, g, g];
    });
    return { data: [{ type: 'image', source }], layout: imageLayout(height, width, options.title) };
  }

  const rgb: number[][][] = [];
  for (let h = 0; h < height; h++) {
    const row: number[][] = [];
    for (let w = 0; w < width; w++) {
      const pixel: number[] = [];
      for (let c = 0; c < 3; c++) {
        const v = img.get(h, w, c);
        if (!(v >= 0 && v <= 1)) {
          throw new ConvlabError(fn, `RGB values must be in [0, 1], got ${v} at [${h},${w},${c}]`, {
            image: img.shape,
          });
        }
        pixel.push(Math.round(v * 255)); // Plotly's image trace takes 0–255 per channel
      }
      row.push(pixel);
    }
    rgb.push(row);
  }
  const trace: PlotlyObject = inline
    ? { type: 'image', z: rgb }
    : { type: 'image', source: pngDataUri(height, width, (h, w) => rgb[h][w] as [number, number, number]) };
  return { data: [trace], layout: imageLayout(height, width, options.title) };
}
