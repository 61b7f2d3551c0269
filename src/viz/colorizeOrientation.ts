import { ConvlabError } from '../cnn/convlabError';
import { Gradients, threshold } from '../cnn/edges';
import { ops } from '../cnn/ops';
import { checkTensor, Tensor } from '../cnn/tensor';
import { colorize, CYCLIC_SCALE } from './colorize';

export interface ColorizeOrientationOptions {
  /**
   * Pixels whose edge strength is at most this fraction of the strongest edge are painted white
   * (default 0.1): where there is hardly an edge, atan2 of two small numbers is noise, and a wheel
   * of random colours over flat regions would hide the edges.
   */
  minStrength?: number;
  /** Colours on the wheel (default 25: every 15°); see `colorize`'s `levels`. */
  levels?: number;
}

/**
 * The edge orientation of `gradients(image)` painted on a colour wheel (`CYCLIC_SCALE`, 0…360°),
 * white where the edge is weak: an (H,W,3) RGB image for `imageFigure`. Opposite directions get
 * opposite colours of the wheel, so the two sides of a bright object differ in colour.
 *
 * ```ts
 * show(imageFigure(colorizeOrientation(gradients(image)), { title: 'orientation' }));
 * ```
 */
export function colorizeOrientation(
  gradients: Pick<Gradients, 'magnitude' | 'orientation'>,
  options: ColorizeOrientationOptions = {},
): Tensor {
  const fn = 'colorizeOrientation';
  if (!gradients || typeof gradients !== 'object') {
    throw new ConvlabError(fn, `expected the result of gradients(image), got ${String(gradients)}`);
  }
  const magnitude = checkTensor(fn, 'magnitude', gradients.magnitude, [2]);
  const orientation = checkTensor(fn, 'orientation', gradients.orientation, [2]);
  if (magnitude.shape[0] !== orientation.shape[0] || magnitude.shape[1] !== orientation.shape[1]) {
    throw new ConvlabError(fn, 'magnitude and orientation must have the same shape', {
      magnitude: magnitude.shape,
      orientation: orientation.shape,
    });
  }
  const minStrength = options.minStrength ?? 0.1;
  if (typeof minStrength !== 'number' || !(minStrength >= 0 && minStrength < 1)) {
    throw new ConvlabError(
      fn,
      `minStrength must be a fraction in [0, 1), got ${JSON.stringify(minStrength)}`,
      {
        magnitude: magnitude.shape,
      },
    );
  }
  const strongest = Math.max(0, ops.sup(magnitude));
  return colorize(orientation, {
    colorscale: CYCLIC_SCALE,
    range: [0, 360],
    mask: threshold(magnitude, strongest * minStrength),
    levels: options.levels ?? 25,
  });
}
