// Busy-polling in thread mode (the `spin` option): after each batch the progress thread polls
// instead of sleeping for the window, then sleeps again. Seen through the thread's CPU time in
// /proc (clock ticks, 10 ms each), so the windows here are long enough to show against that
// grain, and the bounds are generous: a loaded 2-core machine may not give the thread a whole CPU.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { AsyncContext, Events } from 'evwheel';
import { closeAll, drain, pipe, progressThreadIds, sleep, until, useWorld, writeBytes } from './support.mjs';

const test = suite('thread mode: spin');
/** Every context a test opens, closed after it even when it fails (a spinning thread must not outlive it). */
const opened = [];
const open = (options) => { const ctx = AsyncContext.create(options); opened.push(ctx); return ctx; };
test.before.each(() => useWorld('kernel'));
test.after.each(() => {
  for (const ctx of opened.splice(0)) ctx.close();
  closeAll();
});

/** CPU time the progress thread has used, in clock ticks. */
function threadTicks() {
  const ids = progressThreadIds();
  assert.is(ids.length, 1, `one progress thread, found ${ids.length}`);
  const stat = readFileSync(`/proc/self/task/${ids[0]}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime and stime: fields 14 and 15 of stat(5)
}

/** Ticks the thread uses while the JS thread sleeps `ms`. */
async function ticksOver(ms) {
  const before = threadTicks();
  await sleep(ms);
  return threadTicks() - before;
}

/** A handler that counts deliveries and drains; one byte written, delivered. */
async function oneDelivery(ctx) {
  const [r, w] = pipe();
  let delivered = 0;
  ctx.setEventHandler(r, Events.IN, () => { drain(r); delivered++; });
  writeBytes(w);
  await until(() => delivered === 1);
}

test('the context says what it asked for', () => {
  const spinning = open({ spin: 0.25 });
  const plain = open();
  const polled = open({ mode: 'poll' });
  assert.is(spinning.spin, 0.25);
  assert.is(plain.spin, 0);
  assert.is(polled.spin, undefined);
});

test('events and timers are delivered as without it', async () => {
  const ctx = open({ spin: 0.5 });
  const [r, w] = pipe();
  let bytes = 0;
  ctx.setEventHandler(r, Events.IN, () => { bytes += drain(r); });
  let fired = 0;
  ctx.addTimer(2, () => { fired++; }, { once: true });
  for (let i = 1; i <= 20; i++) {
    writeBytes(w);
    await until(() => bytes === i);
  }
  await until(() => fired === 1);
});

test('the thread spins for the window after a batch, then sleeps', async () => {
  const ctx = open({ spin: 500 });
  await oneDelivery(ctx);
  const spinning = await ticksOver(200);
  assert.ok(spinning >= 5, `spinning: ${spinning} ticks in 200 ms`);
  await sleep(500); // the window has ended
  const idle = await ticksOver(300);
  assert.ok(idle <= 3, `after the window: ${idle} ticks in 300 ms`);
});

test('the longest window of the open contexts counts; closing the one that asked ends it', async () => {
  const asking = open({ spin: 1000 });
  const ctx = open({ spin: 0.1 });
  await oneDelivery(ctx);
  const spinning = await ticksOver(200);
  assert.ok(spinning >= 5, `spinning for the 1000 ms window: ${spinning} ticks in 200 ms`);
  asking.close();
  await sleep(50);
  const idle = await ticksOver(300);
  assert.ok(idle <= 3, `after the close: ${idle} ticks in 300 ms`);
});

test('without it the thread sleeps between batches', async () => {
  const ctx = open();
  await oneDelivery(ctx);
  const idle = await ticksOver(300);
  assert.ok(idle <= 3, `${idle} ticks in 300 ms`);
});

test.run();

const sim = suite('thread mode: spin in the simulation');
sim.after(() => useWorld('kernel')); // the suites after this one expect the real kernel

sim('accepted, and changes nothing: the simulated thread costs no time', () => {
  const world = useWorld('sim');
  const ctx = world.createContext({ spin: 1 });
  assert.is(ctx.spin, 1);
  let fired = 0;
  ctx.addTimer(1, () => { fired++; });
  world.sim.advance(10);
  assert.is(fired, 10);
  ctx.close();
});

sim.run();
