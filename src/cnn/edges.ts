import { BorderMode, borderModes, padBorder } from './border';
import { checkTensor, DType, dtypeOf, Tensor, zeros } from './tensor';
import { ops } from './ops';
import { ConvlabError } from './convlabError';

/** The 3×3 derivative pair: Sobel ([1,2,1] smoothing) or Scharr ([3,10,3] smoothing). */
export type EdgeKernel = 'sobel' | 'scharr';

/**
 * Whose numbers `gradients` reproduces. All three use the same two kernels up to sign and scale;
 * they differ in the direction of the sign, the scale, the border and the magnitude:
 *
 * | convention | gx (x = columns) | gy (y = rows) | kernel scale | border | magnitude |
 * | --- | --- | --- | --- | --- | --- |
 * | `'lecture'` | left − right | top − bottom | 1 | `'zero'` | √(gx² + gy²) |
 * | `'opencv'` | right − left (`cv2.Sobel(img, cv2.CV_64F, 1, 0)`) | bottom − top (`…, 0, 1)`) | 1 | `'reflect-101'` | √(gx² + gy²) |
 * | `'skimage'` | right − left (`sobel_v`) | bottom − top (`sobel_h`) | Sobel ÷ 4, Scharr ÷ 16 | `'reflect'` | √((gx² + gy²) / 2) (`sobel(img)`) |
 *
 * - lecture: the lecture's `filters.sobelX` / `sobelY` slid with cross-correlation over a zero-padded
 *   image, as in the slides, so a bright-left/dark-right edge is positive: gx equals
 *   `correlate2d(padBorder(image, 1, 'zero'), filters.sobelX)` up to rounding.
 * - OpenCV documents `cv::Sobel` as "convolving the image with" [−1 0 1; −2 0 2; −1 0 1] for dx and
 *   [−1 −2 −1; 0 0 0; 1 2 1] for dy (Scharr: [−3 0 3; −10 0 10; −3 0 3] and its transpose); it applies
 *   them the way `cv::filter2D` does, i.e. without a flip, so dx = right − left. That is the lecture's
 *   kernel with a true flip: `convolve2d(padBorder(image, 1, 'reflect-101'), filters.sobelX)`. Default border `BORDER_DEFAULT`
 *   = `BORDER_REFLECT_101`. `cv2.magnitude(gx, gy)` is √(gx² + gy²).
 * - scikit-image 0.19+ (`skimage/filters/edges.py`): `sobel_v` = `ndi.convolve(image, [1,0,−1] along
 *   columns ⊗ [1,2,1]/4 along rows, mode='reflect')` — a true convolution, so right − left; `sobel_h` is
 *   the same along rows, bottom − top (it responds to horizontal edges, hence the name). Scharr smooths
 *   with [3,10,3]/16. `sobel(image)` returns `sqrt(sum(sobel(image, axis=i)**2) / image.ndim)`, i.e.
 *   √((gx² + gy²)/2). scipy.ndimage's `'reflect'` repeats the edge pixel (our `'reflect'`). Versions
 *   before 0.19 also set the one-pixel frame of the output to 0; this one does not.
 */
export type EdgeConvention = 'lecture' | 'opencv' | 'skimage';

export interface GradientOptions {
  /** `'sobel'` (default) or `'scharr'`. */
  kernel?: EdgeKernel;
  /** Whose numbers to reproduce: `'lecture'` (default), `'opencv'` or `'skimage'`. */
  convention?: EdgeConvention;
  /** Override the convention's border (lecture `'zero'`, opencv `'reflect-101'`, skimage `'reflect'`). */
  border?: BorderMode;
}

export interface Gradients {
  /** Derivative along x (across columns), (H,W). Its sign follows the convention. */
  gx: Tensor;
  /** Derivative along y (down the rows), (H,W). */
  gy: Tensor;
  /** Edge strength, (H,W): √(gx² + gy²), or √((gx² + gy²)/2) for `'skimage'`. */
  magnitude: Tensor;
  /**
   * atan2(gy, gx) in **degrees**, in [0, 360) — the range and unit of `cv2.phase(gx, gy, angleInDegrees=True)`
   * and `cv2.cartToPolar(…, angleInDegrees=True)`. (OpenCV approximates the arctangent to about 0.3°;
   * this is exact.) 0 where gx = gy = 0. y runs down the rows, so angles turn clockwise on screen.
   */
  orientation: Tensor;
}

const conventions: readonly EdgeConvention[] = ['lecture', 'opencv', 'skimage'];
const defaultBorder: Record<EdgeConvention, BorderMode> = {
  lecture: 'zero',
  opencv: 'reflect-101',
  skimage: 'reflect',
};

/**
 * Image gradients of a gray (H,W) image — or (H,W,1) — the way the lecture, OpenCV or scikit-image
 * compute them (see `EdgeConvention` for the exact formulas and where they are documented).
 * All four outputs are (H,W), the 'same' size as the input: the image is padded by one pixel with the
 * convention's border mode, then the 3×3 kernels slide over it without further padding (as two 3-tap
 * passes, since each kernel is a smoothing column times a difference row).
 * Keeps the image's dtype. A colour image must be made gray first (`toGray`).
 */
