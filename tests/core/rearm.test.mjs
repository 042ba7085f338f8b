// Re-arming one-shot fds after a batch, and the epoll events the core asks for.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, addFd, addFds, entriesFor, dispatched, drainNew, rearmList, EV, FLAG, EPOLLONESHOT, EPOLLET } from './harness.mjs';

const test = suite('rearm');

const events = (x, slot) => x.handlerEpollEvents(slot) >>> 0;

test('epoll events: interest, one-shot for REARM or ONCE, edge-triggered for EDGE', () => {
  const { x, global } = setup();
  assert.is(events(x, addFd(x, global, 3, EV.IN, FLAG.REARM).slot), EV.IN | EPOLLONESHOT);
  assert.is(events(x, addFd(x, global, 4, EV.OUT, FLAG.ONCE).slot), EV.OUT | EPOLLONESHOT);
  assert.is(events(x, addFd(x, global, 5, EV.IN | EV.OUT, FLAG.EDGE).slot), (EV.IN | EV.OUT | EPOLLET) >>> 0);
  const h = addFd(x, global, 6, EV.IN, FLAG.REARM);
  x.handlerModify(h.slot, EV.PRI);
  assert.is(events(x, h.slot), EV.PRI | EPOLLONESHOT);
});

test('every dispatched REARM handler is re-armed once per batch, with its fd, events and seq', () => {
  const { core, x, loop, global, producer } = setup();
  const a = addFd(x, global, 3, EV.IN);
  const b = addFd(x, global, 4, EV.OUT);
  producer.publish([{ fd: 3, seq: a.seq, bits: EV.IN }, { fd: 4, seq: b.seq, bits: EV.OUT }, { fd: 3, seq: a.seq, bits: EV.IN }]);
  drainNew(core, loop);
  assert.equal(rearmList(core, loop), [
    { fd: 3, events: EV.IN | EPOLLONESHOT, seq: a.seq },
    { fd: 4, events: EV.OUT | EPOLLONESHOT, seq: b.seq },
  ]);
  assert.equal(rearmList(core, loop), [], 'the list is consumed');
});

test('edge, once, removed, re-registered, paused and still-missed handlers are not re-armed', () => {
  const { core, x, loop, global, ctx, producer } = setup();
  const edge = addFd(x, global, 3, EV.IN, FLAG.EDGE);
  const once = addFd(x, global, 4, EV.IN, FLAG.ONCE);
  const removed = addFd(x, global, 5, EV.IN);
  const paused = addFd(x, global, 6, EV.IN);
  const reRegistered = addFd(x, global, 7, EV.IN, FLAG.REARM, 70);
  const blocked = addFd(x, ctx, 8, EV.IN);
  const plain = addFd(x, global, 9, EV.IN);
  x.ctxBlock(ctx);
  producer.publish([edge, once, removed, paused, reRegistered, blocked, plain].map((h, i) => ({ fd: 3 + i, seq: h.seq, bits: EV.IN })));
  drainNew(core, loop);
  x.handlerRemove(removed.slot);
  x.handlerModify(paused.slot, 0);
  x.handlerRemove(reRegistered.slot);
  addFd(x, global, 7, EV.IN, FLAG.REARM, 71);
  assert.equal(rearmList(core, loop).map((r) => r.fd), [9]);
});

test('a missed REARM handler is re-armed after its entry is finally dispatched', () => {
  const { core, x, loop, ctx, producer } = setup();
  const h = addFd(x, ctx, 3, EV.IN);
  x.ctxBlock(ctx);
  producer.fd(3, h.seq, EV.IN);
  drainNew(core, loop);
  assert.equal(rearmList(core, loop), []);
  x.ctxUnblock(ctx);
  x.ctxTakeMissed(ctx);
  assert.equal(rearmList(core, loop), [{ fd: 3, events: EV.IN | EPOLLONESHOT, seq: h.seq }]);
});

test('the rearm list grows with the batch', () => {
  const { core, x, loop, global, producer } = setup({ ringCapacity: 1024 });
  const hs = Array.from({ length: 300 }, (_, i) => addFd(x, global, 10 + i, EV.IN));
  producer.publish(hs.map((h, i) => ({ fd: 10 + i, seq: h.seq, bits: EV.IN })));
  drainNew(core, loop);
  const list = rearmList(core, loop);
  assert.is(list.length, 300);
  assert.equal(list[299], { fd: 309, events: EV.IN | EPOLLONESHOT, seq: hs[299].seq });
});

