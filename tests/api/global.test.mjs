import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Events, addTimer, modifyHandler, poll, removeHandler, setEventHandler } from 'evwheel';
import { MODES, closeAll, drain, pipe, until, writeBytes } from './support.mjs';

for (const mode of MODES) {
  const test = suite(`global handlers (${mode})`);
  test.after.each(() => closeAll());
  const tick = mode === 'poll' ? poll : undefined;

  test('setEventHandler(mode, …) delivers without a context', async () => {
    const [r, w] = pipe();
    let events = 0;
    const h = setEventHandler(mode, r, Events.IN, (e) => { events = e; drain(r); });
    assert.is(h.context, null);
    writeBytes(w);
    await until(() => events === Events.IN, { tick });
    removeHandler(h.id);
  });

  test('addTimer(mode, …) fires and removeHandler stops it', async () => {
    let n = 0;
    const t = addTimer(mode, 0.5, (k) => { n += k; });
    await until(() => n >= 3, { tick });
    removeHandler(t);
    assert.not.ok(t.active);
  });

  test('modifyHandler(fd, events) on a global handler', async () => {
    const [r, w] = pipe();
    let calls = 0;
    const h = setEventHandler(mode, r, 0, () => { calls++; drain(r); });
    writeBytes(w);
    modifyHandler(r, Events.IN);
    await until(() => calls === 1, { tick });
    h.remove();
  });

  test('poll() dispatches ready global handlers', async () => {
    const [r, w] = pipe();
    let calls = 0;
    const h = setEventHandler(mode, r, Events.IN, () => { calls++; drain(r); });
    writeBytes(w);
    await until(() => calls === 1, { tick: poll });
    h.remove();
  });

  test('poll() in a JS thread that never yields still dispatches a ready fd', () => {
    const [r, w] = pipe();
    let calls = 0;
    const h = setEventHandler(mode, r, Events.IN, () => { calls++; drain(r); });
    writeBytes(w);
    const deadline = Date.now() + 2000;
    while (calls === 0 && Date.now() < deadline) poll(); // synchronous: Node's loop never turns
    assert.is(calls, 1);
    h.remove();
  });

  test.run();
}
