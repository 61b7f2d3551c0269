/**
 * The ways conv2d can compute its values. conv2d picks one per call from the shapes (conv2dFast.ts says
 * how); the tests force each in turn with `withStrategy`, as tfjs's tests set a flag to force its im2col
 * path, because a table run only through the picked path would leave the others untested.
 * Not exported from the library's index: users always get the picked path.
 */
import { ConvlabError } from '../convlabError';

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

/** The forced strategy for a conv, checked to fit; undefined when none is forced. */
export function forcedConvStrategy(direction: 'forward' | 'backward', stride: number): Strategy | undefined {
  if (forced && !strategyFits(forced, direction, stride)) {
    throw new ConvlabError(
      'withStrategy',
      `strategy '${forced}' has no ${direction} path for stride ${stride}`,
    );
  }
  return forced;
}
