import { ConvlabError } from '../cnn/convlabError';
import { resolvePad } from '../cnn/shape';
import { checkTensor, copy, fromData, Tensor } from '../cnn/tensor';
import { CORRELATE_JS } from './kernelPlayground';

type CorrelateJs = (
  image: ArrayLike<number>,
  height: number,
  width: number,
  kernel: ArrayLike<number>,
  f: number,
  pad: number,
) => { values: Float64Array; height: number; width: number };

let compiled: CorrelateJs | undefined;

/**
 * Runs the kernel playground's own JavaScript (`CORRELATE_JS`, the very text the page runs) here,
 * on a gray (H,W) image and a square kernel, and returns its output as a float64 (H',W') tensor.
 * A notebook compares it with `correlate2d` to show that the widget computes what the library does;
 * compiling the text rather than reimplementing it is the point.
 */
export function runCorrelateJs(
  image: Tensor,
  kernel: Tensor,
  options: { pad?: number | 'valid' | 'same' } = {},
): Tensor {
  const fn = 'runCorrelateJs';
  checkTensor(fn, 'image', image, [2]);
  checkTensor(fn, 'kernel', kernel, [2]);
  const [height, width] = image.shape;
  const f = kernel.shape[0];
  if (kernel.shape[1] !== f || f === 0) {
    throw new ConvlabError(fn, 'kernel must be square and not empty', {
      image: image.shape,
      kernel: kernel.shape,
    });
  }
  const pad = resolvePad(fn, options.pad ?? 'same', f);
  if (f > height + 2 * pad || f > width + 2 * pad) {
    throw new ConvlabError(fn, `the kernel does not fit in the image padded by ${pad}`, {
      image: image.shape,
      kernel: kernel.shape,
    });
  }
  compiled ??= new Function(`${CORRELATE_JS}\nreturn correlate2dJs;`)() as CorrelateJs;
  // row-major copies of the exact values, as the page decodes them (float32 stays float32)
  const flat = (t: Tensor): ArrayLike<number> => copy(t).data;
  const out = compiled(flat(image), height, width, flat(kernel), f, pad);
  return fromData(out.values, [out.height, out.width]);
}
