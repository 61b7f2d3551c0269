import { Figure } from './figure';
import { panelGrid, PanelGridOptions, PanelInput } from './panelGrid';
import { ConvlabError } from '../cnn/convlabError';

export type SideBySideOptions = Pick<
  PanelGridOptions,
  'title' | 'between' | 'showValues' | 'sharedRange' | 'diverging' | 'colorscale' | 'panelSize'
>;

/**
 * Panels in one row, cells the same size in every panel, e.g. the lecture's input * filter = output:
 *
 * ```ts
 * show(sideBySide(
 *   [{ title: 'input 6×6', matrix: x }, { title: 'filter 3×3', matrix: k }, { title: 'output 4×4', matrix: correlate2d(x, k) }],
 *   { between: ['*', '='] },
 * ));
 * ```
 */
export function sideBySide(panels: PanelInput[], options: SideBySideOptions = {}): Figure {
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new ConvlabError(
      'sideBySide',
      `expected a non-empty array of panels ({ title, matrix } or figures), got ${panels}`,
    );
  }
  if (options.between && options.between.length !== panels.length - 1) {
    throw new ConvlabError(
      'sideBySide',
      `between has ${options.between.length} entries but ${panels.length} panels have ${panels.length - 1} gaps`,
    );
  }
  return panelGrid(panels, { panelSize: 300, ...options, columns: panels.length, sizeByCells: true });
}
