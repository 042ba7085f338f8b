import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Events, modifyHandler } from 'evwheel';
import { MODES, closeAll, deliverAsOneBatch, drain, pipe, pump, until, writeBytes, settle, WORLDS, useWorld, createContext } from './support.mjs';

for (const worldName of WORLDS) for (const mode of MODES) {
  const test = suite(`modify (${mode}, ${worldName})`);
  let ctx;
  test.before.each(() => { useWorld(worldName); ctx = createContext({ mode }); });
  test.after.each(() => { while (ctx.isBlocked) ctx.unblock(); ctx.close(); closeAll(); useWorld('kernel'); });
  const kernelOnly = worldName === 'kernel' ? test : () => {};

  test('modify(0) pauses and modify(IN) resumes', async () => {
    const [r, w] = pipe();
    let calls = 0;
    const h = ctx.setEventHandler(r, Events.IN, () => { calls++; drain(r); });
    h.modify(0);
    assert.is(h.events, 0);
    writeBytes(w);
    await settle(ctx, 30)
    assert.is(calls, 0);
    h.modify(Events.IN);
    await until(() => calls === 1, { tick: pump(ctx) });
  });

  test('modify switches the interest set', async () => {
    const [r, w] = pipe();
    const seen = [];
    const h = ctx.setEventHandler(w, Events.IN, (e) => { seen.push(e); h.modify(0); });
    await settle(ctx, 20)
    assert.equal(seen, [], 'a write end never becomes readable');
    h.modify(Events.OUT);
    await until(() => seen.length === 1, { tick: pump(ctx) });
    assert.equal(seen, [Events.OUT]);
    drain(r);
  });

  test('a missed event whose bits are no longer wanted is dropped as stale', async () => {
    const [r, w] = pipe();
    let calls = 0;
    const h = ctx.setEventHandler(r, Events.IN, () => { calls++; });
    ctx.block();
    writeBytes(w);
    await until(() => ctx.stats().missedPending === 1, { tick: pump(ctx) });
    h.modify(Events.OUT);
    ctx.unblock();
    ctx.checkMissed();
    assert.is(calls, 0);
    assert.is(ctx.stats().staleDropped, 1);
    drain(r);
  });

  kernelOnly('modifyHandler(fd, events) finds the handler by fd', async () => {
    const [r, w] = pipe();
    let calls = 0;
    const h = ctx.setEventHandler(r, 0, () => { calls++; drain(r); });
    writeBytes(w);
    modifyHandler(r, Events.IN);
    assert.is(h.events, Events.IN);
    await until(() => calls === 1, { tick: pump(ctx) });
  });

  test('paused by an earlier callback of the same batch, a handler is not called: its event is dropped as stale', async () => {
    const [r1, w1] = pipe();
    const [r2, w2] = pipe();
    const calls = [];
    let h1, h2;
    h1 = ctx.setEventHandler(r1, Events.IN, () => { calls.push(1); h2.modify(0); drain(r1); });
    h2 = ctx.setEventHandler(r2, Events.IN, (events) => { calls.push(2, events, h2.events); h1.modify(0); drain(r2); });
    await deliverAsOneBatch(ctx, [w1, w2]);
    assert.equal(calls, [1], 'the first callback paused the second, whose event was queued behind it');
    assert.is(ctx.stats().staleDropped, 1);
    assert.is(ctx.stats().dispatched, 1);
    drain(r2);
  });

  test('bad events leave the interest set as it was', () => {
    const [r] = pipe();
    const h = ctx.setEventHandler(r, Events.IN, () => {});
    for (const bad of [0x20, -1, 1.5, '1', null]) {
      assert.throws(() => h.modify(bad), (e) => e.code === 'ERR_INVALID_ARG');
    }
    assert.is(h.events, Events.IN);
  });

  kernelOnly('modify after remove throws ERR_HANDLER_NOT_FOUND', () => {
    const [r] = pipe();
    const h = ctx.setEventHandler(r, Events.IN, () => {});
    h.remove();
    assert.throws(() => h.modify(Events.OUT), (e) => e.code === 'ERR_HANDLER_NOT_FOUND');
    assert.throws(() => modifyHandler(r, Events.OUT), (e) => e.code === 'ERR_HANDLER_NOT_FOUND');
  });

  test.run();
}
