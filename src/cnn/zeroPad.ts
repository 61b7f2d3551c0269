import { checkTensor, dtypeOf, Tensor, zeros, assign } from './tensor';
import { nonNegativeInteger } from './positiveInteger';

/**
 * Pads the two spatial axes with zeros: (H,W), (H,W,C) or (m,H,W,C) → H + 2·pad, W + 2·pad.
 * Keeps the dtype. `pad` is a non-negative integer.
 */
export function zeroPad(x: Tensor, pad: number): Tensor {
  const fn = 'zeroPad';
  checkTensor(fn, 'x', x, [2, 3, 4]);
  nonNegativeInteger(fn, 'pad', pad, { shapes: { x: x.shape } });
  const h = x.dimension === 4 ? 1 : 0; // index of the height axis
  const shape = x.shape.slice();
  shape[h] += 2 * pad;
  shape[h + 1] += 2 * pad;
  const out = zeros(shape, dtypeOf(x));
  const lo = shape.map(() => 0);
  lo[h] = pad;
  lo[h + 1] = pad;
  assign(out.lo(...lo).hi(...x.shape), x);
  return out;
}
