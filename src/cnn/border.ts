import { zeroPad } from './zeroPad';
import { checkTensor, dtypeOf, Tensor, zeros } from './tensor';
import { ConvlabError } from './convlabError';
import { nonNegativeInteger } from './positiveInteger';

/**
 * How to invent the pixels outside an image, named after OpenCV's border types because those names
 * do not change meaning from one function to the next. For the row `a b c d`, padded by 3:
 *
 * | mode here | pads `a b c d` as | OpenCV | NumPy `np.pad` | scipy.ndimage (and scikit-image) |
 * | --- | --- | --- | --- | --- |
 * | `'zero'` | `0 0 0 \| a b c d \| 0 0 0` | `BORDER_CONSTANT` (value 0) | `'constant'` | `'constant'` (cval 0) |
 * | `'reflect'` | `c b a \| a b c d \| d c b` | `BORDER_REFLECT` | `'symmetric'` | `'reflect'` |
 * | `'reflect-101'` | `d c b \| a b c d \| c b a` | `BORDER_REFLECT_101` = `BORDER_DEFAULT` | `'reflect'` | `'mirror'` |
 * | `'replicate'` | `a a a \| a b c d \| d d d` | `BORDER_REPLICATE` | `'edge'` | `'nearest'` |
 *
 * Beware the word "reflect": NumPy's `'reflect'` does **not** repeat the edge pixel (it is OpenCV's
 * REFLECT_101, our `'reflect-101'`), while scipy.ndimage's `'reflect'` does (OpenCV's REFLECT, our
 * `'reflect'`). scikit-image's `filters.sobel` calls `scipy.ndimage.convolve(..., mode='reflect')`,
 * so it uses our `'reflect'`; `cv2.Sobel` defaults to `BORDER_DEFAULT`, our `'reflect-101'`.
 * Sources: OpenCV `cv::BorderTypes` docs, `numpy.pad` docs, `scipy.ndimage.convolve` docs
 * ("'reflect' (d c b a | a b c d | d c b a) … 'mirror' (d c b | a b c d | c b a)").
 */
export type BorderMode = 'zero' | 'reflect' | 'reflect-101' | 'replicate';

/** The four border modes, in the order of the table above. */
export const borderModes: readonly BorderMode[] = ['zero', 'reflect', 'reflect-101', 'replicate'];

function checkMode(fn: string, mode: unknown): BorderMode {
  if (!borderModes.includes(mode as BorderMode)) {
    throw new ConvlabError(
      fn,
      `border mode must be one of ${borderModes.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`,
    );
  }
  return mode as BorderMode;
}

/**
 * Which index of a row of length `n` stands in for position `p` (which may lie outside 0…n−1), or −1
 * for `'zero'` outside the row — the same contract as OpenCV's `cv::borderInterpolate`. Reflection
 * keeps bouncing, so `p` may lie more than `n` pixels out.
 */
export function borderInterpolate(p: number, n: number, mode: BorderMode): number {
  const fn = 'borderInterpolate';
  checkMode(fn, mode);
  if (!Number.isInteger(p) || !Number.isInteger(n) || n < 1) {
    throw new ConvlabError(fn, `p must be an integer and n a positive integer, got p=${p}, n=${n}`);
  }
  if (p >= 0 && p < n) return p;
  switch (mode) {
    case 'zero':
      return -1;
    case 'replicate':
      return p < 0 ? 0 : n - 1;
    case 'reflect': {
      // c b a | a b c d | d c b: the pattern repeats every 2n positions
      const q = ((p % (2 * n)) + 2 * n) % (2 * n);
      return q < n ? q : 2 * n - 1 - q;
    }
    case 'reflect-101': {
      // d c b | a b c d | c b a: the pattern repeats every 2n − 2 positions (a row of one pixel stays put)
      if (n === 1) return 0;
      const period = 2 * n - 2;
      const q = ((p % period) + period) % period;
      return q < n ? q : period - q;
    }
  }
}

/**
 * Pads the two spatial axes of an (H,W) or (H,W,C) image by `pad` pixels on every side, inventing the
 * outside pixels with a border mode (see `BorderMode` for the table of names across OpenCV, NumPy and
 * scipy/scikit-image). Keeps the dtype. `'zero'` is `zeroPad`.
 */
export function padBorder(image: Tensor, pad: number, mode: BorderMode = 'zero'): Tensor {
  const fn = 'padBorder';
  checkTensor(fn, 'image', image, [2, 3]);
  checkMode(fn, mode);
  nonNegativeInteger(fn, 'pad', pad, { shapes: { image: image.shape } });
  const [height, width] = image.shape;
  if (height === 0 || width === 0) {
    throw new ConvlabError(fn, 'cannot pad an empty image', { image: image.shape });
  }
  if (mode === 'zero') return zeroPad(image, pad);
  const channels = image.dimension === 3 ? image.shape[2] : 1;
  const outHeight = height + 2 * pad;
  const outWidth = width + 2 * pad;
  const out = zeros(
    image.dimension === 3 ? [outHeight, outWidth, channels] : [outHeight, outWidth],
    dtypeOf(image),
  );
  const [sH, sW] = image.stride;
  const sC = image.dimension === 3 ? image.stride[2] : 0;
  // each output column reads one input column: work the mapping out once, not once per row
  const sourceCol = Array.from({ length: outWidth }, (_, yC) => borderInterpolate(yC - pad, width, mode));
  let at = 0;
  for (let yR = 0; yR < outHeight; yR++) {
    const rowBase = image.offset + borderInterpolate(yR - pad, height, mode) * sH;
    for (let yC = 0; yC < outWidth; yC++) {
      const pixelBase = rowBase + sourceCol[yC] * sW;
      for (let c = 0; c < channels; c++) out.data[at++] = image.data[pixelBase + c * sC];
    }
  }
  return out;
}
