import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Events } from 'evwheel';
import { MODES, closeAll, drain, fifo, pipe, pump, until, writeBytes, settle, WORLDS, useWorld, createContext } from './support.mjs';

for (const worldName of WORLDS) for (const mode of MODES) {
  const test = suite(`fd events (${mode}, ${worldName})`);
  let ctx;
  test.before.each(() => { useWorld(worldName); ctx = createContext({ mode }); });
  test.after.each(() => { ctx.close(); closeAll(); useWorld('kernel'); });
  /** Needs the real kernel (FIFOs, the global functions): registered in that world only. */
  const kernelOnly = worldName === 'kernel' ? test : () => {};

  test('a readable pipe calls back with IN', async () => {
    const [r, w] = pipe();
    const seen = [];
    const h = ctx.setEventHandler(r, Events.IN, (events, handler) => { seen.push([events, handler]); drain(r); });
    writeBytes(w);
    await until(() => seen.length > 0, { tick: pump(ctx) });
    assert.is(seen[0][0] & Events.IN, Events.IN);
    assert.is(seen[0][1], h);
  });

  kernelOnly('poll() in a JS thread that never yields still dispatches a ready fd', () => {
    const [r, w] = pipe();
    let calls = 0;
    ctx.setEventHandler(r, Events.IN, () => { calls++; drain(r); });
    writeBytes(w);
    const deadline = Date.now() + 2000;
    while (calls === 0 && Date.now() < deadline) ctx.poll(); // synchronous: Node's loop never turns
    assert.is(calls, 1);
  });

  test('level-triggered: an undrained fd is reported again, a drained one is not', async () => {
    const [r, w] = pipe();
    let calls = 0;
    ctx.setEventHandler(r, Events.IN, () => { calls++; if (calls === 3) drain(r); });
    writeBytes(w);
    await until(() => calls >= 3, { tick: pump(ctx) });
    const settled = calls;
    await settle(ctx, 40)
    assert.is(calls, settled);
  });

  test('every write after a drain is delivered', async () => {
    const [r, w] = pipe();
    let bytes = 0;
    ctx.setEventHandler(r, Events.IN, () => { bytes += drain(r); });
    for (let i = 1; i <= 20; i++) {
      writeBytes(w, 3);
      await until(() => bytes === i * 3, { tick: pump(ctx) });
    }
  });

  test('OUT on a writable pipe end', async () => {
    const [, w] = pipe();
    let events = 0;
    ctx.setEventHandler(w, Events.OUT, (e) => { events = e; }, { once: true });
    await until(() => events !== 0, { tick: pump(ctx) });
    assert.is(events, Events.OUT);
  });

  test('HUP when the writer closes, even though only IN was asked for', async () => {
    const [r, w] = pipe();
    let events = 0;
    ctx.setEventHandler(r, Events.IN, (e) => { events |= e; drain(r); }, { once: true });
    const { closeFd } = await import('./support.mjs');
    closeFd(w);
    await until(() => events !== 0, { tick: pump(ctx) });
    assert.is(events & Events.HUP, Events.HUP);
  });

  test('edge-triggered: one event per change', async () => {
    const [r, w] = pipe();
    let calls = 0;
    ctx.setEventHandler(r, Events.IN, () => { calls++; }, { edge: true });
    writeBytes(w);
    await until(() => calls === 1, { tick: pump(ctx) });
    await settle(ctx, 20)
    assert.is(calls, 1);
    writeBytes(w);
    await until(() => calls === 2, { tick: pump(ctx) });
  });

  test('once: delivered one time, then the handler is gone and the fd is free', async () => {
    const [r, w] = pipe();
    let calls = 0;
    const h = ctx.setEventHandler(r, Events.IN, () => { calls++; }, { once: true });
    writeBytes(w);
    await until(() => calls === 1, { tick: pump(ctx) });
    assert.is(h.active, false);
    await settle(ctx, 20)
    assert.is(calls, 1);
    const again = ctx.setEventHandler(r, Events.IN, () => {});
    again.remove();
  });

  kernelOnly('a FIFO works like a pipe', async () => {
    const f = fifo();
    let got = 0;
    try {
      ctx.setEventHandler(f.fd, Events.IN, () => { got += drain(f.fd); });
      writeBytes(f.fd, 5);
      await until(() => got === 5, { tick: pump(ctx) });
    } finally {
      ctx.close();
      f.close();
    }
  });

  test('many pipes in one context each get their event', async () => {
    const n = 200;
    const hits = new Set();
    const pipes = [];
    const big = createContext({ mode, maxHandlers: n });
    try {
      for (let i = 0; i < n; i++) {
        const [r, w] = pipe();
        pipes.push(w);
        big.setEventHandler(r, Events.IN, () => { hits.add(i); drain(r); });
      }
      for (const w of pipes) writeBytes(w);
      await until(() => hits.size === n, { tick: pump(big) });
    } finally {
      big.close();
    }
  });

  test.run();
}
