// Thread mode: Node's own loop watches the epoll set, so an event wakes the JS thread alone and the
// progress thread sleeps through it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { AsyncContext, Events } from 'evwheel';
import { closeAll, drain, pipe, progressThreadIds, until, writeBytes } from './support.mjs';

const test = suite('thread mode: Node\'s loop watches the epoll set');

/** How often the thread went to sleep and was woken again. */
function wakeUps(tid) {
  const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
  return Number(status.match(/^voluntary_ctxt_switches:\s+(\d+)/m)[1]);
}

test.after.each(() => closeAll());

test('200 fd events one after another, and the progress thread stays asleep', async () => {
  const ctx = AsyncContext.create({ mode: 'thread' });
  const [r, w] = pipe();
  let calls = 0;
  ctx.setEventHandler(r, Events.IN, () => { drain(r); calls++; });
  const [tid] = progressThreadIds();
  assert.ok(tid, 'the thread runs');
  const before = wakeUps(tid);
  for (let i = 1; i <= 200; i++) {
    writeBytes(w);
    await until(() => calls === i);
  }
  // Generous: anything near one wake-up per event would be 200.
  assert.ok(wakeUps(tid) - before < 20, `woken ${wakeUps(tid) - before} times`);
  ctx.close();
});

test('timers too: 50 expirations of a 1 ms timer without waking the thread', async () => {
  const ctx = AsyncContext.create({ mode: 'thread' });
  let expirations = 0;
  const timer = ctx.addTimer(1, (n) => { expirations += n; });
  const [tid] = progressThreadIds();
  const before = wakeUps(tid);
  await until(() => expirations >= 50);
  assert.ok(wakeUps(tid) - before < 10, `woken ${wakeUps(tid) - before} times`);
  timer.remove();
  ctx.close();
});

test.run();
