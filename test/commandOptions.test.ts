/**
 * Numeric command-line options are checked where they are parsed: each bad value is a usage error
 * naming the option and the value, never a silent 0 (`Math.floor(0.5)`) or NaN. Each default is
 * written once, in its command's option table, and the help says it once.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError, kernelThreadsEnv, refusingBadExercises } from '../src/jupyter/commands/command';
import { courseCommand } from '../src/jupyter/commands/course';
import { gradeCommand } from '../src/jupyter/commands/grade';
import { gradingLimitOptions, readGradingLimits } from '../src/jupyter/commands/gradingSession';
import {
  NumberOptions,
  numberUsage,
  positiveInteger,
  positiveNumber,
  readNumbers,
} from '../src/jupyter/commands/numberOptions';
import { notebookRunOptions, runCommand } from '../src/jupyter/commands/run';
import { validateCommand } from '../src/jupyter/commands/validate';
import { ExerciseFormatError } from '../src/jupyter/grading/exerciseFormat';
import { sandboxSettingsFile } from '../src/jupyter/grading/recordChannel';
import { ReleaseError } from '../src/jupyter/grading/releaseExercises';
import { defaultCellTimeoutSeconds } from '../src/jupyter/runNotebook';
import { repoRoot } from '../src/jupyter/server';

/** Values no option takes: not a number, not positive, not finite. */
const notPositive = ['0', '-3', '', ' ', 'abc', 'NaN', 'Infinity', '1e400'];
/** Values no whole-number option takes (a positive number, but not a safe integer). */
const notWhole = ['0.5', '9007199254740993', '2.0000001'];

/** The usage error `readNumbers` gives for this option and value. */
function usageError(command: string, table: NumberOptions, name: string, value: string): string {
  try {
    readNumbers(command, table, { [name]: value });
  } catch (error) {
    expect(error, `--${name} ${JSON.stringify(value)}`).to.be.instanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`--${name} ${JSON.stringify(value)} was taken`);
}

