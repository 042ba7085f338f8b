// The dispatch list: ranges per drain, nested appends, reset, growth.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, addFd, addFds, entriesFor, dispatched, drainNew, take, EV, FLAG, STAT } from './harness.mjs';

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
    const start = x.drainStart();
    end = x.drain(loop, 0);
    const entries = dispatched(core, start, end);
    assert.ok(entries.every((e, i) => e.slot === handlers[i].slot && e.gen === handlers[i].gen && e.value === EV.IN));
    take(core, start, end); // as TS does: the next round's events are new deliveries, not merged
  }
  assert.is(end, 9000);
  const moved = dispatched(core, 0, end);
  assert.ok(moved.every((e, i) => e.slot === -1 && e.gen === handlers[i % 3000].gen && e.value === EV.IN));
});

const pending = suite('pending dispatch entries (queued, callback still to come)');

pending('a second event in the same drain joins the first entry', () => {
  const { core, x, loop, global, producer } = setup();
  const a = addFd(x, global, 3, EV.IN | EV.OUT);
  producer.publish([{ fd: 3, seq: a.seq, bits: EV.IN }, { fd: 3, seq: a.seq, bits: EV.OUT }]);
  assert.is(x.drain(loop, 0), 1);
  assert.equal(dispatched(core, 0, 1).map((e) => [e.slot, e.value]), [[a.slot, EV.IN | EV.OUT]]);
  assert.is(x.ctxStat(global, STAT.coalesced), 1);
});

pending('a nested drain moves a still-pending delivery of the outer batch to its own range, merged', () => {
  const { core, x, loop, global, producer } = setup();
  const a = addFd(x, global, 3, EV.IN | EV.OUT);
  const t = x.timerAdd(global, 1000, 0, 0);
  producer.fd(3, a.seq, EV.IN);
  assert.is(x.drain(loop, 1000), 2);
  // A callback of the batch polls (nested drain) before a's and t's callbacks ran: run where
  // they are, they would come after the nested range, behind events newer than theirs.
  producer.fd(3, a.seq, EV.OUT);
  assert.is(x.drain(loop, 3000), 4);
  const entries = dispatched(core, 0, 4).map((e) => [e.slot, e.value]);
  assert.equal(entries.slice(0, 2).map(([slot]) => slot), [-1, -1], 'the outer entries are skipped');
  assert.equal(entries.slice(2).sort(), [[a.slot, EV.IN | EV.OUT], [t, 3]].sort());
  assert.is(x.ctxStat(global, STAT.dispatched), 2);
  assert.is(x.ctxStat(global, STAT.coalesced), 2);
});

pending('once taken, an entry is a delivery of its own: the next event makes a new one', () => {
  const { core, x, loop, global, producer } = setup();
  const a = addFd(x, global, 3, EV.IN);
  producer.fd(3, a.seq, EV.IN);
  assert.is(x.drain(loop, 0), 1);
  take(core, 0, 1);
  producer.fd(3, a.seq, EV.IN);
  assert.is(x.drain(loop, 0), 2);
});

pending('modify() masks a pending entry; paused, the entry is dropped as stale', () => {
  const { core, x, loop, global, producer } = setup();
  const a = addFd(x, global, 3, EV.IN | EV.OUT);
  const b = addFd(x, global, 4, EV.IN);
  producer.publish([{ fd: 3, seq: a.seq, bits: EV.IN | EV.OUT }, { fd: 4, seq: b.seq, bits: EV.IN }]);
  assert.is(x.drain(loop, 0), 2);
  x.handlerModify(a.slot, EV.IN);
  x.handlerModify(b.slot, 0);
  assert.equal(dispatched(core, 0, 2).map((e) => [e.slot, e.value]), [[a.slot, EV.IN], [-1, EV.IN]]);
  assert.is(x.ctxStat(global, STAT.dispatched), 1);
  assert.is(x.ctxStat(global, STAT.staleDropped), 1);
});

pending('removal drops a pending entry and a missed one, as stale; a taken entry is left alone', () => {
  const { core, x, loop, ctx, producer } = setup();
  const a = addFd(x, ctx, 3, EV.IN);
  const b = addFd(x, ctx, 4, EV.IN);
  const c = addFd(x, ctx, 5, EV.IN);
  producer.publish([{ fd: 3, seq: a.seq, bits: EV.IN }, { fd: 4, seq: b.seq, bits: EV.IN }]);
  assert.is(x.drain(loop, 0), 2);
  take(core, 0, 1); // a's callback runs, removes itself and b
  x.handlerRemove(a.slot);
  x.handlerRemove(b.slot);
  assert.equal(dispatched(core, 0, 2).map((e) => e.slot), [-1, -1]);
  assert.is(x.ctxStat(ctx, STAT.dispatched), 1, 'a was delivered, b was not');
  assert.is(x.ctxStat(ctx, STAT.staleDropped), 1);
  x.ctxBlock(ctx);
  producer.fd(5, c.seq, EV.IN);
  x.drain(loop, 0);
  x.handlerRemove(c.slot);
  assert.is(x.ctxStat(ctx, STAT.staleDropped), 2);
  assert.is(x.ctxStat(ctx, STAT.missedPending), 0);
});

pending.run();

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
