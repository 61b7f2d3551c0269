import * as fs from 'fs';
import * as path from 'path';
import ndarray, { Data } from 'ndarray';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { pool2d } from './pool2d';
import { checkTensor, copy, dtypeOf, shapeString, Tensor, zeros } from './tensor';
import { ops } from './ops';
import { ConvlabError } from './convlabError';
import { positiveInteger } from './positiveInteger';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

function startsWith(bytes: Buffer, signature: number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

function firstBytes(bytes: Buffer): string {
  const hex = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length === 0 ? 'the file is empty' : `first bytes ${hex}`;
}

export interface ReadImageOptions {
  /** `'drop'` (default, as `cv2.imread` does) or `'keep'` the alpha channel of a PNG that has one. */
  alpha?: 'drop' | 'keep';
}

/**
 * Reads a PNG or JPEG file into an (H,W,C) float32 tensor with values in [0, 1]:
 * C = 1 for gray, 3 for colour, plus one for alpha when `alpha: 'keep'` and the PNG has it
 * (gray+alpha → 2, RGBA → 4). 8-bit values are divided by 255, 16-bit PNG values by 65535, 1/2/4-bit
 * gray by 2^depth − 1. The format is told by the file's first bytes, not by its name.
 * A JPEG stored with one component (gray) reads as C = 1.
 */
export function readImage(file: string, options: ReadImageOptions = {}): Tensor {
  const fn = 'readImage';
  if (typeof file !== 'string' || file === '') {
    throw new ConvlabError(fn, `path must be a non-empty string, got ${JSON.stringify(file)}`);
  }
  const alpha = options.alpha ?? 'drop';
  if (alpha !== 'drop' && alpha !== 'keep') {
    throw new ConvlabError(fn, `alpha must be 'drop' or 'keep', got ${JSON.stringify(alpha)}`);
  }
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute)) throw new ConvlabError(fn, `no such file ${absolute}`);
  if (!fs.statSync(absolute).isFile()) throw new ConvlabError(fn, `${absolute} is not a file`);
  const bytes = fs.readFileSync(absolute);
  try {
    if (startsWith(bytes, PNG_SIGNATURE)) return decodePng(bytes, alpha === 'keep');
    if (startsWith(bytes, JPEG_SIGNATURE)) return decodeJpeg(bytes);
  } catch (e) {
    throw new ConvlabError(fn, `cannot decode ${absolute}: ${(e as Error).message}`, {}, { cause: e });
  }
  throw new ConvlabError(fn, `${absolute} is neither a PNG nor a JPEG (${firstBytes(bytes)})`);
}

function decodePng(bytes: Buffer, keepAlpha: boolean): Tensor {
  // skipRescale keeps 16-bit samples as they are (pngjs would round them to 8 bits otherwise)
  const png = PNG.sync.read(bytes, { skipRescale: true });
  const { width, height } = png;
  // pngjs always hands back 4 samples per pixel (gray repeated into R, G, B); palettes hold 8-bit colours
  const maxValue = png.palette ? 255 : 2 ** png.depth - 1;
  const colorChannels = png.color ? 3 : 1;
  const hasAlpha = keepAlpha && png.alpha;
  const channels = colorChannels + (hasAlpha ? 1 : 0);
  const samples = ndarray(png.data as Data<number>, [height, width, 4]); // R, G, B, A per pixel
  const out = zeros([height, width, channels]);
  ops.divs(out.hi(height, width, colorChannels), samples.hi(height, width, colorChannels), maxValue);
  if (hasAlpha) ops.divs(out.pick(null, null, colorChannels), samples.pick(null, null, 3), maxValue);
  return out;
}

// The number of colour components in a JPEG's frame header (1 = gray, 3 = YCbCr, 4 = CMYK).
// jpeg-js always returns RGB, so this is how a gray JPEG is told apart.
function jpegComponents(bytes: Buffer): number {
  let at = 2; // after the FF D8 start-of-image marker
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new Error(`bad JPEG marker at byte ${at}`);
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    const isFrameHeader =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrameHeader) return bytes[at + 9]; // FF Cn, length(2), precision(1), height(2), width(2), Nf
    if (marker === 0xda) break; // start of scan: no frame header before it
    at += 2 + length;
  }
  throw new Error('no JPEG frame header (SOF) found');
}

function decodeJpeg(bytes: Buffer): Tensor {
  const components = jpegComponents(bytes);
  const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  const { width, height, data } = decoded;
  const channels = components === 1 ? 1 : 3;
  const rgb = ndarray(data, [height, width, 3]);
  const out = zeros([height, width, channels]);
  ops.divs(out, rgb.hi(height, width, channels), 255); // gray: jpeg-js repeats it into R, G and B
  return out;
}

