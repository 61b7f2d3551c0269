/** Bad input gets an Error that names the function, the problem and the shapes or values it got. */
import { expect } from 'chai';
import {
  conv2d,
  conv2dBackward,
  convolve2d,
  correlate2d,
  outputSize,
  pool2d,
  pool2dBackward,
  PoolOptions,
  tensor,
  zeroPad,
  zeros,
  reshape,
  fromData,
  Tensor,
} from '../src/index';

/** Runs `call` and returns the message of the Error it throws (failing the test if it does not throw). */
function messageOf(call: () => unknown): string {
  try {
    call();
  } catch (e) {
    expect(e).to.be.instanceOf(Error);
    return (e as Error).message;
  }
  return expect.fail('expected an Error, but the call returned');
}

describe('bad input', () => {
  const x = zeros([1, 6, 6, 1]);
  const w3 = zeros([3, 3, 1, 8]);
  const b8 = zeros([8]);

  it('conv2d: channel mismatch names both shapes', () => {
    expect(messageOf(() => conv2d(x, zeros([3, 3, 3, 8]), b8))).to.equal(
      'conv2d: filter has 3 input channels but the input has 1 (input [1,6,6,1], filter [3,3,3,8])',
    );
  });
  it('conv2d: filter larger than the padded input', () => {
    const m = messageOf(() => conv2d(zeros([1, 2, 2, 1]), w3, b8));
    expect(m).to.match(/^conv2d: filter 3×3 is larger than the padded input 2×2 \(pad 0\)/);
    expect(m).to.contain('input [1,2,2,1]');
  });
  it('conv2d: bias of the wrong length', () => {
    expect(messageOf(() => conv2d(x, w3, zeros([4])))).to.equal(
      'conv2d: bias has 4 values but there are 8 filters (bias [4], filter [3,3,1,8])',
    );
  });
  for (const stride of [0, -1, 1.5, '2']) {
    it(`conv2d: stride ${JSON.stringify(stride)} is refused`, () => {
      expect(messageOf(() => conv2d(x, w3, b8, { stride: stride as number }))).to.equal(
        `conv2d: stride must be a positive integer, got ${JSON.stringify(stride)}`,
      );
    });
  }
  it('conv2d: negative or fractional pad is refused', () => {
    expect(messageOf(() => conv2d(x, w3, b8, { pad: -1 }))).to.match(
      /^conv2d: pad must be a non-negative integer/,
    );
    expect(messageOf(() => conv2d(x, w3, b8, { pad: 0.5 }))).to.match(/got 0\.5$/);
  });
  it("conv2d: 'same' with an even filter is refused", () => {
    expect(messageOf(() => conv2d(x, zeros([2, 2, 1, 8]), b8, { pad: 'same' }))).to.equal(
      "conv2d: pad 'same' needs an odd filter size so that p = (f − 1)/2 is whole, got f=2",
    );
  });
  it('conv2d: a non-square filter, a 2-D input and a non-tensor are refused', () => {
    expect(messageOf(() => conv2d(x, zeros([3, 2, 1, 8]), b8))).to.match(/^conv2d: filter must be square/);
    expect(messageOf(() => conv2d(zeros([6, 6]), w3, b8))).to.equal(
      'conv2d: x must have 3 or 4 dimensions, got 2 (x [6,6])',
    );
    expect(messageOf(() => conv2d([[1]] as unknown as Tensor, w3, b8))).to.match(
      /^conv2d: x must be an ndarray/,
    );
  });
  it('conv2dBackward: dZ of the wrong shape', () => {
    expect(messageOf(() => conv2dBackward(zeros([1, 3, 3, 8]), x, w3, b8))).to.equal(
      "conv2dBackward: dZ has shape [1,3,3,8] but conv2d's output has shape [1,4,4,8] (input [1,6,6,1], filter [3,3,1,8])",
    );
  });

  const poolBad: [string, unknown, RegExp][] = [
    [
      'an unknown pool mode',
      { size: 2, mode: 'min' },
      /^pool2d: unknown pool mode "min"; use 'max' or 'avg'$/,
    ],
    ['size 0', { size: 0 }, /^pool2d: size must be a positive integer, got 0$/],
    ['stride 0', { size: 2, stride: 0 }, /^pool2d: stride must be a positive integer, got 0$/],
    [
      'a window larger than the input',
      { size: 7 },
      /^pool2d: window 7×7 is larger than the input 6×6 \(input \[1,6,6,1\]\)$/,
    ],
    ['no options', undefined, /^pool2d: options \{ size, stride\?, mode\? \} are required/],
  ];
  for (const [what, options, pattern] of poolBad) {
    it(`pool2d: ${what}`, () => {
      expect(messageOf(() => pool2d(x, options as PoolOptions))).to.match(pattern);
    });
  }
  it('pool2dBackward: dA of the wrong shape', () => {
    expect(messageOf(() => pool2dBackward(zeros([1, 2, 2, 1]), x, { size: 2 }))).to.equal(
      "pool2dBackward: dA has shape [1,2,2,1] but pool2d's output has shape [1,3,3,1] (input [1,6,6,1], size 2, stride 2)",
    );
  });

  it('tensor: a ragged nested array names where', () => {
    expect(messageOf(() => tensor([[1, 2], [3]]))).to.equal(
      'tensor: ragged nested array: at [1] expected length 2 (shape [2,2]) but found length 1',
    );
    expect(messageOf(() => tensor([[1, 2], 3] as never))).to.match(
      /at \[1\] expected length 2 .* but found a number/,
    );
    expect(messageOf(() => tensor([1, 'a'] as never))).to.equal(
      'tensor: element at [1] is "a", not a number',
    );
    expect(messageOf(() => tensor([]))).to.match(/^tensor: empty array at depth 0/);
    expect(messageOf(() => tensor([1], 'int8' as never))).to.match(
      /^tensor: dtype must be 'float32' or 'float64'/,
    );
  });
  it('zeroPad: negative pad and a 1-D input', () => {
    expect(messageOf(() => zeroPad(zeros([2, 2]), -1))).to.equal(
      'zeroPad: pad must be a non-negative integer, got -1 (x [2,2])',
    );
    expect(messageOf(() => zeroPad(zeros([4]), 1))).to.equal(
      'zeroPad: x must have 2 or 3 or 4 dimensions, got 1 (x [4])',
    );
  });
  it('outputSize: a filter larger than the padded input, a zero stride', () => {
    expect(messageOf(() => outputSize(2, 3, 0, 1))).to.equal(
      'outputSize: filter size 3 is larger than the padded input 2 (n=2, pad=0)',
    );
    expect(messageOf(() => outputSize(6, 3, 0, 0))).to.match(
      /^outputSize: stride must be an integer ≥ 1, got 0/,
    );
  });
  it('correlate2d / convolve2d: name themselves and the 2-D shapes', () => {
    expect(messageOf(() => correlate2d(zeros([2, 2]), zeros([3, 3])))).to.equal(
      'correlate2d: filter 3×3 is larger than the padded input 2×2 (pad 0) (image [2,2], kernel [3,3])',
    );
    expect(messageOf(() => convolve2d(zeros([6, 6, 1]), zeros([3, 3])))).to.match(
      /^convolve2d: image must have 2 dimensions/,
    );
  });
  it('reshape / fromData: sizes that do not match', () => {
    expect(messageOf(() => reshape(zeros([2, 3]), [4, 2]))).to.equal(
      'reshape: cannot reshape [2,3] (6 values) to [4,2]',
    );
    expect(messageOf(() => fromData(new Float32Array(5), [2, 3]))).to.equal(
      'fromData: 5 values do not fill shape [2,3] (6 values)',
    );
  });
});

describe('bad input on one image (3-D)', () => {
  it('conv2d and pool2d show the 3-D shape the caller passed, not the batched one', () => {
    expect(messageOf(() => conv2d(zeros([6, 6, 3]), zeros([3, 3, 2, 4])))).to.equal(
      'conv2d: filter has 2 input channels but the input has 3 (input [6,6,3], filter [3,3,2,4])',
    );
    expect(messageOf(() => pool2d(zeros([6, 6, 3]), { size: 7 }))).to.equal(
      'pool2d: window 7×7 is larger than the input 6×6 (input [6,6,3])',
    );
  });
});
