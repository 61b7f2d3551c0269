/**
 * @tensorflow/tfjs-backend-wasm ships no Conv2DBackpropFilter kernel, so it cannot train a conv net as
 * shipped. The bench gives it one built only from its own kernels (Transpose, Conv2D), so that tfjs-wasm
 * trains at wasm speed rather than falling back to anything of ours:
 *
 *   dW[i,j,c,k] = Σ_{n,yR,yC} x_padded[n, yR·s + i, yC·s + j, c] · dy[n, yR, yC, k]
 *
 * is a convolution of x, with batch and channels swapped (C, H, W, N), by dy used as a filter
 * (H', W', N, K) dilated by the stride; its (C, f, f, K) result transposed is dW (f, f, C, K).
 */
import * as tf from '@tensorflow/tfjs-core';

type KernelFunc = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}) => tf.TensorInfo;

function wasmKernel(name: string): KernelFunc {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`bench: tfjs-backend-wasm has no ${name} kernel`);
  return kernel.kernelFunc as unknown as KernelFunc;
}

export function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) return; // a later tfjs may ship one
  tf.registerKernel({
    kernelName: tf.Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as tf.KernelBackend;
      const transpose = wasmKernel(tf.Transpose);
      const conv2d = wasmKernel(tf.Conv2D);
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      const { top, bottom, left, right } = info.padInfo;
      const xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } });
      const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
      const dWT = conv2d({
        inputs: { x: xT, filter: dyT },
        backend,
        attrs: {
          strides: 1,
          pad: [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ],
          dilations: [info.strideHeight, info.strideWidth],
          dataFormat: 'NHWC',
        } as unknown as tf.NamedAttrMap,
      });
      const [, fH, fW] = dWT.shape;
      if (fH !== info.filterHeight || fW !== info.filterWidth) {
        throw new Error(
          `bench: Conv2DBackpropFilter for wasm: got a ${fH}×${fW} gradient for a ${info.filterHeight}×${info.filterWidth} filter`,
        );
      }
      const dW = transpose({ inputs: { x: dWT }, backend, attrs: { perm: [1, 2, 0, 3] } });
      for (const t of [xT, dyT, dWT]) backend.disposeData(t.dataId);
      return dW;
    },
  });
}
