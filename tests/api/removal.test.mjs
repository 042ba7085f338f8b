import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Events, removeHandler } from 'evwheel';
import { MODES, closeAll, drain, pipe, pump, settle, until, writeBytes, deliverAsOneBatch, WORLDS, useWorld, createContext, now, busyWait } from './support.mjs';


for (const worldName of WORLDS) for (const mode of MODES) {
  const test = suite(`removal (${mode}, ${worldName})`);
  let ctx;
  test.before.each(() => { useWorld(worldName); ctx = createContext({ mode }); });
  test.after.each(() => { while (ctx.isBlocked) ctx.unblock(); ctx.close(); closeAll(); useWorld('kernel'); });
  const kernelOnly = worldName === 'kernel' ? test : () => {};

  test('a callback may remove its own handler', async () => {
    const [r, w] = pipe();
    let calls = 0;
    const h = ctx.setEventHandler(r, Events.IN, (e, self) => { calls++; self.remove(); });
    writeBytes(w);
    await until(() => calls === 1, { tick: pump(ctx) });
    await settle(ctx);
    assert.is(calls, 1, 'undrained, yet never called again');
    assert.is(h.active, false);
  });

  test('a callback may remove another handler whose event is in the same batch', async () => {
    const [r1, w1] = pipe();
    const [r2, w2] = pipe();
    const calls = [];
    let h1, h2;
    h1 = ctx.setEventHandler(r1, Events.IN, () => { calls.push(1); h2.remove(); drain(r1); });
    h2 = ctx.setEventHandler(r2, Events.IN, () => { calls.push(2); h1.remove(); drain(r2); });
    await deliverAsOneBatch(ctx, [w1, w2]);
    assert.is(calls.length, 1, `only one of the two ran: ${calls}`);
    const stats = ctx.stats();
    assert.is(stats.dispatched, 1, 'the removed one was not delivered');
    assert.is(stats.staleDropped, 1, 'its event was dropped, and counted');
  });

  test('a callback may add a handler', async () => {
    const [r1, w1] = pipe();
    const [r2, w2] = pipe();
    let second = 0;
    ctx.setEventHandler(r1, Events.IN, (e, self) => {
      drain(r1);
      self.remove();
      ctx.setEventHandler(r2, Events.IN, () => { second++; drain(r2); });
      writeBytes(w2);
    });
    writeBytes(w1);
    await until(() => second === 1, { tick: pump(ctx) });
  });

  test('removing a handler with a missed event drops that event', async () => {
    const [r, w] = pipe();
    let calls = 0;
    const h = ctx.setEventHandler(r, Events.IN, () => { calls++; });
    ctx.block();
    writeBytes(w);
    await until(() => ctx.stats().missedPending === 1, { tick: pump(ctx) });
    h.remove();
    assert.is(ctx.stats().missedPending, 0);
    assert.is(ctx.stats().staleDropped, 1);
    ctx.unblock();
    ctx.checkMissed();
    await settle(ctx);
    assert.is(calls, 0);
  });

  test('removing a timer with missed expirations drops them', async () => {
    let calls = 0;
    const t = ctx.addTimer(0.5, () => { calls++; });
    ctx.block();
    await until(() => ctx.stats().missedPending === 1, { tick: pump(ctx) });
    t.remove();
    assert.is(ctx.stats().staleDropped, 1);
    ctx.unblock();
    ctx.checkMissed();
    await settle(ctx);
    assert.is(calls, 0);
  });

  test('removed while its event waits in the ring: never called', async () => {
    const [r, w] = pipe();
    let calls = 0;
    const h = ctx.setEventHandler(r, Events.IN, () => { calls++; });
    writeBytes(w);
    // In thread mode the progress thread has likely written the event into the ring by now,
    // and JS has not run the doorbell yet: this removal races the delivery on purpose.
    busyWait(20);
    h.remove();
    await settle(ctx);
    assert.is(calls, 0);
  });

  kernelOnly('removeHandler by id and by object; the fd is free again', () => {
    const [r] = pipe();
    const a = ctx.setEventHandler(r, Events.IN, () => {});
    removeHandler(a.id);
    const b = ctx.setEventHandler(r, Events.IN, () => {});
    removeHandler(b);
    assert.throws(() => removeHandler(b), (e) => e.code === 'ERR_HANDLER_NOT_FOUND');
    assert.throws(() => removeHandler(a.id), (e) => e.code === 'ERR_HANDLER_NOT_FOUND');
    b.remove(); // idempotent
  });

  test('removing from inside a timer callback stops it for good', async () => {
    let calls = 0;
    ctx.addTimer(0.2, (n, t) => { calls++; if (calls === 3) t.remove(); });
    await until(() => calls === 3, { tick: pump(ctx) });
    await settle(ctx);
    assert.is(calls, 3);
  });

  test.run();
}
