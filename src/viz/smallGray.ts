import { ConvlabError } from '../cnn/convlabError';
import { positiveInteger } from '../cnn/positiveInteger';
import { downsample, toGray } from '../cnn/image';
import { checkTensor, copy, Tensor } from '../cnn/tensor';

/**
 * An image made gray and small enough to embed many times in one figure: shrunk by a whole factor
 * with `downsample` (block averages) until its longer side is at most `maxSide` pixels, then cut to
 * its middle `maxSide`×`maxSide` if it is still larger (a very long, thin image). A figure that
 * carries every filter's map of every image as PNGs stays a few hundred kB this way, where 512×512
 * maps would make the notebook megabytes. (H,W) or (H,W,C) in, (h,w) out.
 */
export function smallGray(image: Tensor, maxSide = 128): Tensor {
  const fn = 'smallGray';
  checkTensor(fn, 'image', image, [2, 3]);
  positiveInteger(fn, 'maxSide', maxSide, { shapes: { image: image.shape } });
  const channels = image.dimension === 3 ? image.shape[2] : 1;
  if (channels < 1 || channels > 4 || image.shape[0] === 0 || image.shape[1] === 0) {
    throw new ConvlabError(fn, 'image must be (H,W) or (H,W,C) with 1 to 4 channels and H, W > 0', {
      image: image.shape,
    });
  }
  const gray = toGray(image);
  const [height, width] = gray.shape;
  // the factor cannot exceed the shorter side: downsample needs at least one block
  const factor = Math.max(1, Math.min(Math.ceil(Math.max(height, width) / maxSide), Math.min(height, width)));
  const small = downsample(gray, factor);
  const [h, w] = [Math.min(maxSide, small.shape[0]), Math.min(maxSide, small.shape[1])];
  const top = Math.floor((small.shape[0] - h) / 2);
  const left = Math.floor((small.shape[1] - w) / 2);
  return copy(small.hi(top + h, left + w).lo(top, left));
}
