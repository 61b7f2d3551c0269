/**
 * convlab — what a notebook imports: `import * as cl from '../dist'`.
 * The numbers live in `cnn/`; figures in `viz/`.
 */
export * from './cnn/tensor';
export * from './cnn/random';
export * from './cnn/shape';
export * from './cnn/zeroPad';
export * from './cnn/conv2d';
export * from './cnn/correlate2d';
export * from './cnn/pool2d';
export * from './cnn/filters';
export * from './cnn/border';
export * from './cnn/edges';
export * from './cnn/image';
