import { tensor, Tensor } from './tensor';
import { ConvlabError } from './convlabError';

/** The names in `filters`. */
export type FilterName = 'vertical' | 'horizontal' | 'sobelX' | 'sobelY' | 'scharrX' | 'scharrY';

// Kept as plain arrays so that nothing a user does to a returned tensor can reach them.
const FILTER_VALUES: Readonly<Record<FilterName, number[][]>> = {
  vertical: [
    [1, 0, -1],
    [1, 0, -1],
    [1, 0, -1],
  ],
  horizontal: [
    [1, 1, 1],
    [0, 0, 0],
    [-1, -1, -1],
  ],
  sobelX: [
    [1, 0, -1],
    [2, 0, -2],
    [1, 0, -1],
  ],
  sobelY: [
    [1, 2, 1],
    [0, 0, 0],
    [-1, -2, -1],
  ],
  scharrX: [
    [3, 0, -3],
    [10, 0, -10],
    [3, 0, -3],
  ],
  scharrY: [
    [3, 10, 3],
    [0, 0, 0],
    [-3, -10, -3],
  ],
};

/**
 * The lecture's 3×3 edge filters, as float32 (3,3) tensors, in the lecture's orientation.
 *
 * The lecture slides them over the image with cross-correlation (no flip, what `correlate2d` does), and
 * with that the sign convention is: **bright on the left / bright on top gives positive values**.
 * In the lecture's 6×6 example (three columns of 10 then three of 0), `correlate2d(image, filters.vertical)`
 * is 0, 30, 30, 0 in every row; the mirrored image (0s then 10s) gives 0, −30, −30, 0.
 *
 * This is the opposite sign of OpenCV's `cv2.Sobel(img, ddepth, 1, 0)` (dx = right − left) and of
 * scikit-image's `sobel_v` / `sobel_h` (right − left, bottom − top): see `gradients` in `edges.ts`,
 * which reproduces those libraries too.
 *
 * | name | values | responds to |
 * | --- | --- | --- |
 * | `vertical` | [[1,0,−1],[1,0,−1],[1,0,−1]] | vertical edges, bright left positive |
 * | `horizontal` | [[1,1,1],[0,0,0],[−1,−1,−1]] | horizontal edges, bright top positive |
 * | `sobelX` | [[1,0,−1],[2,0,−2],[1,0,−1]] | like `vertical`, centre row weighted 2 |
 * | `sobelY` | [[1,2,1],[0,0,0],[−1,−2,−1]] | like `horizontal` (sobelX transposed) |
 * | `scharrX` | [[3,0,−3],[10,0,−10],[3,0,−3]] | like `sobelX`, closer to rotation-invariant |
 * | `scharrY` | [[3,10,3],[0,0,0],[−3,−10,−3]] | scharrX transposed |
 *
 * Every read returns a fresh tensor: editing `const k = filters.sobelX` never changes the library's.
 */
export const filters: Readonly<Record<FilterName, Tensor>> = Object.freeze({
  get vertical() {
    return tensor(FILTER_VALUES.vertical);
  },
  get horizontal() {
    return tensor(FILTER_VALUES.horizontal);
  },
  get sobelX() {
    return tensor(FILTER_VALUES.sobelX);
  },
  get sobelY() {
    return tensor(FILTER_VALUES.sobelY);
  },
  get scharrX() {
    return tensor(FILTER_VALUES.scharrX);
  },
  get scharrY() {
    return tensor(FILTER_VALUES.scharrY);
  },
});

/** Which pair of kernels `steerKernel` mixes. */
export type SteerBase = 'sobel' | 'scharr';

// cos and sin of an angle in degrees, exact at multiples of 90° so that steerKernel(90) is sobelY itself
// (Math.cos(Math.PI / 2) is 6e-17, which float32 keeps as a tiny non-zero).
function cosSinDegrees(angleDegrees: number): [number, number] {
  const turned = ((angleDegrees % 360) + 360) % 360;
  const exact: Record<number, [number, number]> = { 0: [1, 0], 90: [0, 1], 180: [-1, 0], 270: [0, -1] };
  if (turned in exact) return exact[turned];
  const radians = (angleDegrees * Math.PI) / 180;
  return [Math.cos(radians), Math.sin(radians)];
}

/**
 * A 3×3 edge kernel steered to any angle: cos θ · X + sin θ · Y, with X, Y the lecture-oriented
 * Sobel (default) or Scharr pair. Correlating with it gives the derivative along the direction θ:
 * 0° is `sobelX` (bright left positive), 90° is `sobelY` (bright top positive),
 * 45° responds most to an edge whose bright side is the top-left, 180° is −`sobelX`.
 * The lecture's "45°, 70°, 73°" slide asks for exactly this kind of filter.
 */
export function steerKernel(angleDegrees: number, options: { base?: SteerBase } = {}): Tensor {
  const fn = 'steerKernel';
  if (typeof angleDegrees !== 'number' || !Number.isFinite(angleDegrees)) {
    throw new ConvlabError(
      fn,
      `angle must be a finite number of degrees, got ${JSON.stringify(angleDegrees)}`,
    );
  }
  const base = options.base ?? 'sobel';
  if (base !== 'sobel' && base !== 'scharr') {
    throw new ConvlabError(fn, `base must be 'sobel' or 'scharr', got ${JSON.stringify(base)}`);
  }
  const x = FILTER_VALUES[base === 'sobel' ? 'sobelX' : 'scharrX'];
  const y = FILTER_VALUES[base === 'sobel' ? 'sobelY' : 'scharrY'];
  const [cos, sin] = cosSinDegrees(angleDegrees);
  // + 0 turns −0 (from −1 · 0) into 0
  const kernel = x.map((row, r) => row.map((value, c) => cos * value + sin * y[r][c] + 0));
  return tensor(kernel);
}
