// Context state: recursive blocking, limits, registration errors, counters.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, addFd, drainNew, E, EV, FLAG, STAT } from './harness.mjs';

const test = suite('contexts');

test('block is recursive: events stay missed until the last unblock', () => {
  const { core, x, loop, ctx, producer } = setup();
  const h = addFd(x, ctx, 5, EV.IN);
  assert.is(x.ctxBlock(ctx), 1);
  assert.is(x.ctxBlock(ctx), 2);
  assert.is(x.ctxUnblock(ctx), 1);
  producer.fd(5, h.seq, EV.IN);
  assert.equal(drainNew(core, loop), [], 'still blocked once');
  assert.is(x.ctxMissedCount(ctx), 1);
  assert.is(x.ctxUnblock(ctx), 0);
  assert.is(x.ctxBlockCount(ctx), 0);
});

test('unblock below zero returns E_NOT_BLOCKED and changes nothing', () => {
  const { x, ctx } = setup();
  assert.is(x.ctxUnblock(ctx), E.NOT_BLOCKED);
  assert.is(x.ctxBlockCount(ctx), 0);
  x.ctxBlock(ctx);
  assert.is(x.ctxUnblock(ctx), 0);
  assert.is(x.ctxUnblock(ctx), E.NOT_BLOCKED);
  assert.is(x.ctxBlockCount(ctx), 0);
});

test('a global context is never blocked', () => {
  const { core, x, loop, global, producer } = setup();
  const h = addFd(x, global, 5, EV.IN);
  x.ctxBlock(global);
  assert.is(x.ctxBlockCount(global), 0);
  producer.fd(5, h.seq, EV.IN);
  assert.is(drainNew(core, loop).length, 1);
});

test('a context refuses handlers beyond maxHandlers with E_CONTEXT_FULL, changing nothing', () => {
  const { x, loop } = setup();
  const ctx = x.ctxCreate(loop, 2);
  assert.ok(addFd(x, ctx, 3, EV.IN).slot >= 0);
  assert.ok(x.timerAdd(ctx, 1000, 0, 0) >= 0);
  assert.is(x.fdAdd(ctx, 4, EV.IN, 0), E.CONTEXT_FULL);
  assert.is(x.timerAdd(ctx, 1000, 0, 0), E.CONTEXT_FULL);
  assert.is(x.ctxStat(ctx, STAT.handlers), 2);
  assert.is(x.loopNextDeadline(loop), 1000, 'the refused timer is not in the wheel');
  assert.ok(addFd(x, x.ctxCreate(loop, 0), 4, EV.IN, FLAG.REARM).slot >= 0, 'the failed call did not take fd 4');
});

test('a removed handler frees its place in the context', () => {
  const { x, loop } = setup();
  const ctx = x.ctxCreate(loop, 1);
  const slot = x.timerAdd(ctx, 1000, 0, 0);
  x.handlerRemove(slot);
  assert.ok(x.timerAdd(ctx, 1000, 0, 0) >= 0);
});

test('a second handler for an fd fails with E_HANDLER_EXISTS, in any context of the core', () => {
  const { x, loop, ctx, global } = setup();
  const other = x.ctxCreate(x.loopCreate(16), 4);
  addFd(x, ctx, 7, EV.IN);
  assert.is(x.fdAdd(ctx, 7, EV.OUT, 0), E.HANDLER_EXISTS);
  assert.is(x.fdAdd(global, 7, EV.OUT, 0), E.HANDLER_EXISTS);
  assert.is(x.fdAdd(other, 7, EV.OUT, 0), E.HANDLER_EXISTS);
  assert.is(x.ctxStat(ctx, STAT.handlers), 1);
  assert.ok(loop >= 0);
});

test('after removal the fd can be registered again, and a reused slot gets a new generation', () => {
  const { x, ctx } = setup();
  const a = addFd(x, ctx, 7, EV.IN);
  x.handlerRemove(a.slot);
  const b = addFd(x, ctx, 7, EV.IN);
  assert.ok(b.slot >= 0);
  assert.ok(b.slot !== a.slot || b.gen !== a.gen, 'a new registration, not the old one');
  assert.is.not(x.handlerGen(a.slot), a.gen, 'the old (slot, gen) no longer matches');
});

test('fdHandlerSlot finds an fd\'s live handler in any context, and -1 once it is removed or never was', () => {
  const { x, ctx, global } = setup();
  const a = addFd(x, ctx, 7, EV.IN);
  const b = addFd(x, global, 9, EV.IN);
  assert.is(x.fdHandlerSlot(7), a.slot);
  assert.is(x.fdHandlerSlot(9), b.slot);
  assert.is(x.fdHandlerSlot(8), -1);
  assert.is(x.fdHandlerSlot(1 << 30), -1, 'beyond the map');
  x.handlerRemove(a.slot);
  assert.is(x.fdHandlerSlot(7), -1);
});

test('fdSeq gives back what fdSetSeq recorded, for live fd handlers only', () => {
  const { x, ctx } = setup();
  const a = addFd(x, ctx, 7, EV.IN);
  x.fdSetSeq(a.slot, 0xfffffffe);
  assert.is(x.fdSeq(a.slot) >>> 0, 0xfffffffe);
  const t = x.timerAdd(ctx, 1000, 0, 0);
  assert.is(x.fdSeq(t), 0, 'a timer has none');
  x.handlerRemove(a.slot);
  assert.is(x.fdSeq(a.slot), 0, 'a freed slot has none');
});

test('invalid arguments are refused with E_INVALID', () => {
  const { x, ctx } = setup();
  assert.is(x.fdAdd(ctx, -1, EV.IN, 0), E.INVALID);
  assert.is(x.fdAdd(999, 3, EV.IN, 0), E.INVALID);
  assert.is(x.fdAdd(ctx, 3, 0x100, 0), E.INVALID);
  assert.is(x.ctxCreate(999, 4), E.INVALID);
  assert.is(x.loopCreate(0), E.INVALID);
});

test('a slot generation is positive, grows with every reuse, and reads 0 while the slot is free', () => {
  const { x, global } = setup();
  const slot = x.timerAdd(global, 1e6, 0, 0);
  const gens = [x.handlerGen(slot)];
  for (let i = 0; i < 3; i++) {
    x.handlerRemove(slot);
    assert.is(x.handlerGen(slot), 0, 'free');
    assert.is(x.timerAdd(global, 1e6, 0, 0), slot, 'the free list hands the slot out again');
    gens.push(x.handlerGen(slot));
  }
  assert.ok(gens[0] > 0);
  assert.equal(gens, [gens[0], gens[0] + 1, gens[0] + 2, gens[0] + 3]);
});

test('stats count handlers and dispatched events per context', () => {
  const { core, x, loop, ctx, producer } = setup();
  const h = addFd(x, ctx, 5, EV.IN);
  producer.fd(5, h.seq, EV.IN);
  drainNew(core, loop);
  assert.is(x.ctxStat(ctx, STAT.dispatched), 1);
  assert.is(x.ctxStat(ctx, STAT.handlers), 1);
  assert.is(x.ctxStat(ctx, STAT.ringHighWater), 1);
});

test.run();
