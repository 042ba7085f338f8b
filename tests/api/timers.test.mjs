import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { MODES, pump, sleep, until, settle, WORLDS, useWorld, createContext, now } from './support.mjs';

for (const worldName of WORLDS) for (const mode of MODES) {
  const test = suite(`timers (${mode}, ${worldName})`);
  let ctx;
  test.before.each(() => { useWorld(worldName); ctx = createContext({ mode }); });
  test.after.each(() => { ctx.close(); useWorld('kernel'); });

  for (const interval of [1, 0.1]) {
    test(`a ${interval} ms periodic timer keeps its rate (expirations counted, none lost)`, async () => {
      let expirations = 0;
      let calls = 0;
      const start = now();
      const t = ctx.addTimer(interval, (n) => { expirations += n; calls++; });
      assert.is(t.interval, interval);
      const tick = pump(ctx);
      // Busy-ish wait in poll mode so the timer is polled often; thread mode just sleeps.
      await until(() => now() - start >= 200, { tick, ms: 10000 });
      t.remove();
      const elapsed = now() - start;
      const expected = elapsed / interval;
      assert.ok(calls > 0, 'the callback ran');
      // Phase is kept and overruns are counted: the total cannot drift far from elapsed/interval.
      assert.ok(expirations <= expected + 2, `${expirations} expirations in ${elapsed.toFixed(1)} ms is too many`);
      assert.ok(expirations >= expected * 0.5, `${expirations} expirations in ${elapsed.toFixed(1)} ms is too few`);
    });
  }

  test('once fires exactly once, after its interval', async () => {
    const start = now();
    const fired = [];
    const t = ctx.addTimer(5, (n) => fired.push([n, now() - start]), { once: true });
    await until(() => fired.length === 1, { tick: pump(ctx) });
    await settle(ctx, 20)
    assert.is(fired.length, 1);
    assert.is(fired[0][0], 1);
    assert.ok(fired[0][1] >= 4.9, `fired after ${fired[0][1]} ms`);
    assert.is(t.active, false);
  });

  test('timers fire in deadline order', async () => {
    const order = [];
    ctx.addTimer(9, () => order.push(9), { once: true });
    ctx.addTimer(3, () => order.push(3), { once: true });
    ctx.addTimer(6, () => order.push(6), { once: true });
    await until(() => order.length === 3, { tick: pump(ctx) });
    assert.equal(order, [3, 6, 9]);
  });

  test('a removed timer never fires again', async () => {
    let calls = 0;
    const t = ctx.addTimer(0.5, () => { calls++; });
    await until(() => calls > 0, { tick: pump(ctx) });
    t.remove();
    const after = calls;
    for (let i = 0; i < 20; i++) { pump(ctx)?.(); await sleep(1); }
    assert.is(calls, after);
  });

  test('interval reads as the timer runs (to the nanosecond), also once removed and its slot reused', () => {
    const third = ctx.addTimer(1 / 3, () => {});
    assert.is(third.interval, 0.333333);
    third.remove();
    const next = ctx.addTimer(7, () => {});
    assert.is(third.interval, 0.333333, 'kept through removal');
    assert.is(next.interval, 7);
    next.remove();
  });

  test('a far timer does not hold back a near one', async () => {
    let near = 0;
    ctx.addTimer(60_000, () => {});
    ctx.addTimer(2, () => { near++; }, { once: true });
    await until(() => near === 1, { tick: pump(ctx) });
  });

  test.run();
}
