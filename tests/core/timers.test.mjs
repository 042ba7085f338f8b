// Timer semantics on top of the wheel: first expiry, phase, overrun coalescing, one-shot, arming.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, drainNew, FLAG, E } from './harness.mjs';

const test = suite('timers');

test('a timer added with interval I at now N first fires at N + I, not a nanosecond earlier', () => {
  const { core, x, loop, global } = setup();
  const slot = x.timerAdd(global, 1000, 5000, 0);
  assert.is(x.loopNextDeadline(loop), 6000);
  assert.equal(drainNew(core, loop, 5999), []);
  assert.equal(drainNew(core, loop, 6000), [{ slot, gen: x.handlerGen(slot), value: 1 }]);
});

test('a periodic timer keeps its phase when drained late', () => {
  const { core, x, loop, global } = setup();
  x.timerAdd(global, 1000, 0, 0);
  assert.is(drainNew(core, loop, 1300)[0].value, 1);
  assert.is(x.loopNextDeadline(loop), 2000, 'next = previous deadline + interval, not now + interval');
});

test('overrun expirations are coalesced into one delivery carrying their count', () => {
  const { core, x, loop, global } = setup();
  x.timerAdd(global, 1000, 0, 0);
  // Deadlines 1000..4000 passed by 4500: four expirations.
  assert.is(drainNew(core, loop, 4500)[0].value, 4);
  assert.is(x.loopNextDeadline(loop), 5000);
  assert.is(drainNew(core, loop, 5000)[0].value, 1);
});

test('a one-shot timer fires once and leaves the wheel', () => {
  const { core, x, loop, global } = setup();
  x.timerAdd(global, 1000, 0, FLAG.ONCE);
  assert.is(drainNew(core, loop, 10_000)[0].value, 1);
  assert.is(x.loopNextDeadline(loop), -1);
  assert.equal(drainNew(core, loop, 100_000), []);
});

test('a deadline behind the wheel is clamped to the wheel time and fires on the next drain', () => {
  const { core, x, loop, global } = setup();
  drainNew(core, loop, 1_000_000);
  const slot = x.timerAdd(global, 10, 0, 0); // a stale "now" from the caller
  assert.is(x.loopNextDeadline(loop), 1_000_000);
  assert.equal(drainNew(core, loop, 1_000_000).map((e) => e.slot), [slot]);
});

test('the producer time counts as now when it is later than the caller time', () => {
  const { core, x, loop, global, producer } = setup();
  x.timerAdd(global, 1000, 0, 0);
  producer.timer(1500);
  assert.is(drainNew(core, loop, 10).length, 1);
});

test('timers of one deadline fire in one drain, in the order they were added', () => {
  const { core, x, loop, global } = setup();
  const slots = [0, 1, 2, 3].map(() => x.timerAdd(global, 70_000, 0, 0));
  assert.equal(drainNew(core, loop, 70_000).map((e) => e.slot), slots);
});

test('far deadlines (top wheel levels) stay exact and fire exactly on time', () => {
  const { core, x, loop, global } = setup();
  // Powers of two and their sums are exact in f64 even beyond 2^53.
  const intervals = [2 ** 62 + 2 ** 40, 2 ** 50, 2 ** 62, 2 ** 56 + 2 ** 30];
  const slots = intervals.map((i) => x.timerAdd(global, i, 0, 1));
  for (const [interval, slot] of intervals.map((i, k) => [i, slots[k]]).sort((a, b) => a[0] - b[0])) {
    assert.is(x.loopNextDeadline(loop), interval);
    assert.equal(drainNew(core, loop, interval - 2 ** 20), [], 'not early');
    assert.equal(drainNew(core, loop, interval).map((e) => e.slot), [slot]);
  }
  assert.is(x.loopNextDeadline(loop), -1);
});

test('invalid intervals are refused', () => {
  const { x, global } = setup();
  assert.is(x.timerAdd(global, 0, 0, 0), E.INVALID);
  assert.is(x.timerAdd(global, NaN, 0, 0), E.INVALID);
  assert.is(x.timerAdd(global, 100, -1, 0), E.INVALID);
  assert.is(x.ctxStat(global, 4), 0, 'nothing was added');
});

test('a cancelled earliest timer leaves a lower bound; waking there fires nothing, then the bound is exact', () => {
  const { core, x, loop, global } = setup();
  const early = x.timerAdd(global, 100_000, 0, 0);
  x.timerAdd(global, 100_500, 0, 0); // same level-1 bucket
  x.handlerRemove(early);
  const wake = x.loopNextDeadline(loop);
  assert.ok(wake <= 100_500 && wake >= 100_000);
  assert.equal(drainNew(core, loop, wake), []);
  assert.is(x.loopNextDeadline(loop), 100_500);
});

test('loopTimerToArm arms the earliest deadline, re-arms only for earlier ones, and again after the expiry', () => {
  const { core, x, loop, global, producer } = setup();
  assert.is(x.loopTimerToArm(loop), -1, 'no timers: nothing to arm');
  x.timerAdd(global, 5000, 0, 0);
  assert.is(x.loopTimerToArm(loop), 5000);
  assert.is(x.loopTimerToArm(loop), -1, 'already armed at that deadline');
  x.timerAdd(global, 9000, 0, 0);
  assert.is(x.loopTimerToArm(loop), -1, 'later timer: the armed one wakes first anyway');
  x.timerAdd(global, 2000, 0, 0);
  assert.is(x.loopTimerToArm(loop), 2000, 'earlier timer: re-arm');
  producer.timer(2000);
  drainNew(core, loop, 2000);
  assert.is(x.loopTimerToArm(loop), 4000, 'the armed expiry was consumed: arm the next one');
});

test('timerInterval gives a live timer\'s period in ns, and -1 for a freed slot or an fd handler', () => {
  const { x, global } = setup();
  const slot = x.timerAdd(global, 333_333, 0, 0);
  assert.is(x.timerInterval(slot), 333_333);
  x.handlerRemove(slot);
  assert.is(x.timerInterval(slot), -1);
  const fdSlot = x.fdAdd(global, 7, 1, 0);
  assert.is(x.timerInterval(fdSlot), -1);
});

test.run();
