// Missed queues: coalescing, order, stale drops, removal, deferral, and their place before new events.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, addFd, drainNew, dispatched, EV, STAT } from './harness.mjs';

const test = suite('missed queue');

/** Blocked context with three fd handlers (fds 3, 4, 5). */
function blockedWithFds() {
  const env = setup();
  const fds = [3, 4, 5].map((fd) => addFd(env.x, env.ctx, fd, EV.IN | EV.OUT));
  env.x.ctxBlock(env.ctx);
  return { ...env, fds };
}

function take(env) {
  const start = env.x.drainStart();
  return dispatched(env.core, start, env.x.ctxTakeMissed(env.ctx));
}

test('events of a blocked context coalesce per handler: bits OR-ed, one entry each', () => {
  const env = blockedWithFds();
  const [a] = env.fds;
  env.producer.fd(3, a.seq, EV.IN);
  env.producer.fd(3, a.seq, EV.OUT);
  env.producer.fd(3, a.seq, EV.IN);
  assert.equal(drainNew(env.core, env.loop), []);
  assert.is(env.x.ctxMissedCount(env.ctx), 1);
  assert.is(env.x.ctxStat(env.ctx, STAT.missed), 3);
  assert.is(env.x.ctxStat(env.ctx, STAT.coalesced), 2);
  env.x.ctxUnblock(env.ctx);
  assert.equal(take(env), [{ slot: a.slot, gen: a.gen, value: EV.IN | EV.OUT }]);
});

test('timer expirations missed while blocked are summed', () => {
  const env = setup();
  const slot = env.x.timerAdd(env.ctx, 1000, 0, 0);
  env.x.ctxBlock(env.ctx);
  drainNew(env.core, env.loop, 1000);
  drainNew(env.core, env.loop, 3500); // 2 more expirations, coalesced
  env.x.ctxUnblock(env.ctx);
  assert.equal(take(env), [{ slot, gen: env.x.handlerGen(slot), value: 3 }]);
  assert.is(env.x.ctxStat(env.ctx, STAT.coalesced), 1);
});

test('missed entries are delivered in the order their handlers were first missed', () => {
  const env = blockedWithFds();
  const [a, b, c] = env.fds;
  env.producer.publish([
    { fd: 4, seq: b.seq, bits: EV.IN }, { fd: 3, seq: a.seq, bits: EV.IN },
    { fd: 4, seq: b.seq, bits: EV.OUT }, { fd: 5, seq: c.seq, bits: EV.IN },
  ]);
  drainNew(env.core, env.loop);
  env.x.ctxUnblock(env.ctx);
  assert.equal(take(env).map((e) => e.slot), [b.slot, a.slot, c.slot]);
  assert.is(env.x.ctxMissedCount(env.ctx), 0);
});

test('nothing is taken while the context is still blocked', () => {
  const env = blockedWithFds();
  env.producer.fd(3, env.fds[0].seq, EV.IN);
  drainNew(env.core, env.loop);
  assert.equal(take(env), []);
  assert.is(env.x.ctxMissedCount(env.ctx), 1);
});

test('after unblock, a new event is preceded by the missed ones', () => {
  const env = blockedWithFds();
  const [a, b] = env.fds;
  env.producer.fd(3, a.seq, EV.IN);
  drainNew(env.core, env.loop);
  env.x.ctxUnblock(env.ctx);
  assert.is(env.x.ctxMustDefer(env.ctx), 1, 'missed events pending');
  env.producer.fd(4, b.seq, EV.OUT);
  assert.equal(drainNew(env.core, env.loop).map((e) => e.slot), [a.slot, b.slot]);
  assert.is(env.x.ctxMustDefer(env.ctx), 0);
});

