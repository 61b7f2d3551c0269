// Mocha's dot reporter, plus the files that took longest (CI has a time budget: this says where it goes)
// and one plain closing line "N passed, N failed, N skipped" that CI reads whatever the test runner.
'use strict';
const path = require('path');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;
/** How many of the slowest test files to list. */
const SLOWEST = 8;

class SummaryReporter extends Mocha.reporters.Dot {
  constructor(runner, options) {
    super(runner, options);
    // wall time per test file, from its first top-level suite starting to its last one ending
    const files = new Map();
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (!suite.file || !suite.parent || !suite.parent.root) return;
      const entry = files.get(suite.file) ?? { ms: 0, started: 0 };
      entry.started = Date.now();
      files.set(suite.file, entry);
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      if (!suite.file || !suite.parent || !suite.parent.root) return;
      const entry = files.get(suite.file);
      if (entry) entry.ms += Date.now() - entry.started;
    });
    runner.once(EVENT_RUN_END, () => {
      const slowest = [...files].sort((a, b) => b[1].ms - a[1].ms).slice(0, SLOWEST);
      process.stdout.write('\nslowest test files:\n');
      for (const [file, { ms }] of slowest) {
        process.stdout.write(
          `  ${(ms / 1000).toFixed(0).padStart(5)} s  ${path.relative(process.cwd(), file)}\n`,
        );
      }
      const { passes, failures, pending } = runner.stats;
      process.stdout.write(`\ntests: ${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SummaryReporter;
