import { BorderMode, borderModes, padBorder } from './border';
import { convolve2d, correlate2d } from './correlate2d';
import { filters } from './filters';
import { checkTensor, copy, dtypeOf, reshape, shapeString, Tensor, zeros } from './tensor';

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
 * - lecture: the lecture's `filters.sobelX` / `sobelY` slid with cross-correlation (`correlate2d`) over a
 *   zero-padded image, as in the slides, so a bright-left/dark-right edge is positive.
 * - OpenCV documents `cv::Sobel` as "convolving the image with" [−1 0 1; −2 0 2; −1 0 1] for dx and
 *   [−1 −2 −1; 0 0 0; 1 2 1] for dy (Scharr: [−3 0 3; −10 0 10; −3 0 3] and its transpose); it applies
 *   them the way `cv::filter2D` does, i.e. without a flip, so dx = right − left. That is the lecture's
 *   kernel with a true flip: here `convolve2d(padded, filters.sobelX)`. Default border `BORDER_DEFAULT`
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
   * Where a float64 image gives a gradient that is only rounding residue (~1e-16, e.g. gy on the edge
   * rows of a reflected border; OpenCV's separable filter gets an exact 0 there), the angle is that
   * residue's and means nothing: look at the angle only where the magnitude is not ~0. Float32 images
   * (what `readImage` returns) sum exactly in float64 and do not show this.
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
 * convention's border mode, then the 3×3 kernels slide over it without further padding.
 * Keeps the image's dtype. A colour image must be made gray first (`toGray`).
 */
export function gradients(image: Tensor, options: GradientOptions = {}): Gradients {
  const fn = 'gradients';
  checkTensor(fn, 'image', image, [2, 3]);
  if (image.dimension === 3) {
    if (image.shape[2] !== 1) {
      throw new Error(
        `${fn}: image must be gray (H,W) or (H,W,1), got ${image.shape[2]} channels; use toGray(image) first (image ${shapeString(image.shape)})`,
      );
    }
    image = image.pick(null, null, 0);
  }
  const kernel = options.kernel ?? 'sobel';
  if (kernel !== 'sobel' && kernel !== 'scharr') {
    throw new Error(`${fn}: kernel must be 'sobel' or 'scharr', got ${JSON.stringify(kernel)}`);
  }
  const convention = options.convention ?? 'lecture';
  if (!conventions.includes(convention)) {
    throw new Error(
      `${fn}: convention must be 'lecture', 'opencv' or 'skimage', got ${JSON.stringify(convention)}`,
    );
  }
  const border = options.border ?? defaultBorder[convention];
  if (!borderModes.includes(border)) {
    throw new Error(`${fn}: border must be one of ${borderModes.join(', ')}, got ${JSON.stringify(border)}`);
  }

  const dtype = dtypeOf(image);
  const kx = copy(kernel === 'sobel' ? filters.sobelX : filters.scharrX, dtype);
  const ky = copy(kernel === 'sobel' ? filters.sobelY : filters.scharrY, dtype);
  if (convention === 'skimage') {
    // skimage normalises the smoothing weights to sum to 1: [1,2,1]/4, [3,10,3]/16 (exact in binary)
    const scale = kernel === 'sobel' ? 1 / 4 : 1 / 16;
    for (const k of [kx, ky]) for (let i = 0; i < k.data.length; i++) k.data[i] *= scale;
  }
  const padded = padBorder(image, 1, border);
  // lecture: slide as drawn (left − right); OpenCV and skimage: the flipped kernel (right − left)
  const slide = convention === 'lecture' ? correlate2d : convolve2d;
  const gx = slide(padded, kx);
  const gy = slide(padded, ky);

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
  // correlate2d returns a channel view of a (H,W,1) volume; hand out plain contiguous (H,W) tensors
  return { gx: reshape(gx, [height, width]), gy: reshape(gy, [height, width]), magnitude, orientation };
}

/**
 * 1 where `values > t`, else 0 — OpenCV's `THRESH_BINARY` with maxval 1 — as a tensor of the same shape
 * and dtype. Typical use: `threshold(gradients(img).magnitude, 0.5)` for a black-and-white edge map.
 */
export function threshold(values: Tensor, t: number): Tensor {
  const fn = 'threshold';
  checkTensor(fn, 'values', values);
  if (typeof t !== 'number' || Number.isNaN(t)) {
    throw new Error(
      `${fn}: t must be a number, got ${JSON.stringify(t)} (values ${shapeString(values.shape)})`,
    );
  }
  const out = copy(values);
  for (let i = 0; i < out.data.length; i++) out.data[i] = out.data[i] > t ? 1 : 0;
  return out;
}
