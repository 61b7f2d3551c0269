/**
 * workerTeam.ts's rounds when a worker goes wrong: an error in a round is reported and the team goes on;
 * a worker that exits ends its round with an error instead of leaving this thread waiting for ever, and
 * the team counts as stopped, so that its owner starts a new one.
 */
import { expect } from 'chai';
import { isStopped, runRound, startTeam, stopTeam } from '../src/cnn/workerTeam';

/** A worker that, each round, reads what to do from its shared word: 0 nothing, 1 throw, 2 exit. */
const SOURCE = `
const what = new Int32Array(require('worker_threads').workerData.what);
TEAM.ready();
TEAM.serve(() => {
  if (what[0] === 1) throw new Error('boom');
  if (what[0] === 2) process.exit(3);
});
`;

describe('workerTeam: a worker that throws or exits', function () {
  this.timeout(30_000);

  it('a throw becomes the caller’s error and the team goes on; an exit ends the round and stops the team', () => {
    const what = new Int32Array(new SharedArrayBuffer(4));
    const team = startTeam('test team', SOURCE, 1, () => ({ what: what.buffer }));
    expect(team, 'workers start here').to.not.equal(null);
    try {
      runRound(team!, () => 1, 'test', 'round 1');
      what[0] = 1;
      expect(() => runRound(team!, () => 1, 'test', 'round 2')).to.throw(
        'test: round 2 failed on a worker thread: boom',
      );
      what[0] = 0;
      expect(runRound(team!, () => 7, 'test', 'round 3')).to.equal(7);
      expect(isStopped(team!)).to.equal(false);
      what[0] = 2;
      const started = Date.now();
      expect(() => runRound(team!, () => 1, 'test', 'round 4')).to.throw(
        'test: round 4 failed on a worker thread: the worker thread exited',
      );
      expect(Date.now() - started, 'ms waited').to.be.below(20_000);
      expect(isStopped(team!)).to.equal(true);
      expect(() => runRound(team!, () => 1, 'test', 'round 5')).to.throw(/had been stopped/);
    } finally {
      stopTeam(team!);
    }
  });
});
