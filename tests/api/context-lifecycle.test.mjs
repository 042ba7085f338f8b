import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Events } from 'evwheel';
import { MODES, closeAll, drain, pipe, until, writeBytes, deliverAsOneBatch, WORLDS, useWorld, createContext } from './support.mjs';

for (const worldName of WORLDS) for (const mode of MODES) {
  const test = suite(`context lifecycle (${mode}, ${worldName})`);
  test.before.each(() => useWorld(worldName));
  test.after.each(() => { closeAll(); useWorld('kernel'); });

  test('close() removes every handler; a second close() is a no-op', () => {
    const ctx = createContext({ mode });
    const [r] = pipe();
    const h = ctx.setEventHandler(r, Events.IN, () => {});
    const t = ctx.addTimer(1, () => {});
    ctx.close();
    assert.ok(ctx.closed);
    assert.not.ok(h.active);
    assert.not.ok(t.active);
    ctx.close();
    // The fd is free for someone else.
    const again = createContext({ mode });
    again.setEventHandler(r, Events.IN, () => {});
    again.close();
  });

  test('closing a blocked context emits a process warning that says so', async () => {
    const ctx = createContext({ mode });
    ctx.block();
    const warned = new Promise((resolve) => process.once('warning', resolve));
    ctx.close();
    const w = await warned;
    assert.match(w.message, /blocked/);
    assert.is(w.code, 'EVWHEEL_CLOSED_BLOCKED');
  });

  test("a throwing callback goes to 'error' and the batch goes on", async () => {
    const ctx = createContext({ mode });
    const errors = [];
    ctx.on('error', (err, handler) => errors.push([err, handler]));
    const [r1, w1] = pipe();
    const [r2, w2] = pipe();
    let second = 0;
    const bad = ctx.setEventHandler(r1, Events.IN, () => { drain(r1); throw new Error('boom'); });
    ctx.setEventHandler(r2, Events.IN, () => { second++; drain(r2); });
    await deliverAsOneBatch(ctx, [w1, w2]);
    assert.is(second, 1);
    assert.is(errors.length, 1);
    assert.is(errors[0][0].message, 'boom');
    assert.is(errors[0][1], bad);
    ctx.close();
  });

  test('stats() has the documented counters', () => {
    const ctx = createContext({ mode });
    const s = ctx.stats();
    for (const k of ['dispatched', 'missed', 'coalesced', 'staleDropped', 'ringHighWater', 'handlers', 'missedPending', 'blockCount']) {
      assert.type(s[k], 'number', k);
    }
    ctx.close();
    assert.type(ctx.stats().dispatched, 'number');
  });

  test('handlers carry id, fd, events, interval', () => {
    const ctx = createContext({ mode });
    const [r] = pipe();
    const h = ctx.setEventHandler(r, Events.IN | Events.PRI, () => {});
    const t = ctx.addTimer(0.25, () => {});
    assert.type(h.id, 'number');
    assert.is.not(h.id, t.id);
    assert.is(h.fd, r);
    assert.is(h.events, Events.IN | Events.PRI);
    assert.is(t.interval, 0.25);
    assert.is(h.context, ctx);
    ctx.close();
  });

  test.run();
}

const edge = suite('context lifecycle: edges of dispatch');
edge.before.each(() => useWorld('kernel'));
edge.after.each(() => closeAll());

edge('a callback may close its own context, poll mode included', async () => {
  for (const mode of MODES) {
    const ctx = createContext({ mode });
    const pipes = [pipe(), pipe()];
    let calls = 0;
    pipes.forEach(([r]) => ctx.setEventHandler(r, Events.IN, () => { calls++; ctx.close(); }));
    for (const [, w] of pipes) writeBytes(w);
    await until(() => ctx.closed, { tick: () => { if (!ctx.closed) ctx.poll(); } });
    assert.is(calls, 1, `${mode}: the second handler was removed by close() and never called`);
  }
});

edge("an 'error' listener that throws does not cost the rest of the batch", async () => {
  const ctx = createContext({ mode: 'poll' });
  const uncaught = [];
  const onUncaught = (e) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    ctx.on('error', () => { throw new Error('listener'); });
    const [r1, w1] = pipe();
    const [r2, w2] = pipe();
    let second = 0;
    ctx.setEventHandler(r1, Events.IN, () => { drain(r1); throw new Error('callback'); });
    ctx.setEventHandler(r2, Events.IN, () => { second++; drain(r2); });
    writeBytes(w1);
    writeBytes(w2);
    await until(() => second === 1, { tick: () => ctx.poll() });
    await new Promise((res) => setImmediate(res));
    assert.equal(uncaught.map((e) => e.message), ['listener']);
  } finally {
    process.off('uncaughtException', onUncaught);
    ctx.close();
  }
});

edge.run();
