/**
 * Numeric command-line options are checked where they are parsed: each bad value is a usage error
 * naming the option and the value, never a silent 0 (`Math.floor(0.5)`) or NaN.
 */
import { expect } from 'chai';
import { UsageError, positiveInteger, positiveNumber } from '../src/jupyter/commands/command';

describe('numeric command-line options', () => {
  it('Is every bad whole number a usage error naming the option and the value?', () => {
    for (const bad of ['0.5', '9007199254740993', '2.0000001'])
      expect(() => positiveInteger('grade', 'heap', bad, 512), bad)
        .to.throw(UsageError)
        .with.property('message', `convlab grade: --heap must be a positive whole number, got '${bad}'`);
    for (const bad of ['0', '-3', '', ' ', 'abc', 'NaN', 'Infinity', '1e400'])
      expect(() => positiveInteger('grade', 'jobs', bad, 1), JSON.stringify(bad))
        .to.throw(UsageError)
        .with.property('message', `convlab grade: --jobs must be a positive number, got '${bad}'`);
  });

  it('takes good values as they are, and the default when the option is absent', () => {
    expect(positiveInteger('grade', 'jobs', '3', 1)).to.equal(3);
    expect(positiveInteger('grade', 'jobs', '2.0', 1)).to.equal(2);
    expect(positiveInteger('grade', 'jobs', undefined, 1)).to.equal(1);
    expect(positiveNumber('grade', 'timeout', '0.5', 60)).to.equal(0.5);
    expect(positiveNumber('grade', 'timeout', undefined, 60)).to.equal(60);
    expect(() => positiveNumber('grade', 'timeout', '0', 60)).to.throw(
      "convlab grade: --timeout must be a positive number, got '0'",
    );
  });
});
