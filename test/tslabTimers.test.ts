/**
 * kernels/convlab/tslabTimers.js on a host whose timer behaves like tslab's: one slot, run by hand,
 * and an error if a second timer is set while the slot is taken. runner.test.ts runs the fix in a
 * real kernel, against the real tslab (that test fails with tslab's error when the fix is off).
 */
import { expect } from 'chai';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shareOneTimerSlot } = require('../kernels/convlab/tslabTimers.js');

interface Timer {
  callback: () => void;
}
interface Host {
  setTimeout(callback: () => void, ms: number): Timer;
  clearTimeout(timer: Timer): void;
}

/** tslab's fake timer (converter.js): one slot, fired by `fire()` as tslab does on the next cell. */
function oneSlotHost(): Host & { fire(): void; pending(): boolean } {
  let slot: Timer | null = null;
  return {
    setTimeout(callback) {
      if (slot) throw new Error('Unexpected pending rebuildTimer');
      slot = { callback: () => (callback(), (slot = null)) };
      return slot;
    },
    clearTimeout(timer) {
      if (slot !== timer) throw new Error('clearing unexpected timer');
      slot = null;
    },
    fire() {
      if (!slot) throw new Error('rebuildTimer is not set properly');
      slot.callback();
    },
    pending: () => slot !== null,
  };
}

describe('tslabTimers: TypeScript timers sharing tslab’s one slot', () => {
  it('two timers run in the order they were set when tslab fires its slot', () => {
    const host = oneSlotHost();
    const shared = shareOneTimerSlot(host) as Host;
    const ran: string[] = [];
    shared.setTimeout(() => ran.push('retry failed imports'), 250);
    shared.setTimeout(() => ran.push('rebuild'), 250);
    host.fire();
    expect(ran).to.deep.equal(['retry failed imports', 'rebuild']);
    expect(host.pending()).to.equal(false);
  });

  it('a cleared timer does not run; clearing the last one frees the slot', () => {
    const host = oneSlotHost();
    const shared = shareOneTimerSlot(host) as Host;
    const ran: string[] = [];
    const first = shared.setTimeout(() => ran.push('first'), 250);
    const second = shared.setTimeout(() => ran.push('second'), 250);
    shared.clearTimeout(first);
    expect(host.pending()).to.equal(true);
    shared.clearTimeout(second);
    expect(host.pending()).to.equal(false);
    shared.setTimeout(() => ran.push('third'), 250);
    host.fire();
    expect(ran).to.deep.equal(['third']);
  });

  it('a timer set while the queue runs runs in the same firing (TypeScript rebuilds after a retry)', () => {
    const host = oneSlotHost();
    const shared = shareOneTimerSlot(host) as Host;
    const ran: string[] = [];
    shared.setTimeout(() => {
      ran.push('retry failed imports');
      shared.setTimeout(() => ran.push('rebuild'), 250);
    }, 250);
    host.fire();
    expect(ran).to.deep.equal(['retry failed imports', 'rebuild']);
    expect(host.pending()).to.equal(false);
    shared.setTimeout(() => ran.push('next cell'), 250);
    host.fire();
    expect(ran.at(-1)).to.equal('next cell');
  });

  it('a timer that throws fails that firing only: the slot is free again and the rest of the queue runs next time', () => {
    const host = oneSlotHost();
    const shared = shareOneTimerSlot(host) as Host;
    const ran: string[] = [];
    shared.setTimeout(() => {
      throw new Error('Access to this API has been restricted');
    }, 250);
    shared.setTimeout(() => ran.push('queued behind it'), 250);
    expect(() => host.fire()).to.throw('Access to this API has been restricted');
    expect(host.pending()).to.equal(false);
    shared.setTimeout(() => ran.push('next cell'), 250);
    host.fire();
    expect(ran).to.deep.equal(['queued behind it', 'next cell']);
  });
});
