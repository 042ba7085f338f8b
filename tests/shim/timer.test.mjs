// The threaded loop's timerfd: absolute deadlines on the shim's clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KIND_TIMER, makeRing, newLoop, shim, sleep, waitFor } from './helpers.mjs';

const TIMER_ENTRY = { fd: 0, seq: 0, bits: 0, kind: KIND_TIMER };

function setup() {
  const ring = makeRing(16);
  const loop = newLoop(ring, { threaded: true });
  shim.start(loop);
  return { ring, loop, done: () => shim.loopFree(loop) };
}

test('a timer armed 0.2 ms ahead produces one TIMER entry', async () => {
  const { ring, loop, done } = setup();
  let fired = false;
  for (let attempt = 0; attempt < 3 && !fired; attempt++) {
    assert.is(shim.armTimer(loop, shim.clockNs() + 200e3), 0);
    fired = await waitFor(() => ring.pending() >= 1, 1000);
  }
  assert.ok(fired);
  assert.equal(ring.take(), [TIMER_ENTRY]);
  await sleep(20);
  assert.is(ring.pending(), 0, 'a one-shot deadline fires once');
  done();
});

test('the TIMER entry does not come before the deadline', async () => {
  const { ring, loop, done } = setup();
  const deadline = shim.clockNs() + 20e6;
  shim.armTimer(loop, deadline);
  assert.ok(await waitFor(() => ring.pending() >= 1));
  assert.ok(ring.producerNow() >= deadline);
  done();
});

test('a deadline in the past (even 0) fires at once', async () => {
  const { ring, loop, done } = setup();
  assert.is(shim.armTimer(loop, 0), 0);
  assert.ok(await waitFor(() => ring.pending() >= 1));
  assert.equal(ring.take(), [TIMER_ENTRY]);
  done();
});

test('a negative deadline disarms the timer', async () => {
  const { ring, loop, done } = setup();
  shim.armTimer(loop, shim.clockNs() + 20e6);
  assert.is(shim.armTimer(loop, -1), 0);
  await sleep(60);
  assert.is(ring.pending(), 0);
  done();
});

test('re-arming replaces the previous deadline', async () => {
  const { ring, loop, done } = setup();
  shim.armTimer(loop, shim.clockNs() + 10e9);
  shim.armTimer(loop, shim.clockNs() + 1e6);
  assert.ok(await waitFor(() => ring.pending() >= 1, 2000));
  done();
});

test('a NaN deadline is refused', () => {
  const { loop, done } = setup();
  assert.is(shim.armTimer(loop, NaN), -22);
  done();
});

test.run();
