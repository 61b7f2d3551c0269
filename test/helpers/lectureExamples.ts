/**
 * The lecture's worked examples, written once: every test that needs one imports it from here. Plain
 * number arrays (a test makes a tensor of one with `tensor(...)`), each with the answer the lecture gives.
 */

/** The 6×6 image of the lecture's first edge-detection example. */
export const lectureImage = [
  [3, 0, 1, 2, 7, 4],
  [1, 5, 8, 9, 3, 1],
  [2, 7, 2, 5, 1, 3],
  [0, 1, 3, 1, 7, 8],
  [4, 2, 1, 6, 2, 8],
  [2, 4, 5, 2, 3, 9],
];

/** The vertical edge filter (the library's `filters.vertical`). */
export const verticalFilter = [
  [1, 0, -1],
  [1, 0, -1],
  [1, 0, -1],
];

/** lectureImage ⋆ verticalFilter, no padding: the slide's 4×4 answer. */
export const lectureOutput = [
  [-5, -4, 0, 8],
  [-10, -2, 2, 3],
  [0, -2, -4, -7],
  [-3, -2, -3, -16],
];

/** The 6×6 images of the "Vertical and Horizontal Edge Detection" slides: bright left half, bright right half… */
export const brightLeft = Array.from({ length: 6 }, () => [10, 10, 10, 0, 0, 0]);
export const brightRight = Array.from({ length: 6 }, () => [0, 0, 0, 10, 10, 10]);

/** …and the checker: bright top-left and bottom-right quarters. */
export const checker = [...brightLeft.slice(0, 3), ...brightRight.slice(0, 3)];

/** The strided-convolution example: 7×7 ⋆ 3×3 with stride 2. */
export const stridedImage = [
  [2, 3, 7, 4, 6, 2, 9],
  [6, 6, 9, 8, 7, 4, 3],
  [3, 4, 8, 3, 8, 9, 7],
  [7, 8, 3, 6, 6, 3, 4],
  [4, 2, 1, 8, 3, 4, 6],
  [3, 2, 4, 1, 9, 8, 3],
  [0, 1, 3, 9, 2, 1, 4],
];
export const stridedKernel = [
  [3, 4, 4],
  [1, 0, 2],
  [-1, 0, 3],
];
/** What its own input gives: the slide prints 83 and 127 where the arithmetic gives 88 and 117. */
export const stridedOutput = [
  [91, 100, 88],
  [69, 91, 117],
  [44, 72, 74],
];

/**
 * The pooling examples' 4×4 inputs as (H,W,1) volumes; the max and average slides differ in one
 * cell (row 2, column 1: 3 and 4).
 */
export const maxPoolInput = [
  [[1], [3], [2], [1]],
  [[2], [9], [1], [1]],
  [[1], [3], [2], [3]],
  [[5], [6], [1], [2]],
];
export const maxPoolOutput = [
  [[9], [2]],
  [[6], [3]],
];
export const averagePoolInput = structuredClone(maxPoolInput);
averagePoolInput[2][1] = [4];
export const averagePoolOutput = [
  [[3.75], [1.25]],
  [[4], [2]],
];
