import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncContext, EvwheelError, TimerGroup, removeHandler } from 'evwheel';
import { MODES, pump, settle, until } from './support.mjs';

// The group's behaviour in detail runs on virtual time (tests/simulation/timer-group.test.mjs);
// here: real timers of every mode reach the group's callback, and the id API of the package.
for (const mode of MODES) {
  const test = suite(`timer group, real kernel (${mode})`);

  test('timers of a group fire with their ids, a one-shot once', async () => {
    const ctx = AsyncContext.create({ mode });
    const seen = new Map();
    const group = ctx.createTimerGroup((n, id, g) => {
      assert.is(g, group);
      seen.set(id, (seen.get(id) ?? 0) + n);
    });
    assert.instance(group, TimerGroup);
    assert.is(group.context, ctx);
    const periodic = group.add(2);
    const once = group.add(1, { once: true });
    try {
      await until(() => (seen.get(periodic) ?? 0) >= 3, { tick: pump(ctx) });
      assert.is(seen.get(once), 1);
      assert.is(group.has(once), false);
      assert.is(group.size, 1);
    } finally {
      ctx.close();
    }
  });

  test('removeHandler(id) removes a group\'s timer; a second time is ERR_HANDLER_NOT_FOUND', async () => {
    const ctx = AsyncContext.create({ mode });
    let calls = 0;
    const group = ctx.createTimerGroup(() => { calls++; });
    const id = group.add(1);
    removeHandler(id);
    assert.is(group.size, 0);
    await settle(ctx, 30);
    assert.is(calls, 0);
    assert.throws(() => removeHandler(id), (err) => err instanceof EvwheelError && err.code === 'ERR_HANDLER_NOT_FOUND');
    ctx.close();
  });

  test.run();
}