test('bits no longer wanted after modify are dropped as stale; an entry left empty disappears', () => {
  const env = blockedWithFds();
  const [a, b] = env.fds;
  env.producer.publish([{ fd: 3, seq: a.seq, bits: EV.IN | EV.OUT }, { fd: 4, seq: b.seq, bits: EV.OUT }]);
  drainNew(env.core, env.loop);
  env.x.handlerModify(a.slot, EV.IN);
  env.x.handlerModify(b.slot, EV.IN);
  env.x.ctxUnblock(env.ctx);
  assert.equal(take(env), [{ slot: a.slot, gen: a.gen, value: EV.IN }]);
  assert.is(env.x.ctxStat(env.ctx, STAT.staleDropped), 1);
});

test('ERR and HUP pass the mask of any non-paused handler; a paused one gets nothing', () => {
  const env = blockedWithFds();
  const [a, b] = env.fds;
  env.producer.publish([{ fd: 3, seq: a.seq, bits: EV.HUP }, { fd: 4, seq: b.seq, bits: EV.ERR }]);
  drainNew(env.core, env.loop);
  env.x.handlerModify(a.slot, EV.PRI);
  env.x.handlerModify(b.slot, 0);
  env.x.ctxUnblock(env.ctx);
  assert.equal(take(env).map((e) => [e.slot, e.value]), [[a.slot, EV.HUP]]);
});

test('a removed handler leaves the missed queue', () => {
  const env = blockedWithFds();
  const [a, b] = env.fds;
  env.producer.publish([{ fd: 3, seq: a.seq, bits: EV.IN }, { fd: 4, seq: b.seq, bits: EV.IN }]);
  drainNew(env.core, env.loop);
  env.x.handlerRemove(a.slot);
  assert.is(env.x.ctxMissedCount(env.ctx), 1);
  env.x.ctxUnblock(env.ctx);
  assert.equal(take(env).map((e) => e.slot), [b.slot]);
});

test('a removed timer leaves the missed queue and the wheel', () => {
  const env = setup();
  const slot = env.x.timerAdd(env.ctx, 1000, 0, 0);
  env.x.ctxBlock(env.ctx);
  drainNew(env.core, env.loop, 1000);
  env.x.handlerRemove(slot);
  assert.is(env.x.ctxMissedCount(env.ctx), 0);
  assert.is(env.x.loopNextDeadline(env.loop), -1);
});

test('defer turns a dispatch TS could not make into a missed event, adjusting the counters', () => {
  const env = setup();
  const a = addFd(env.x, env.ctx, 3, EV.IN);
  env.producer.fd(3, a.seq, EV.IN);
  const [entry] = drainNew(env.core, env.loop);
  env.x.ctxBlock(env.ctx); // a callback blocked the context before this entry was reached
  env.x.defer(entry.slot, entry.gen, entry.value);
  assert.is(env.x.ctxStat(env.ctx, STAT.dispatched), 0);
  assert.is(env.x.ctxStat(env.ctx, STAT.missed), 1);
  assert.is(env.x.ctxMissedCount(env.ctx), 1);
  env.x.ctxUnblock(env.ctx);
  assert.equal(take(env), [entry]);
});

test('defer for a removed handler (generation mismatch) is ignored', () => {
  const env = setup();
  const a = addFd(env.x, env.ctx, 3, EV.IN);
  env.x.handlerRemove(a.slot);
  const b = addFd(env.x, env.ctx, 4, EV.IN); // may reuse the slot
  env.x.ctxBlock(env.ctx);
  env.x.defer(a.slot, a.gen, EV.IN);
  assert.is(env.x.ctxMissedCount(env.ctx), 0);
  assert.ok(b.slot >= 0);
});

test('a queue never holds more entries than the context has handlers', () => {
  const env = blockedWithFds();
  for (let i = 0; i < 50; i++) {
    env.producer.publish(env.fds.map((h, j) => ({ fd: 3 + j, seq: h.seq, bits: i % 2 ? EV.IN : EV.OUT })));
    drainNew(env.core, env.loop);
  }
  assert.is(env.x.ctxMissedCount(env.ctx), 3);
  assert.is(env.x.ctxStat(env.ctx, STAT.missedPending), 3);
  assert.is(env.x.ctxStat(env.ctx, STAT.missed), 150);
  assert.is(env.x.ctxStat(env.ctx, STAT.coalesced), 147);
});

test.run();
