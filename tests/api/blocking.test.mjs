import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Events } from 'evwheel';
import { MODES, closeAll, drain, pipe, pump, settle, until, writeBytes, WORLDS, useWorld, createContext } from './support.mjs';


for (const worldName of WORLDS) for (const mode of MODES) {
  const test = suite(`blocking and missed events (${mode}, ${worldName})`);
  let ctx;
  test.before.each(() => { useWorld(worldName); ctx = createContext({ mode }); });
  test.after.each(() => { if (!ctx.closed) { while (ctx.isBlocked) ctx.unblock(); ctx.close(); } closeAll(); useWorld('kernel'); });
  const kernelOnly = worldName === 'kernel' ? test : () => {};

  test('events of a blocked context wait in the missed queue until checkMissed()', async () => {
    const [r, w] = pipe();
    const seen = [];
    ctx.setEventHandler(r, Events.IN, (e) => { seen.push(e); drain(r); });
    ctx.block();
    writeBytes(w);
    await until(() => ctx.stats().missedPending === 1, { tick: pump(ctx) });
    assert.equal(seen, []);
    ctx.unblock();
    ctx.checkMissed();
    assert.equal(seen, [Events.IN]);
    assert.is(ctx.stats().missedPending, 0);
  });

  test('block() is recursive', async () => {
    const [r, w] = pipe();
    let calls = 0;
    ctx.setEventHandler(r, Events.IN, () => { calls++; drain(r); });
    ctx.block();
    ctx.block();
    assert.is(ctx.stats().blockCount, 2);
    writeBytes(w);
    await until(() => ctx.stats().missedPending === 1, { tick: pump(ctx) });
    ctx.unblock();
    assert.ok(ctx.isBlocked);
    ctx.checkMissed();
    assert.is(calls, 0, 'still blocked once: checkMissed keeps them waiting');
    ctx.unblock();
    assert.not.ok(ctx.isBlocked);
    ctx.checkMissed();
    assert.is(calls, 1);
  });

  test('a timer missed many times is one entry with its expirations summed', async () => {
    const got = [];
    ctx.addTimer(1, (n) => got.push(n));
    ctx.block();
    await settle(ctx, 40);
    const s = ctx.stats();
    assert.is(s.missedPending, 1);
    ctx.unblock();
    ctx.checkMissed();
    assert.is(got.length, 1);
    assert.ok(got[0] >= 10, `expected the missed expirations summed, got ${got[0]}`);
  });

  test('missed events come out in the order they were first missed', async () => {
    const pipes = [pipe(), pipe(), pipe()];
    const order = [];
    pipes.forEach(([r], i) => ctx.setEventHandler(r, Events.IN, () => { order.push(i); drain(r); }));
    ctx.block();
    for (const i of [2, 0, 1]) {
      writeBytes(pipes[i][1]);
      await until(() => ctx.stats().missedPending === order.length + [2, 0, 1].indexOf(i) + 1, { tick: pump(ctx) });
    }
    ctx.unblock();
    ctx.checkMissed();
    assert.equal(order, [2, 0, 1]);
  });

  test('missed events are delivered before newer events of the context', async () => {
    const [r1, w1] = pipe();
    const [r2, w2] = pipe();
    const order = [];
    ctx.setEventHandler(r1, Events.IN, () => { order.push('old'); drain(r1); });
    ctx.setEventHandler(r2, Events.IN, () => { order.push('new'); drain(r2); });
    ctx.block();
    writeBytes(w1);
    await until(() => ctx.stats().missedPending === 1, { tick: pump(ctx) });
    ctx.unblock(); // no checkMissed: the next delivery must still put the old one first
    writeBytes(w2);
    await until(() => order.length === 2, { tick: pump(ctx) });
    assert.equal(order, ['old', 'new']);
  });

  test('missed events nobody collects are delivered soon after unblock', async () => {
    const [r, w] = pipe();
    let calls = 0;
    ctx.setEventHandler(r, Events.IN, () => { calls++; drain(r); });
    ctx.block();
    writeBytes(w);
    await until(() => ctx.stats().missedPending === 1, { tick: pump(ctx) });
    ctx.unblock();
    await until(() => calls === 1);
  });

  test('a callback that blocks its context defers the rest of the batch', async () => {
    const pipes = [pipe(), pipe(), pipe()];
    const seen = [];
    pipes.forEach(([r]) => ctx.setEventHandler(r, Events.IN, () => {
      seen.push(r);
      drain(r);
      if (seen.length === 1) ctx.block();
    }));
    ctx.block();
    for (const [, w] of pipes) writeBytes(w);
    await until(() => ctx.stats().missedPending === 3, { tick: pump(ctx) });
    ctx.unblock();
    ctx.checkMissed();
    assert.is(seen.length, 1, 'only the first ran before the block took effect');
    assert.is(ctx.stats().missedPending, 2);
    ctx.unblock();
    ctx.checkMissed();
    assert.is(seen.length, 3);
  });

  test('poll() delivers missed events once unblocked, before anything newer', async () => {
    const [r1, w1] = pipe();
    const [r2, w2] = pipe();
    const order = [];
    ctx.setEventHandler(r1, Events.IN, () => { order.push('missed'); drain(r1); });
    ctx.setEventHandler(r2, Events.IN, () => { order.push('new'); drain(r2); });
    ctx.block();
    writeBytes(w1);
    await until(() => ctx.stats().missedPending === 1, { tick: pump(ctx) });
    ctx.unblock();
    ctx.poll();
    assert.equal(order, ['missed'], 'poll() delivered the missed event by itself');
    writeBytes(w2);
    await until(() => order.length === 2, { tick: pump(ctx) });
    assert.equal(order, ['missed', 'new']);
  });

  test('unblock() below zero throws ERR_NOT_BLOCKED and changes nothing', () => {
    assert.throws(() => ctx.unblock(), (e) => e.code === 'ERR_NOT_BLOCKED');
    assert.is(ctx.stats().blockCount, 0);
    ctx.block();
    ctx.unblock();
    assert.throws(() => ctx.unblock(), (e) => e.code === 'ERR_NOT_BLOCKED');
  });

  kernelOnly('global handlers are never blocked', async () => {
    const { setEventHandler } = await import('evwheel');
    const [r, w] = pipe();
    let calls = 0;
    const g = setEventHandler(mode, r, Events.IN, () => { calls++; drain(r); });
    ctx.block();
    writeBytes(w);
    const { poll } = await import('evwheel');
    await until(() => calls === 1, { tick: mode === 'poll' ? poll : undefined });
    g.remove();
  });

  test('an undrained level-triggered fd of a blocked context is not reported over and over', async () => {
    const [r, w] = pipe();
    let calls = 0;
    ctx.setEventHandler(r, Events.IN, () => { calls++; drain(r); });
    ctx.block();
    writeBytes(w);
    await until(() => ctx.stats().missedPending === 1, { tick: pump(ctx) });
    await settle(ctx, 50);
    // The first report, and at most one more from the fd's one-shot arming while it waits.
    assert.ok(ctx.stats().missed <= 2, `reported ${ctx.stats().missed} times while blocked`);
    ctx.unblock();
    ctx.checkMissed();
    await settle(ctx, 30);
    assert.is(calls, 1, 'drained by its one callback: nothing more');
  });

  test('stats count missed and coalesced events', async () => {
    const [r, w] = pipe();
    ctx.setEventHandler(r, Events.IN, () => drain(r), { edge: true });
    ctx.block();
    writeBytes(w);
    await until(() => ctx.stats().missed === 1, { tick: pump(ctx) });
    writeBytes(w);
    await until(() => ctx.stats().missed === 2, { tick: pump(ctx) });
    const s = ctx.stats();
    assert.is(s.coalesced, 1);
    assert.is(s.missedPending, 1);
    ctx.unblock();
    ctx.checkMissed();
    assert.ok(ctx.stats().dispatched >= 1);
  });

  test.run();
}