export function gradients(image: Tensor, options: GradientOptions = {}): Gradients {
  const fn = 'gradients';
  checkTensor(fn, 'image', image, [2, 3]);
  if (image.dimension === 3) {
    if (image.shape[2] !== 1) {
      throw new ConvlabError(
        fn,
        `image must be gray (H,W) or (H,W,1), got ${image.shape[2]} channels; use toGray(image) first`,
        { image: image.shape },
      );
    }
    image = image.pick(null, null, 0);
  }
  const kernel = options.kernel ?? 'sobel';
  if (kernel !== 'sobel' && kernel !== 'scharr') {
    throw new ConvlabError(fn, `kernel must be 'sobel' or 'scharr', got ${JSON.stringify(kernel)}`);
  }
  const convention = options.convention ?? 'lecture';
  if (!conventions.includes(convention)) {
    throw new ConvlabError(
      fn,
      `convention must be 'lecture', 'opencv' or 'skimage', got ${JSON.stringify(convention)}`,
    );
  }
  const border = options.border ?? defaultBorder[convention];
  if (!borderModes.includes(border)) {
    throw new ConvlabError(
      fn,
      `border must be one of ${borderModes.join(', ')}, got ${JSON.stringify(border)}`,
    );
  }

  const dtype = dtypeOf(image);
  // lecture: [1,0,−1] slid as drawn (left − right); OpenCV and skimage: the flipped kernel (right − left)
  const difference = convention === 'lecture' ? [1, 0, -1] : [-1, 0, 1];
  // skimage divides the smoothing weights by their sum: [1,2,1]/4, [3,10,3]/16 (exact in binary)
  const scale = convention === 'skimage' ? 1 / (kernel === 'sobel' ? 4 : 16) : 1;
  const smoothing = (kernel === 'sobel' ? [1, 2, 1] : [3, 10, 3]).map((w) => w * scale);
  const padded = padBorder(image, 1, border);
  // filters.sobelX is smoothing (down the rows) × difference (across the columns); filters.sobelY the
  // same turned. Two 3-tap passes, as OpenCV's sepFilter2D does, instead of one 9-term sum:
  // equal neighbours then cancel exactly (a flat patch or a mirrored border row gives 0, not 1e-8).
  const gx = threeTap(threeTap(padded, 1, difference, 'float64'), 0, smoothing, dtype);
  const gy = threeTap(threeTap(padded, 0, difference, 'float64'), 1, smoothing, dtype);

  const [height, width] = image.shape;
  const magnitude = zeros([height, width], dtype);
  const orientation = zeros([height, width], dtype);
  const halve = convention === 'skimage' ? 0.5 : 1; // skimage averages the squares over the 2 axes
  for (let yR = 0; yR < height; yR++) {
    for (let yC = 0; yC < width; yC++) {
      const dx = gx.get(yR, yC);
      const dy = gy.get(yR, yC);
      magnitude.set(yR, yC, Math.sqrt((dx * dx + dy * dy) * halve));
      const degrees = (Math.atan2(dy, dx) * 180) / Math.PI + 0; // + 0 turns atan2's −0 into 0
      const wrapped = degrees < 0 ? degrees + 360 : degrees;
      orientation.set(yR, yC, wrapped >= 360 ? 0 : wrapped); // −1e-15° + 360 rounds to 360
    }
  }
  return { gx, gy, magnitude, orientation };
}

/**
 * One 3-tap pass along `axis` of a 2-D tensor, 'valid' (that axis shrinks by 2):
 * out[i] = w[0]·x[i] + w[1]·x[i+1] + w[2]·x[i+2]. Sums in float64 (JS numbers), stores in `dtype`.
 */
function threeTap(x: Tensor, axis: 0 | 1, weights: readonly number[], dtype: DType): Tensor {
  const [rowsIn, colsIn] = x.shape;
  const out = zeros([axis === 0 ? rowsIn - 2 : rowsIn, axis === 1 ? colsIn - 2 : colsIn], dtype);
  const [rowsOut, colsOut] = out.shape;
  const [w0, w1, w2] = weights;
  const step = x.stride[axis];
  let at = 0;
  for (let r = 0; r < rowsOut; r++) {
    for (let c = 0; c < colsOut; c++) {
      const first = x.offset + r * x.stride[0] + c * x.stride[1];
      out.data[at++] = w0 * x.data[first] + w1 * x.data[first + step] + w2 * x.data[first + 2 * step];
    }
  }
  return out;
}

/**
 * 1 where `values > t`, else 0 — OpenCV's `THRESH_BINARY` with maxval 1 — as a tensor of the same shape
 * and dtype. Typical use: `threshold(gradients(img).magnitude, 0.5)` for a black-and-white edge map.
 */
export function threshold(values: Tensor, t: number): Tensor {
  const fn = 'threshold';
  checkTensor(fn, 'values', values);
  if (typeof t !== 'number' || Number.isNaN(t)) {
    throw new ConvlabError(fn, `t must be a number, got ${JSON.stringify(t)}`, { values: values.shape });
  }
  return ops.gts(zeros(values.shape, dtypeOf(values)), values, t);
}
