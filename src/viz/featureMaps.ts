import { checkTensor, shapeString, Tensor } from '../cnn/tensor';
import { Figure } from './figure';
import { panelGrid, PanelGridOptions } from './panelGrid';
import { ConvlabError } from '../cnn/convlabError';

export interface FeatureMapsOptions extends Pick<
  PanelGridOptions,
  'columns' | 'title' | 'showValues' | 'colorscale' | 'panelSize'
> {
  /** One title per channel (default `channel 0`, `channel 1`, …). */
  titles?: string[];
  /** One colour range for all channels (default false: each map uses its own range). */
  sharedRange?: boolean;
}

/**
 * The channels of one activation volume side by side: a (H,W,C) tensor, or (1,H,W,C), becomes C
 * panels, each an image of what one filter responded to.
 *
 * ```ts
 * show(featureMaps(conv2d(x, W, b).pick(0), { title: 'after conv 1' }));
 * ```
 */
export function featureMaps(volume: Tensor, options: FeatureMapsOptions = {}): Figure {
  const fn = 'featureMaps';
  checkTensor(fn, 'volume', volume, [3, 4]);
  if (volume.dimension === 4 && volume.shape[0] !== 1) {
    throw new ConvlabError(
      fn,
      `expected one example (H,W,C) or (1,H,W,C), got a batch of ${volume.shape[0]} (volume ${shapeString(volume.shape)}); pick one with volume.pick(i)`,
    );
  }
  const maps = volume.dimension === 4 ? volume.pick(0) : volume;
  const channels = maps.shape[2];
  if (options.titles && options.titles.length !== channels) {
    throw new ConvlabError(fn, `${options.titles.length} titles for ${channels} channels`, {
      volume: volume.shape,
    });
  }
  const panels = Array.from({ length: channels }, (_, c) => ({
    title: options.titles?.[c] ?? `channel ${c}`,
    matrix: maps.pick(null, null, c), // a view of channel c, no copy
  }));
  return panelGrid(panels, { ...options, columns: options.columns ?? Math.min(channels, 4) });
}
