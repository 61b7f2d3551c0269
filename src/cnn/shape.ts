import { shapeString } from './tensor';
import { ConvlabError } from './convlabError';
import { isNonNegativeInteger, positiveInteger } from './positiveInteger';

/** Zero padding: a number of pixels, `'valid'` (0) or `'same'` ((f − 1)/2, odd f only). */
export type Pad = number | 'valid' | 'same';

/** The one place the output size is computed: ⌊(n + 2p − f)/s⌋ + 1. */
export function outputSize(n: number, f: number, pad: number, stride: number): number {
  const fn = 'outputSize';
  for (const [name, v, min] of [
    ['n', n, 1],
    ['f', f, 1],
    ['pad', pad, 0],
    ['stride', stride, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new ConvlabError(
        fn,
        `${name} must be an integer ≥ ${min}, got ${v} (n=${n}, f=${f}, pad=${pad}, stride=${stride})`,
      );
    }
  }
  if (f > n + 2 * pad) {
    throw new ConvlabError(
      fn,
      `filter size ${f} is larger than the padded input ${n + 2 * pad} (n=${n}, pad=${pad})`,
    );
  }
  return Math.floor((n + 2 * pad - f) / stride) + 1;
}

/** Checks a stride: a positive integer. */
export function checkStride(fn: string, stride: unknown): number {
  return positiveInteger(fn, 'stride', stride);
}

/** Turns `'valid'`, `'same'` or a number into pixels of padding for a filter of size f. */
export function resolvePad(fn: string, pad: unknown, f: number): number {
  if (pad === 'valid') return 0;
  if (pad === 'same') {
    if (f % 2 === 0) {
      throw new ConvlabError(
        fn,
        `pad 'same' needs an odd filter size so that p = (f − 1)/2 is whole, got f=${f}`,
      );
    }
    return (f - 1) / 2;
  }
  if (!isNonNegativeInteger(pad)) {
    throw new ConvlabError(
      fn,
      `pad must be a non-negative integer, 'valid' or 'same', got ${JSON.stringify(pad)}`,
    );
  }
  return pad;
}

/** Everything a conv kernel loops over, worked out once (tfjs's Conv2DInfo). */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  filterSize: number;
  outChannels: number;
  stride: number;
  pad: number;
  outHeight: number;
  outWidth: number;
}

/**
 * Checks a (m,H,W,C) input against (f,f,C,K) filters and works out the output size.
 * `xShape` must already be 4-D; `fn` names the public function for error messages, which show
 * `shownShape` (the caller's own input shape, e.g. 3-D) rather than the 4-D one.
 */
export function convGeometry(
  fn: string,
  xShape: readonly number[],
  wShape: readonly number[],
  options: { stride?: unknown; pad?: unknown } = {},
  shownShape: readonly number[] = xShape,
): ConvGeometry {
  const [batch, inHeight, inWidth, inChannels] = xShape;
  const [fH, fW, wChannels, outChannels] = wShape;
  const shapes = { input: shownShape, filter: wShape };
  if (wShape.length !== 4)
    throw new ConvlabError(fn, `filter must be 4-D (f,f,C,K), got ${shapeString(wShape)}`);
  if (fH !== fW) throw new ConvlabError(fn, `filter must be square (f,f,C,K), got ${fH}×${fW}`, shapes);
  if (wChannels !== inChannels) {
    throw new ConvlabError(
      fn,
      `filter has ${wChannels} input channels but the input has ${inChannels}`,
      shapes,
    );
  }
  const stride = checkStride(fn, options.stride ?? 1);
  const pad = resolvePad(fn, options.pad ?? 0, fH);
  if (fH > inHeight + 2 * pad || fH > inWidth + 2 * pad) {
    throw new ConvlabError(
      fn,
      `filter ${fH}×${fH} is larger than the padded input ${inHeight + 2 * pad}×${inWidth + 2 * pad} (pad ${pad})`,
      shapes,
    );
  }
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    filterSize: fH,
    outChannels,
    stride,
    pad,
    outHeight: outputSize(inHeight, fH, pad, stride),
    outWidth: outputSize(inWidth, fH, pad, stride),
  };
}

export type PoolMode = 'max' | 'avg';

export interface PoolGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  size: number;
  stride: number;
  mode: PoolMode;
  outHeight: number;
  outWidth: number;
}

/**
 * Checks pooling options against a (m,H,W,C) input. Stride defaults to the window size.
 * Error messages show `shownShape` (the caller's own input shape).
 */
export function poolGeometry(
  fn: string,
  xShape: readonly number[],
  options: { size?: unknown; stride?: unknown; mode?: unknown },
  shownShape: readonly number[] = xShape,
): PoolGeometry {
  if (!options || typeof options !== 'object') {
    throw new ConvlabError(
      fn,
      `options { size, stride?, mode? } are required, got ${JSON.stringify(options)}`,
    );
  }
  const size = positiveInteger(fn, 'size', options.size);
  const stride = checkStride(fn, options.stride ?? size);
  const mode = options.mode ?? 'max';
  if (mode !== 'max' && mode !== 'avg') {
    throw new ConvlabError(fn, `unknown pool mode ${JSON.stringify(mode)}; use 'max' or 'avg'`);
  }
  const [batch, inHeight, inWidth, channels] = xShape;
  if (size > inHeight || size > inWidth) {
    throw new ConvlabError(fn, `window ${size}×${size} is larger than the input ${inHeight}×${inWidth}`, {
      input: shownShape,
    });
  }
  return {
    batch,
    inHeight,
    inWidth,
    channels,
    size,
    stride,
    mode,
    outHeight: outputSize(inHeight, size, 0, stride),
    outWidth: outputSize(inWidth, size, 0, stride),
  };
}
