import ndarray from 'ndarray';
import { conv2d, ConvOptions } from './conv2d';
import { checkTensor, Tensor } from './tensor';
import { ConvlabError } from './convlabError';

function asVolume(a: Tensor): Tensor {
  return ndarray(a.data, [a.shape[0], a.shape[1], 1], [a.stride[0], a.stride[1], 1], a.offset);
}

function asFilter(k: Tensor, flip: boolean): Tensor {
  const view = flip ? k.step(-1, -1) : k; // a 180° rotation is a view with negative steps
  return ndarray(
    view.data,
    [view.shape[0], view.shape[1], 1, 1],
    [view.stride[0], view.stride[1], 1, 1],
    view.offset,
  );
}

function run(fn: string, image: Tensor, kernel: Tensor, options: ConvOptions, flip: boolean): Tensor {
  checkTensor(fn, 'image', image, [2]);
  checkTensor(fn, 'kernel', kernel, [2]);
  try {
    const out = conv2d(asVolume(image), asFilter(kernel, flip), null, options);
    return out.pick(null, null, 0);
  } catch (e) {
    if (!(e instanceof ConvlabError)) throw e;
    // the caller's name and 2-D shapes rather than conv2d's internal 3-D ones
    throw new ConvlabError(fn, e.problem, { image: image.shape, kernel: kernel.shape }, { cause: e });
  }
}

/** What ML calls convolution: slide the kernel over the image without flipping it. (H,W) → (H',W'). */
export function correlate2d(image: Tensor, kernel: Tensor, options: ConvOptions = {}): Tensor {
  return run('correlate2d', image, kernel, options, false);
}

/** Textbook convolution: flip the kernel on both axes, then correlate. (H,W) → (H',W'). */
export function convolve2d(image: Tensor, kernel: Tensor, options: ConvOptions = {}): Tensor {
  return run('convolve2d', image, kernel, options, true);
}
