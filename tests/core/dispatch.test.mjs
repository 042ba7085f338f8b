// The dispatch list: ranges per drain, nested appends, reset, growth.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, addFd, addFds, entriesFor, dispatched, drainNew, EV, FLAG, STAT } from './harness.mjs';

const test = suite('dispatch list');

test('a nested drain appends after the current batch; reset empties the list', () => {
  const { core, x, loop, global, producer } = setup();
  const a = addFd(x, global, 3, EV.IN);
  const b = addFd(x, global, 4, EV.IN);
  producer.fd(3, a.seq, EV.IN);
  const outerStart = x.drainStart();
  const outerEnd = x.drain(loop, 0);
  assert.equal([outerStart, outerEnd], [0, 1]);
  // A callback of entry 0 polls: the new events land after the outer batch.
  producer.fd(4, b.seq, EV.IN);
  const innerStart = x.drainStart();
  const innerEnd = x.drain(loop, 0);
  assert.equal([innerStart, innerEnd], [1, 2]);
  assert.equal(dispatched(core, 0, 2).map((e) => e.slot), [a.slot, b.slot]);
  x.dispatchReset();
  assert.is(x.drainStart(), 0);
});

test('ctxTakeMissed appends after what is already in the list', () => {
  const { core, x, loop, global, ctx, producer } = setup();
  const g = addFd(x, global, 3, EV.IN);
  const c = addFd(x, ctx, 4, EV.IN);
  x.ctxBlock(ctx);
  producer.publish([{ fd: 4, seq: c.seq, bits: EV.IN }, { fd: 3, seq: g.seq, bits: EV.IN }]);
  assert.is(x.drain(loop, 0), 1);
  x.ctxUnblock(ctx);
  assert.is(x.ctxTakeMissed(ctx), 2);
  assert.equal(dispatched(core, 0, 2).map((e) => e.slot), [g.slot, c.slot]);
});

test('the list grows (and may move) without losing entries', () => {
  const { core, x, loop, global, producer } = setup({ ringCapacity: 4096 });
  const handlers = addFds(x, global, 3000, EV.IN);
  let end = 0;
  for (let round = 0; round < 3; round++) {
    producer.publish(entriesFor(handlers, EV.IN));
    end = x.drain(loop, 0);
  }
  assert.is(end, 9000);
  const entries = dispatched(core, 0, end);
  assert.ok(entries.every((e, i) => e.slot === handlers[i % 3000].slot && e.gen === handlers[i % 3000].gen && e.value === EV.IN));
});

test('a million timers: the handler table grows and every one fires once at its deadline', () => {
  const { core, x, loop, global } = setup();
  const N = 1_100_000;
  for (let i = 0; i < N; i++) x.timerAdd(global, 1000 + (i % 5000), 0, 1);
  assert.is(x.ctxStat(global, 4), N);
  assert.is(x.loopNextDeadline(loop), 1000);
  const end = x.drain(loop, 6000);
  assert.is(end, N);
  const entries = dispatched(core, end - 1, end);
  assert.is(entries[0].value, 1);
  assert.is(x.loopNextDeadline(loop), -1);
});

test.run();

const merge = suite('dispatch list: one entry per fd handler per drain');

merge('two ring events for one fd in one drain become one delivery, bits OR-ed', () => {
  const { core, x, loop, global, producer } = setup();
  const h = addFd(x, global, 3, EV.IN | EV.OUT);
  producer.publish([{ fd: 3, seq: h.seq, bits: EV.IN }, { fd: 3, seq: 0, bits: EV.OUT }]);
  const got = drainNew(core, loop);
  assert.equal(got.map((e) => e.value), [EV.IN | EV.OUT]);
  assert.is(x.ctxStat(global, STAT.coalesced), 1);
});

merge('an event in a later drain is a new delivery', () => {
  const { core, x, loop, global, producer } = setup();
  const h = addFd(x, global, 3, EV.IN);
  producer.fd(3, h.seq, EV.IN);
  assert.is(drainNew(core, loop).length, 1);
  producer.fd(3, h.seq, EV.IN);
  assert.is(drainNew(core, loop).length, 1);
});

merge('an entry published before the fd was re-armed is stale: the re-arm asked the kernel again', () => {
  const { core, x, loop, global, producer } = setup();
  const h = addFd(x, global, 3, EV.IN);
  producer.fd(3, h.seq, EV.IN);
  assert.is(drainNew(core, loop).length, 1);
  producer.fd(3, 0, EV.IN); // e.g. a signal for more input, while the callback is about to drain
  x.loopFinishBatch(loop); // the re-arm: the shim reports the fd again if it is still ready
  assert.equal(drainNew(core, loop), [], 'the entry from before the re-arm is dropped');
  assert.is(x.ctxStat(global, STAT.staleDropped), 1);
  producer.fd(3, 0, EV.IN); // published after the re-arm: news
  assert.is(drainNew(core, loop).length, 1);
});

merge('edge-triggered handlers keep every entry (there is no re-arm)', () => {
  const { core, x, loop, global, producer } = setup();
  const h = addFd(x, global, 3, EV.IN, FLAG.EDGE);
  producer.fd(3, h.seq, EV.IN);
  drainNew(core, loop);
  producer.fd(3, h.seq, EV.IN);
  x.loopFinishBatch(loop);
  assert.is(drainNew(core, loop).length, 1);
});

merge.run();
