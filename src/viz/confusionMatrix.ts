import { Tensor } from '../cnn/tensor';
import { Figure, isTensor } from './figure';
import { heatmap } from './heatmap';
import { ConvlabError } from '../cnn/convlabError';
import { isPositiveInteger } from '../cnn/positiveInteger';

/** Class indices: a plain array, or a 1-D tensor (e.g. an argmax of predictions). */
export type ClassIndices = readonly number[] | Tensor;

function indices(fn: string, name: string, values: ClassIndices, classCount: number): number[] {
  let list: number[];
  if (isTensor(values)) {
    if (values.dimension !== 1)
      throw new ConvlabError(fn, `${name} must be 1-D, got shape [${values.shape}]`);
    list = Array.from({ length: values.shape[0] }, (_, i) => values.get(i));
  } else if (Array.isArray(values)) {
    list = values.slice();
  } else {
    throw new ConvlabError(fn, `${name} must be an array of class indices, got ${typeof values}`);
  }
  list.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= classCount) {
      throw new ConvlabError(fn, `${name}[${i}] is ${v}, not a class index in 0…${classCount - 1}`);
    }
  });
  return list;
}

/** White (no examples) to dark blue (many): ColorBrewer Blues. Plotly's own 'Blues' runs dark to light. */
export const COUNT_SCALE: [number, string][] = [
  [0, '#f7fbff'],
  [0.5, '#6baed6'],
  [1, '#08306b'],
];

/** How often each true class (row) was predicted as each class (column). */
export function confusionCounts(
  labels: readonly number[],
  predictions: readonly number[],
  classCount: number,
): number[][] {
  const counts = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  labels.forEach((label, i) => counts[label][predictions[i]]++);
  return counts;
}

/**
 * A confusion matrix: row = true class, column = predicted class, each cell the number of examples;
 * the diagonal holds the correct ones. `classes` is the class names, or how many classes there are.
 *
 * ```ts
 * show(confusionMatrix(testLabels, predictedLabels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']));
 * ```
 */
export function confusionMatrix(
  labels: ClassIndices,
  predictions: ClassIndices,
  classes: readonly string[] | number,
  options: { title?: string } = {},
): Figure {
  const fn = 'confusionMatrix';
  const names = isPositiveInteger(classes)
    ? Array.from({ length: classes }, (_, i) => String(i))
    : Array.isArray(classes) && classes.length > 0
      ? classes.map(String)
      : null;
  if (!names)
    throw new ConvlabError(
      fn,
      `classes must be a list of names or a positive class count, got ${JSON.stringify(classes)}`,
    );
  const truth = indices(fn, 'labels', labels, names.length);
  const predicted = indices(fn, 'predictions', predictions, names.length);
  if (truth.length !== predicted.length) {
    throw new ConvlabError(fn, `${truth.length} labels but ${predicted.length} predictions`);
  }
  if (truth.length === 0) throw new ConvlabError(fn, 'no examples (labels and predictions are empty)');
  const counts = confusionCounts(truth, predicted, names.length);
  const correct = counts.reduce((sum, row, c) => sum + row[c], 0);
  const accuracy = `accuracy ${((100 * correct) / truth.length).toFixed(1)}% (${correct}/${truth.length})`;
  const figure = heatmap(counts, {
    title: options.title ? `${options.title} — ${accuracy}` : accuracy,
    colorscale: COUNT_SCALE,
    diverging: false,
    showScale: false,
    showValues: names.length <= 12,
    xLabels: names,
    yLabels: names,
    xTitle: 'predicted',
    yTitle: 'true',
    hovertemplate: '%{customdata}: %{z}<extra></extra>',
  });
  // the axes are numbered 0…K−1 under the names, so the hover text spells the names out
  figure.data[0].customdata = names.map((truthName) =>
    names.map((name) => `true ${truthName}, predicted ${name}`),
  );
  return figure;
}
