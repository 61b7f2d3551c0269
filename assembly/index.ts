/**
 * convlab's fast kernels: AssemblyScript compiled to WebAssembly with 128-bit SIMD by `npm run build:wasm`
 * (dist/cnn/fast/kernels.wasm). The readable versions of the same maths are src/cnn/reference/*.ts.
 *
 * Convolution with stride 1 runs in the library's channels-last layout (convChannelsLast). Otherwise, and
 * for the gradients, it is "im2col + GEMM": copy every f×f×C window into a column of a matrix (im2col),
 * then one matrix product does all the multiply-adds. The TypeScript side (src/cnn/fast/) lays the
 * matrices out in this module's memory, a block of output rows at a time, and calls these kernels.
 *
 * Each kernel is written once for an element type T (f32 or f64) and exported twice (…F32, …F64).
 * Pointers are byte addresses into this module's memory; sizes, strides and leading dimensions (ld…,
 * the distance between two rows of a row-major matrix) count elements. Nothing here allocates.
 * Every conv and pool kernel takes `plan` first: the address of its op's plan record (plan.ts), where it
 * reads the op's sizes; its other arguments are its buffers and the part of the work the call does.
 *
 * This file is the module's export list, nothing else; each kernel sits with its twins in the file of its
 * concern: tiles.ts (register-tile helpers), gemm.ts, directConv.ts, windows.ts, layout.ts, pool.ts;
 * plan.ts lays out the plan records.
 * src/cnn/fast/wasmKernels.ts binds every export (test/kernelBindings.test.ts checks that they agree).
 */

export { gemmF32, gemmF64, gemmTransposedBF32, gemmTransposedBF64 } from './gemm';
export { convChannelsLastF32, convChannelsLastF64 } from './directConv';
export { im2colF32, im2colF64, col2imF32, col2imF64, addWindowRowsF32, addWindowRowsF64 } from './windows';
export {
  toPaddedPlanesF32,
  toPaddedPlanesF64,
  fromPaddedPlanesF32,
  fromPaddedPlanesF64,
  toPaddedChannelsLastF32,
  toPaddedChannelsLastF64,
  storeChannelsLastF32,
  storeChannelsLastF64,
  loadChannelRowsF32,
  loadChannelRowsF64,
} from './layout';
export { poolF32, poolF64, poolBackwardF32, poolBackwardF64 } from './pool';
