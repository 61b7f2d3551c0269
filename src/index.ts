/**
 * convlab — what a notebook imports: `import * as cl from '../dist'`.
 * The numbers live in `cnn/`; figures in `viz/`; `check` and `record`, which the grader reads too,
 * in `jupyter/grading/testKit.ts`.
 */
export { ConvlabError } from './cnn/convlabError';
export type { ErrorShapes } from './cnn/convlabError';
export { CheckFailure } from './cnn/checkFailure';
export * from './cnn/tensor';
export { ops } from './cnn/ops';
export * from './cnn/random';
export * from './cnn/shape';
export * from './cnn/zeroPad';
export * from './cnn/conv2d';
export * from './cnn/correlate2d';
export * from './cnn/pool2d';
export * from './cnn/fast/matmul';
export { fastKernelsAvailable } from './cnn/fast/wasmKernels';
export { setThreads, threadCount } from './cnn/fast/threads';
export * from './cnn/activations';
export * from './cnn/dense';
export * from './cnn/crossEntropy';
export * from './cnn/softmaxCrossEntropy';
export * from './cnn/init';
export * from './cnn/optimizers';
export * from './cnn/layers';
export * from './cnn/buildLayers';
export * from './cnn/sequential';
export * from './cnn/mnist';
export * from './cnn/filters';
export * from './cnn/border';
export * from './cnn/edges';
export * from './cnn/image';
export type { Figure, FigureFrame, Json, MatrixLike, PlotlyObject } from './viz/figure';
export { isFigure } from './viz/figure';
export * from './viz/heatmap';
export * from './viz/imageFigure';
export * from './viz/panelGrid';
export * from './viz/featureMaps';
export * from './viz/filterBank';
export * from './viz/sideBySide';
export * from './viz/beforeAfter';
export * from './viz/htmlTable';
export * from './viz/trainingCurves';
export * from './viz/framesFigure';
export * from './viz/convolutionHover';
export * from './viz/confusionMatrix';
export * from './viz/lineChart';
export * from './viz/barChart';
export * from './viz/describeFigure';
export * from './viz/figureHtml';
export * from './viz/kernelPlayground';
export * from './viz/colorize';
export * from './viz/colorizeOrientation';
export * from './viz/smallGray';
export * from './viz/imageExplorer';
export * from './viz/runCorrelateJs';
export * from './viz/show';
// the one check, the same in lecture notebooks and exercises (and record, for hidden tests)
export { check, record } from './jupyter/grading/testKit';
export type { Tolerance } from './jupyter/grading/recordValues';
export * from './cnn/gradientCheck';
export * from './cnn/lenet5';
