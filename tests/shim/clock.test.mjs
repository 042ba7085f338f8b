import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shim } from './helpers.mjs';

test('evw_clock_ns counts from the load of the library', () => {
  const now = shim.clockNs();
  assert.ok(now > 0);
  assert.ok(now < 10 * 60 * 1e9, 'the epoch is the load time, not boot time');
});

test('evw_clock_ns is an integer that never goes back', () => {
  let previous = shim.clockNs();
  for (let i = 0; i < 1000; i++) {
    const now = shim.clockNs();
    assert.ok(Number.isInteger(now));
    assert.ok(now >= previous);
    previous = now;
  }
});

test('evw_clock_ns advances with real time', async () => {
  const before = shim.clockNs();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(shim.clockNs() - before >= 15e6);
});

test.run();
