import { expect } from 'chai';
import { inspect } from 'util';
import { CheckFailure } from '../../src/index';

/** Runs `body` with console.log and console.error collected, and returns what they printed. */
export function printed(body: () => void): { out: string[]; err: string[] } {
  const [log, error] = [console.log, console.error];
  const out: string[] = [];
  const err: string[] = [];
  console.log = (line: string) => out.push(line);
  console.error = (line: string) => err.push(line);
  try {
    body();
  } finally {
    [console.log, console.error] = [log, error];
  }
  return { out, err };
}

/** The one line a student reads for a failed check (tslab prints it with console.error → inspect). */
export function failureLine(body: () => void): string {
  try {
    printed(body);
  } catch (error) {
    expect(error).to.be.instanceOf(CheckFailure);
    return inspect(error);
  }
  throw new Error('expected a CheckFailure');
}