/**
 * Luma weights for `toGray`:
 * - `'bt601'` (default): 0.299 R + 0.587 G + 0.114 B, ITU-R BT.601 — what OpenCV's
 *   `cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)` and Pillow's `convert('L')` use.
 * - `'bt709'`: 0.2125 R + 0.7154 G + 0.0721 B — scikit-image's `rgb2gray` (its rounding of the
 *   BT.709 weights 0.2126 / 0.7152 / 0.0722).
 */
export type Luma = 'bt601' | 'bt709';

const lumaWeights: Record<Luma, [number, number, number]> = {
  bt601: [0.299, 0.587, 0.114],
  bt709: [0.2125, 0.7154, 0.0721],
};

/**
 * A gray (H,W) tensor from an image: (H,W,3) or (H,W,4) by a luma formula (alpha is ignored),
 * (H,W,1) or (H,W,2) (gray + alpha) by taking the gray channel, (H,W) as a copy. Keeps the dtype.
 */
export function toGray(image: Tensor, options: { luma?: Luma } = {}): Tensor {
  const fn = 'toGray';
  checkTensor(fn, 'image', image, [2, 3]);
  const luma = options.luma ?? 'bt601';
  if (!(luma in lumaWeights)) {
    throw new ConvlabError(fn, `luma must be 'bt601' or 'bt709', got ${JSON.stringify(luma)}`);
  }
  if (image.dimension === 2) return copy(image);
  const [height, width, channels] = image.shape;
  if (channels === 1 || channels === 2) return copy(image.pick(null, null, 0));
  if (channels !== 3 && channels !== 4) {
    throw new ConvlabError(fn, `image must have 1, 2, 3 or 4 channels, got ${channels}`, {
      image: image.shape,
    });
  }
  const [wR, wG, wB] = lumaWeights[luma];
  const gray = zeros([height, width], dtypeOf(image));
  for (let h = 0; h < height; h++) {
    for (let w = 0; w < width; w++) {
      gray.set(h, w, wR * image.get(h, w, 0) + wG * image.get(h, w, 1) + wB * image.get(h, w, 2));
    }
  }
  return gray;
}

export interface WritePngOptions {
  /**
   * How values become 0…255: `'clip'` (default) clips to [0, 1] then rounds v·255; `'minmax'` first
   * stretches the image's smallest value to 0 and largest to 1 — handy for gradients, which are signed.
   */
  scale?: 'clip' | 'minmax';
}

/**
 * Writes an 8-bit PNG: (H,W) or (H,W,1) as gray, (H,W,2) gray + alpha, (H,W,3) RGB, (H,W,4) RGBA,
 * from values in [0, 1] (see `scale`). Returns the absolute path written.
 */
export function writePng(file: string, image: Tensor, options: WritePngOptions = {}): string {
  const fn = 'writePng';
  checkTensor(fn, 'image', image, [2, 3]);
  if (typeof file !== 'string' || file === '') {
    throw new ConvlabError(fn, `path must be a non-empty string, got ${JSON.stringify(file)}`);
  }
  const scale = options.scale ?? 'clip';
  if (scale !== 'clip' && scale !== 'minmax') {
    throw new ConvlabError(fn, `scale must be 'clip' or 'minmax', got ${JSON.stringify(scale)}`);
  }
  const volume =
    image.dimension === 2
      ? ndarray(image.data, [...image.shape, 1], [...image.stride, 0], image.offset)
      : image;
  const [height, width, channels] = volume.shape;
  if (channels < 1 || channels > 4 || height === 0 || width === 0) {
    throw new ConvlabError(
      fn,
      `image must be (H,W) or (H,W,C) with C = 1…4 and H, W > 0, got ${shapeString(image.shape)}`,
    );
  }
  const values = copy(volume, 'float64').data as Float64Array; // contiguous (H,W,C), row-major as PNG stores it
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const h = Math.floor(bad / (width * channels));
    const w = Math.floor(bad / channels) % width;
    throw new ConvlabError(
      fn,
      `value ${values[bad]} at [${h},${w},${bad % channels}] is not a finite number`,
      { image: image.shape },
    );
  }
  let low = 0;
  let span = 1;
  if (scale === 'minmax') {
    low = ops.inf(volume);
    const high = ops.sup(volume);
    span = high > low ? high - low : 1; // a flat image writes as black
  }
  const bytes = Buffer.alloc(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(1, Math.max(0, (values[i] - low) / span));
    bytes[i] = Math.round(v * 255);
  }
  // PNG colour types: 0 gray, 4 gray+alpha, 2 RGB, 6 RGBA
  const colorType = ([0, 4, 2, 6] as const)[channels - 1];
  const png = new PNG({ width, height });
  png.data = bytes;
  const encoded = PNG.sync.write(png, {
    colorType,
    inputColorType: colorType,
    inputHasAlpha: channels % 2 === 0,
    bitDepth: 8,
  });
  const absolute = path.resolve(file);
  try {
    fs.writeFileSync(absolute, encoded);
  } catch (e) {
    throw new ConvlabError(fn, `cannot write ${absolute}: ${(e as Error).message}`, {}, { cause: e });
  }
  return absolute;
}