describe('numeric command-line options', () => {
  it('Is every bad whole number a usage error naming the option and the value?', () => {
    for (const bad of notWhole)
      expect(() => positiveInteger('grade', 'heap', bad, 512), bad)
        .to.throw(UsageError)
        .with.property('message', `convlab grade: --heap must be a positive whole number, got '${bad}'`);
    for (const bad of notPositive)
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

  for (const [command, table] of [
    ['grade', gradingLimitOptions],
    ['run', notebookRunOptions],
    ['course', notebookRunOptions],
  ] as const) {
    it(`convlab ${command}: is each bad value of each numeric option a usage error?`, () => {
      for (const [name, option] of Object.entries(table as NumberOptions)) {
        for (const bad of notPositive)
          expect(usageError(command, table, name, bad)).to.equal(
            `convlab ${command}: --${name} must be a positive number, got '${bad}'`,
          );
        for (const bad of notWhole) {
          if (option.integer)
            expect(usageError(command, table, name, bad)).to.equal(
              `convlab ${command}: --${name} must be a positive whole number, got '${bad}'`,
            );
          else
            expect(readNumbers(command, table as NumberOptions, { [name]: bad })[name]).to.equal(Number(bad));
        }
      }
    });
  }

  it('Does every option get its default from the table when it is not given?', () => {
    const limits = readGradingLimits('grade', {});
    for (const [name, option] of Object.entries(gradingLimitOptions))
      expect(limits[name as keyof typeof limits], name).to.equal(option.default);
    expect(readNumbers('run', notebookRunOptions, {})).to.deep.equal({
      timeout: defaultCellTimeoutSeconds,
      jobs: 1,
    });
    expect(readGradingLimits('grade', { heap: '256', 'max-output': '5e3' })).to.include({
      heap: 256,
      'max-output': 5000,
    });
  });

  it('Is a heap larger than the memory it lives in a usage error?', () => {
    expect(() => readGradingLimits('validate', { heap: '2048', memory: '1024' }))
      .to.throw(UsageError)
      .with.property(
        'message',
        'convlab validate: --heap 2048 is more than --memory 1024: the heap lives in that memory',
      );
    expect(() => readGradingLimits('grade', { heap: '2048' })).to.throw(
      `--heap 2048 is more than --memory ${gradingLimitOptions.memory.default}`,
    );
  });

  it('Does the command itself refuse a bad value before it starts anything?', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-options-'));
    try {
      const notebook = path.join(dir, 'a.ipynb');
      fs.writeFileSync(notebook, '{}');
      const refusal = async (main: Promise<number>) => {
        try {
          await main;
        } catch (error) {
          expect(error).to.be.instanceOf(UsageError);
          return (error as Error).message;
        }
        throw new Error('the command ran');
      };
      expect(await refusal(runCommand.main([notebook, '--jobs', '0.5']))).to.equal(
        "convlab run: --jobs must be a positive whole number, got '0.5'",
      );
      expect(await refusal(runCommand.main([notebook, '--timeout=-1']))).to.equal(
        "convlab run: --timeout must be a positive number, got '-1'",
      );
      expect(await refusal(courseCommand.main(['--jobs', '2.5']))).to.equal(
        "convlab course: --jobs must be a positive whole number, got '2.5'",
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('defaults written once', () => {
  /** How often `text` occurs in `usage`. */
  const count = (usage: string, text: string) => usage.split(text).length - 1;

  it('Does each help say each numeric option and its default exactly once?', () => {
    for (const [command, table] of [
      [gradeCommand, gradingLimitOptions],
      [validateCommand, gradingLimitOptions],
      [runCommand, notebookRunOptions],
      [courseCommand, notebookRunOptions],
    ] as const) {
      for (const [name, option] of Object.entries(table as NumberOptions)) {
        const line = command.usage.split('\n').filter((text) => text.startsWith(`  --${name} `));
        expect(line, `${command.name} --${name}`).to.have.length(1);
        expect(line[0].endsWith(` ${option.help} (default ${option.default})`), line[0]).to.equal(true);
        expect(count(command.usage, `--${name} ${option.unit}`), `${command.name} --${name}`).to.equal(1);
      }
    }
    expect(runCommand.usage).to.include(
      '  --timeout S       seconds a cell may run before the kernel is interrupted (default 300)',
    );
    expect(gradeCommand.usage).to.include(
      '  --heap MB                   V8 heap limit of a kernel (default 512)',
    );
  });

  it('Do the grading launcher and guard.js read the settings file the grader writes?', () => {
    const kernel = path.join(repoRoot, 'kernels', 'grading', 'kernels', 'convlab-grade');
    // plain JavaScript run by Jupyter, so they cannot import the name: they must spell it the same
    for (const file of ['launch.js', 'guard.js'])
      expect(fs.readFileSync(path.join(kernel, file), 'utf8'), file).to.include(`'${sandboxSettingsFile}'`);
  });
});

describe('numberUsage', () => {
  it('writes one line per option, the help at the column, the default at the end', () => {
    const table = {
      jobs: { default: 1, integer: true, unit: 'N', help: 'kernels at a time' },
      timeout: { default: 2.5, integer: false, unit: 'S', help: 'seconds a cell may run' },
    };
    expect(numberUsage(table, 16)).to.equal(
      '  --jobs N      kernels at a time (default 1)\n  --timeout S   seconds a cell may run (default 2.5)',
    );
  });
});

describe('refusingBadExercises (grade, validate, release)', () => {
  /** What the command's work resolves to, and what it wrote on stderr. */
  async function outcome(work: () => Promise<number>): Promise<[number, string[]]> {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((text: string) => written.push(text) > 0) as typeof process.stderr.write;
    try {
      return [await refusingBadExercises('validate', work), written];
    } finally {
      process.stderr.write = write;
    }
  }

  it('Is a mistake in an exercise notebook one line and exit code 1?', async () => {
    const problem = "E1.ipynb, cell 4 (id 't'): a tests cell needs points";
    expect(await outcome(() => Promise.reject(new ExerciseFormatError(problem)))).to.deep.equal([
      1,
      [`convlab validate: ${problem}\n`],
    ]);
  });

  it("Does a release refusal say its problem once (not 'release: ' twice)?", async () => {
    expect(
      await outcome(() => Promise.reject(new ReleaseError('out/E1.ipynb already exists'))),
    ).to.deep.equal([1, ['convlab validate: out/E1.ipynb already exists\n']]);
  });

  it('passes the exit code through and leaves every other error to the CLI', async () => {
    expect(await outcome(() => Promise.resolve(0))).to.deep.equal([0, []]);
    const usage = new UsageError('convlab validate: name at least one source notebook');
    await refusingBadExercises('validate', () => Promise.reject(usage)).then(
      () => expect.fail('resolved'),
      (error) => expect(error).to.equal(usage),
    );
  });
});

describe('kernels running side by side share the cores', () => {
  const saved = process.env.CONVLAB_THREADS;
  afterEach(() => {
    if (saved === undefined) delete process.env.CONVLAB_THREADS;
    else process.env.CONVLAB_THREADS = saved;
  });

  it('--jobs N gives each kernel the cores divided by N (at least 1); a CONVLAB_THREADS set by the user stays', () => {
    delete process.env.CONVLAB_THREADS;
    const cores = os.availableParallelism();
    expect(kernelThreadsEnv(1)).to.deep.equal({ CONVLAB_THREADS: String(cores) });
    expect(kernelThreadsEnv(2)).to.deep.equal({
      CONVLAB_THREADS: String(Math.max(1, Math.floor(cores / 2))),
    });
    expect(kernelThreadsEnv(cores * 4)).to.deep.equal({ CONVLAB_THREADS: '1' });
    process.env.CONVLAB_THREADS = '3';
    expect(kernelThreadsEnv(8)).to.deep.equal({});
  });
});
