/**
 * The ways conv2d can compute its values, and the one function that picks one per call from the shapes
 * (convStrategy); the tests force each in turn with `withStrategy`, as tfjs's tests set a flag to force
 * its im2col path, because a table run only through the picked path would leave the others untested.
 * Not exported from the library's index: users always get the picked path.
 */
import { ConvlabError } from '../convlabError';
import { ConvGeometry } from '../shape';
import { DType } from '../tensor';

/**
 * - 'reference': no SIMD kernels: conv2d, pool2d and matmul run the teaching reference loops, as they
 *   do when kernels.wasm is not built.
 * - 'channelsLast': forward, stride 1: each output position a small matrix product of its window rows.
 * - 'planes': stride 1: windows read straight from zero-padded channel planes (forward and backward).
 * - 'im2col': any stride: windows copied into columns, then one matrix product (forward and backward).
 * Pooling has one SIMD kernel, used under every strategy but 'reference'.
 */
export type Strategy = 'reference' | 'channelsLast' | 'planes' | 'im2col';

export const STRATEGIES: readonly Strategy[] = ['reference', 'channelsLast', 'planes', 'im2col'];

/** The strategies that run on the SIMD kernels: what convStrategy returns. */
export type ConvStrategy = Exclude<Strategy, 'reference'>;

/** Whether `strategy` can compute a conv of this stride in this direction. */
export function strategyFits(strategy: Strategy, direction: 'forward' | 'backward', stride: number): boolean {
  if (strategy === 'channelsLast') return direction === 'forward' && stride === 1;
  if (strategy === 'planes') return stride === 1;
  return true;
}

let forced: Strategy | undefined;

/** The strategy `withStrategy` forces at the moment, if any. */
export function forcedStrategy(): Strategy | undefined {
  return forced;
}

/**
 * For tests: runs `body` with every conv2d, conv2dBackward, pool2d, … call in it taking `strategy`
 * (a conv the strategy does not fit throws), then restores the library's own choice.
 */
export function withStrategy<T>(strategy: Strategy, body: () => T): T {
  const before = forced;
  forced = strategy;
  try {
    return body();
  } finally {
    forced = before;
  }
}

/**
 * The strategy a conv of geometry g in `dtype` runs in `direction`: the forced one (checked to fit) when
 * a test forces one, else
 * - forward, stride 1, at least a vector of filters: 'channelsLast' (every conv layer in the course). It
 *   fills its vectors with filters, so with fewer (W1's one Sobel filter) it would mostly multiply zeros,
 *   where the planes fill them with positions.
 * - stride 1 where the padded row Wp is at most 1.3·outW: 'planes'. The planes path computes Wp
 *   positions per output row and keeps outW; where that wastes more than about a quarter of the work,
 *   im2col measured faster.
 * - otherwise 'im2col'.
 * The reference loops are not chosen here: kernelsFor returns no kernels when they are forced.
 */
export function convStrategy(g: ConvGeometry, dtype: DType, direction: 'forward' | 'backward'): ConvStrategy {
  if (forced && forced !== 'reference') {
    if (!strategyFits(forced, direction, g.stride)) {
      throw new ConvlabError(
        'withStrategy',
        `strategy '${forced}' has no ${direction} path for stride ${g.stride}`,
      );
    }
    return forced;
  }
  const lanes = dtype === 'float64' ? 2 : 4; // values in a 128-bit vector
  if (direction === 'forward' && g.stride === 1 && g.outChannels >= lanes) return 'channelsLast';
  if (g.stride === 1 && g.inWidth + 2 * g.pad <= 1.3 * g.outWidth) return 'planes';
  return 'im2col';
}
