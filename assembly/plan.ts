/**
 * The plan records kernels read their constants from. A driver (src/cnn/fast/conv2dFast.ts,
 * pool2dFast.ts) computes an op's plan once (src/cnn/fast/plan.ts), writes it into this module's memory
 * as consecutive int32 fields, and passes its address as `plan`; a kernel reads it through the classes
 * below (`changetype<ConvPlan>(plan).Wp` is the int32 at plan + 4·(Wp's index)). So no kernel works out
 * a padded size or a leading dimension again, and its parameters are only its buffers and the part of
 * the work one call does (first row, count).
 *
 * The field order here is the order of CONV_PLAN_FIELDS and POOL_PLAN_FIELDS in src/cnn/fast/plan.ts:
 * test/kernelBindings.test.ts fails when the two disagree.
 */

/** A convolution (forward or backward): its geometry, and the sizes its strategy lays memory out with. */
@unmanaged
export class ConvPlan {
  /** Images in the batch. */
  batch: i32;
  /** Input height, width and channels. */
  H: i32;
  W: i32;
  C: i32;
  /** Filter size (f × f), stride, zero padding. */
  f: i32;
  stride: i32;
  pad: i32;
  /** Filters (output channels). */
  K: i32;
  /** Output height and width. */
  outH: i32;
  outW: i32;
  /** Padded input height and width: H + 2·pad, W + 2·pad. */
  Hp: i32;
  Wp: i32;
  /** Values per window, f·f·C, and that rounded up to 4 (rows of the backward pass's matrices). */
  Kd: i32;
  kdPadded: i32;
  /** K rounded up to 4 (rows of Zᵀ, dZᵀ), to 2 (columns of dW), to two vectors (channelsLast's weights). */
  kPadded: i32;
  kPair: i32;
  kVectors: i32;
  /** Leading dimension of a block's matrices (cols, Zᵀ, dZᵀ, dCols). */
  ld: i32;
  /** Columns from one output row to the next in those matrices: Wp (planes) or outW (im2col). */
  pitch: i32;
  /**
   * 1: relu follows, fused. Forward stores max(0, z) (NaN stays NaN); backward takes ∂J/∂a and relu's
   * output a, and uses ∂J/∂z = ∂J/∂a where a > 0, else 0, as it loads the gradient.
   */
  relu: i32;
}

/** A pooling (forward or backward) of a channels-last batch. */
@unmanaged
export class PoolPlan {
  batch: i32;
  H: i32;
  W: i32;
  C: i32;
  /** Window size (f × f) and stride. */
  f: i32;
  stride: i32;
  outH: i32;
  outW: i32;
  /** 1: average pooling; 0: max. */
  average: i32;
  /**
   * 1: max pooling whose windows tile x exactly (stride = f, no rows or columns left over) and whose
   * channels fill a vector: its backward pass writes every cell of dX (the gradient or 0), so dX needs no
   * zeroing first. 0: it adds onto a zeroed dX.
   */
  tiled: i32;
}
