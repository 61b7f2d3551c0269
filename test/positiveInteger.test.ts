/**
 * The library's one check for counts, sizes, strides and paddings: what it lets through, and the
 * error it throws otherwise (the texts the layer, image, training and figure tests assert).
 */
import { expect } from 'chai';
import { ConvlabError } from '../src/cnn/convlabError';
import {
  isNonNegativeInteger,
  isPositiveInteger,
  nonNegativeInteger,
  positiveInteger,
} from '../src/cnn/positiveInteger';

function errorOf(run: () => unknown): ConvlabError {
  try {
    run();
  } catch (e) {
    if (e instanceof ConvlabError) return e;
    throw e;
  }
  throw new Error('expected a ConvlabError');
}

describe('positiveInteger', () => {
  it('Are 1, 3 and 2**40 positive integers, returned as they came?', () => {
    for (const n of [1, 3, 2 ** 40]) {
      expect(isPositiveInteger(n), String(n)).to.equal(true);
      expect(positiveInteger('f', 'size', n)).to.equal(n);
    }
  });

  for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '2', null, undefined, [3]]) {
    it(`Is ${String(bad)} (${typeof bad}) refused, the message showing it as JSON?`, () => {
      expect(isPositiveInteger(bad)).to.equal(false);
      const error = errorOf(() => positiveInteger('layers.conv2d', 'filters', bad));
      expect(error.fn).to.equal('layers.conv2d');
      expect(error.problem).to.equal(`filters must be a positive integer, got ${JSON.stringify(bad)}`);
    });
  }

  it('Does the error list the shapes it is given, and the unit in brackets?', () => {
    expect(
      errorOf(() => positiveInteger('smallGray', 'maxSide', 0, { shapes: { image: [4, 4] } })).message,
    ).to.equal('smallGray: maxSide must be a positive integer, got 0 (image [4,4])');
    expect(errorOf(() => positiveInteger('stepDecay', 'every', 0, { unit: 'epochs' })).message).to.equal(
      'stepDecay: every must be a positive integer (epochs), got 0',
    );
  });
});

describe('nonNegativeInteger', () => {
  it('Are 0 and 7 let through?', () => {
    expect([0, 7, -1, 0.5, '1'].map(isNonNegativeInteger)).to.deep.equal([true, true, false, false, false]);
    expect(nonNegativeInteger('zeroPad', 'pad', 0)).to.equal(0);
    expect(nonNegativeInteger('zeroPad', 'pad', 7)).to.equal(7);
  });

  it('Are -1, 0.5 and "1" refused with the non-negative wording?', () => {
    expect(
      errorOf(() => nonNegativeInteger('zeroPad', 'pad', -1, { shapes: { x: [2, 2] } })).message,
    ).to.equal('zeroPad: pad must be a non-negative integer, got -1 (x [2,2])');
    expect(errorOf(() => nonNegativeInteger('loadMnist', 'test', 0.5)).message).to.equal(
      'loadMnist: test must be a non-negative integer, got 0.5',
    );
    expect(errorOf(() => nonNegativeInteger('loadMnist', 'train', '1')).message).to.equal(
      'loadMnist: train must be a non-negative integer, got "1"',
    );
  });
});