// ---- gated loops (thread loops): level-triggered fds stay armed ----

test('gated: a REARM handler is armed level-triggered and a dispatch re-arms nothing', () => {
  const { core, x, loop, global, producer } = setup({ gated: true });
  const h = addFd(x, global, 3, EV.IN);
  assert.is(events(x, h.slot), EV.IN);
  assert.is(events(x, addFd(x, global, 4, EV.IN, FLAG.ONCE).slot), EV.IN | EPOLLONESHOT, 'once stays one-shot');
  producer.fd(3, h.seq, EV.IN);
  assert.is(drainNew(core, loop).length, 1);
  assert.equal(rearmList(core, loop), []);
});

test('gated: a missed fd is made one-shot once, and level-triggered again when dispatched', () => {
  const { core, x, loop, ctx, producer } = setup({ gated: true });
  const h = addFd(x, ctx, 3, EV.IN);
  x.ctxBlock(ctx);
  producer.fd(3, h.seq, EV.IN);
  drainNew(core, loop);
  assert.equal(rearmList(core, loop), [{ fd: 3, events: EV.IN | EPOLLONESHOT, seq: h.seq }], 'quiet while it waits');
  producer.fd(3, h.seq, EV.IN); // the one-shot arming reported once more: merged into the missed entry
  drainNew(core, loop);
  assert.equal(rearmList(core, loop), [], 'already quiet');
  assert.is(x.ctxMissedCount(ctx), 1);
  x.ctxUnblock(ctx);
  const start = x.drainStart();
  assert.is(dispatched(core, start, x.ctxTakeMissed(ctx)).length, 1);
  assert.equal(rearmList(core, loop), [{ fd: 3, events: EV.IN, seq: h.seq }]);
});

test('gated: a missed entry dropped as stale still gets its fd armed level-triggered again', () => {
  const { core, x, loop, ctx, producer } = setup({ gated: true });
  const h = addFd(x, ctx, 3, EV.IN | EV.OUT);
  x.ctxBlock(ctx);
  producer.fd(3, h.seq, EV.OUT);
  drainNew(core, loop);
  rearmList(core, loop);
  x.handlerModify(h.slot, EV.IN); // TS calls evw_fd_mod with these events right after
  assert.is(events(x, h.slot), EV.IN | EPOLLONESHOT, 'still waiting in the missed queue: quiet');
  x.ctxUnblock(ctx);
  const start = x.drainStart();
  assert.is(dispatched(core, start, x.ctxTakeMissed(ctx)).length, 0, 'OUT is no longer wanted');
  assert.equal(rearmList(core, loop), [{ fd: 3, events: EV.IN, seq: h.seq }]);
});

test('gated: a paused handler is armed one-shot (epoll reports ERR and HUP even for no interest)', () => {
  const { core, x, loop, global, producer } = setup({ gated: true });
  const h = addFd(x, global, 3, EV.IN);
  x.handlerModify(h.slot, 0);
  assert.is(events(x, h.slot), EPOLLONESHOT);
  producer.fd(3, h.seq, EV.HUP);
  assert.is(drainNew(core, loop).length, 0, 'dropped: paused');
  assert.equal(rearmList(core, loop), [], 'stays disarmed until modify');
  x.handlerModify(h.slot, EV.IN);
  assert.is(events(x, h.slot), EV.IN);
});

test('loopBatchDone: finished = tail; a waiting producer is reported once the ring is empty', () => {
  const { core, x, loop, global, producer } = setup({ gated: true, ringCapacity: 16 });
  const hs = addFds(x, global, 3, EV.IN);
  producer.publish(entriesFor(hs, EV.IN));
  producer.setField('producerWaiting', 1); // a gated producer waits for the batch to be done
  assert.is(x.loopBatchDone(loop), 0, 'nothing consumed yet');
  assert.is(producer.field('finished'), 0);
  assert.is(producer.field('producerWaiting'), 1);
  drainNew(core, loop);
  rearmList(core, loop);
  assert.is(x.loopBatchDone(loop), 1);
  assert.is(producer.field('finished'), 3);
  assert.is(producer.field('producerWaiting'), 0);
  assert.is(x.loopBatchDone(loop), 0, 'reported once');
});

test.run();