function asVolume(image: Tensor): Tensor {
  return image.dimension === 3
    ? image
    : ndarray(image.data, [...image.shape, 1], [...image.stride, 1], image.offset);
}

/**
 * Shrinks an (H,W) or (H,W,C) image by a whole factor f to ⌊H/f⌋ × ⌊W/f⌋:
 * `'box'` (default) averages each f×f block — exactly average pooling with size f and stride f —
 * and `'nearest'` keeps each block's top-left pixel. Keeps the dtype and the number of axes.
 */
export function downsample(
  image: Tensor,
  factor: number,
  options: { method?: 'box' | 'nearest' } = {},
): Tensor {
  const fn = 'downsample';
  checkTensor(fn, 'image', image, [2, 3]);
  const method = options.method ?? 'box';
  if (method !== 'box' && method !== 'nearest') {
    throw new ConvlabError(fn, `method must be 'box' or 'nearest', got ${JSON.stringify(method)}`);
  }
  const [height, width] = image.shape;
  if (
    typeof factor !== 'number' ||
    !Number.isInteger(factor) ||
    factor < 1 ||
    factor > Math.min(height, width)
  ) {
    throw new ConvlabError(
      fn,
      `factor must be an integer from 1 to ${Math.min(height, width)} (the smaller side), got ${JSON.stringify(factor)}`,
      { image: image.shape },
    );
  }
  const outHeight = Math.floor(height / factor);
  const outWidth = Math.floor(width / factor);
  let out: Tensor;
  if (method === 'box') {
    out = pool2d(asVolume(image), { size: factor, stride: factor, mode: 'avg' });
  } else {
    const blocks = asVolume(image).hi(outHeight * factor, outWidth * factor);
    out = copy(blocks.step(factor, factor)); // a strided view: every f-th row and column
  }
  return image.dimension === 2 ? ndarray(out.data, [outHeight, outWidth]) : out;
}

/**
 * Resizes an (H,W) or (H,W,C) image to outHeight × outWidth by nearest neighbour, matching pixel
 * centres: output pixel (h, w) takes input pixel (⌊(h + ½)·H/outHeight⌋, ⌊(w + ½)·W/outWidth⌋).
 * For shrinking a photo by a whole factor, `downsample(image, f)` (box) looks smoother.
 */
export function resize(image: Tensor, outHeight: number, outWidth: number): Tensor {
  const fn = 'resize';
  checkTensor(fn, 'image', image, [2, 3]);
  positiveInteger(fn, 'outHeight', outHeight, { shapes: { image: image.shape } });
  positiveInteger(fn, 'outWidth', outWidth, { shapes: { image: image.shape } });
  const volume = asVolume(image);
  const [height, width, channels] = volume.shape;
  const out = zeros([outHeight, outWidth, channels], dtypeOf(image));
  for (let h = 0; h < outHeight; h++) {
    const fromH = Math.min(height - 1, Math.floor(((h + 0.5) * height) / outHeight));
    for (let w = 0; w < outWidth; w++) {
      const fromW = Math.min(width - 1, Math.floor(((w + 0.5) * width) / outWidth));
      for (let c = 0; c < channels; c++) out.set(h, w, c, volume.get(fromH, fromW, c));
    }
  }
  return image.dimension === 2 ? ndarray(out.data, [outHeight, outWidth]) : out;
}

// src/cnn/image.ts and dist/cnn/image.js both sit two folders below the package root
const imagesFolder = path.resolve(__dirname, '..', '..', 'data', 'images');

/** The names of the sample images shipped in `data/images/` (see SOURCES.md there for licences). */
export function sampleImages(): string[] {
  if (!fs.existsSync(imagesFolder)) return [];
  return fs
    .readdirSync(imagesFolder)
    .filter((f) => f.endsWith('.png'))
    .map((f) => f.slice(0, -'.png'.length))
    .sort();
}

/**
 * The absolute path of a shipped sample image: `readImage(imagePath('camera'))`.
 * Names: astronaut (512×512 RGB), brick (512×512 gray), camera (512×512 gray), chelsea (300×451 RGB),
 * coffee (400×600 RGB), coins (303×384 gray) — (H×W). `'camera.png'` works too.
 */
export function imagePath(name: string): string {
  const fn = 'imagePath';
  const names = sampleImages();
  const base = typeof name === 'string' ? name.replace(/\.png$/, '') : name;
  if (typeof base !== 'string' || !names.includes(base)) {
    throw new ConvlabError(
      fn,
      `no sample image ${JSON.stringify(name)} in ${imagesFolder}; there are ${names.map((n) => `'${n}'`).join(', ') || 'none'}`,
    );
  }
  return path.join(imagesFolder, `${base}.png`);
}
