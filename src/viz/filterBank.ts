import { checkTensor, Tensor } from '../cnn/tensor';
import { Figure } from './figure';
import { panelGrid, PanelGridOptions } from './panelGrid';
import { ConvlabError } from '../cnn/convlabError';

export interface FilterBankOptions extends Pick<
  PanelGridOptions,
  'columns' | 'title' | 'showValues' | 'colorscale' | 'panelSize'
> {
  /** One colour range, symmetric around 0, for every filter (default true), so weights compare. */
  sharedRange?: boolean;
}

/**
 * The filters of a conv layer, W of shape (f,f,C,K): one panel per filter, and per input channel
 * when C > 1 (then each row of the grid is one filter). Blue is negative, red positive, white 0.
 *
 * ```ts
 * show(filterBank(model.layers[0].W, { title: 'learned 5×5 filters' }));
 * ```
 */
export function filterBank(W: Tensor, options: FilterBankOptions = {}): Figure {
  const fn = 'filterBank';
  checkTensor(fn, 'W', W, [4]);
  const [f, fW, inChannels, count] = W.shape;
  if (f !== fW)
    throw new ConvlabError(fn, `filters must be square (f,f,C,K), got ${f}×${fW}`, { W: W.shape });
  const panels = [];
  for (let k = 0; k < count; k++) {
    for (let c = 0; c < inChannels; c++) {
      const title = inChannels === 1 ? `filter ${k}` : `filter ${k} · channel ${c}`;
      panels.push({ title, matrix: W.pick(null, null, c, k) });
    }
  }
  return panelGrid(panels, {
    ...options,
    diverging: true,
    sharedRange: options.sharedRange ?? true,
    columns: options.columns ?? (inChannels > 1 ? inChannels : Math.min(count, 6)),
    // 3×3 filters get 40 px cells with their weights written in; larger ones are read by hover
    panelSize: options.panelSize ?? (f <= 3 ? 120 : 100),
  });
}
