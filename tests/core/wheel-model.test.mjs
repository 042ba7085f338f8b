// The timer wheel against a plain reference model (a list of deadlines), over seeded random
// add / cancel / advance sequences: every expiration time and count, and nextDeadline.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, drainNew, mulberry32, FLAG } from './harness.mjs';

const test = suite('wheel vs reference model');

const HOUR = 3_600_000_000_000;

const idOf = (slot, gen) => `${slot}:${gen}`;
const withId = (entry) => ({ id: idOf(entry.slot, entry.gen), value: entry.value });

/** Log-uniform integer in [lo, hi]: covers every wheel level about equally. */
function logUniform(rand, lo, hi) {
  return Math.floor(lo * Math.pow(hi / lo, rand()));
}

/** Reference model: live timers by id (`slot:gen`, one registration); `advance` returns the expected deliveries. */
class Model {
  constructor() { this.timers = new Map(); this.now = 0; }
  add(id, slot, interval, once) { this.timers.set(id, { id, slot, deadline: this.now + interval, interval, once }); }
  cancel(id) { this.timers.delete(id); }
  earliest() {
    let min = -1;
    for (const t of this.timers.values()) if (min < 0 || t.deadline < min) min = t.deadline;
    return min;
  }
  advance(now) {
    this.now = now;
    const fired = [];
    for (const t of this.timers.values()) {
      if (t.deadline > now) continue;
      const count = t.once ? 1 : 1 + Math.floor((now - t.deadline) / t.interval);
      // The delivered value is an i32: a count beyond it saturates (10 ns periods over hours).
      fired.push({ id: t.id, value: Math.min(count, 2 ** 31 - 1), deadline: t.deadline });
      t.deadline += count * t.interval;
    }
    return fired;
  }
}

function randomRun(seed, { ops, cancels }) {
  const rand = mulberry32(seed);
  const { core, x, loop, global, producer } = setup();
  const model = new Model();
  // Plays TS's arming protocol against a simulated timerfd: loopTimerToArm after every drain, and
  // after an add only when the add result says mayArm.
  const addResult = new Int32Array(core.memory.buffer, x.addResultAddress(), 2);
  let armed = -1;
  const arm = () => {
    const deadline = x.loopTimerToArm(loop);
    if (deadline >= 0) armed = deadline;
    return deadline;
  };
  for (let op = 0; op < ops; op++) {
    const r = rand();
    if (r < 0.4) {
      const interval = logUniform(rand, 10, 3 * HOUR);
      const once = rand() < 0.2;
      const slot = x.timerAdd(global, interval, model.now, once ? FLAG.ONCE : 0);
      assert.ok(slot >= 0, 'timerAdd');
      model.add(idOf(slot, x.handlerGen(slot)), slot, interval, once);
      const mayArm = addResult[1];
      if (mayArm) arm();
      else assert.is(x.loopTimerToArm(loop), -1, `mayArm = 0 but there was a deadline to arm (op ${op})`);
    } else if (r < 0.55 && cancels && model.timers.size > 0) {
      const ids = [...model.timers.keys()];
      const t = model.timers.get(ids[Math.floor(rand() * ids.length)]);
      x.handlerRemove(t.slot);
      model.cancel(t.id);
    } else {
      // Advance by anything from nothing to hours; sometimes exactly to the next deadline.
      const next = model.earliest();
      const to = rand() < 0.3 && next >= 0 ? next : model.now + (rand() < 0.05 ? 0 : logUniform(rand, 1, HOUR));
      const expected = model.advance(to);
      if (armed >= 0 && to >= armed) {
        producer.timer(to); // the timerfd fired
        armed = -1;
      }
      const got = drainNew(core, loop, to).map(withId);
      x.dispatchReset();
      // Deadline order (ties in any order), the same set of ids and counts.
      const deadlineOf = new Map(expected.map((e) => [e.id, e.deadline]));
      for (let i = 1; i < got.length; i++) {
        assert.ok(deadlineOf.get(got[i - 1].id) <= deadlineOf.get(got[i].id), 'fired in deadline order');
      }
      const key = (e) => `${e.id}:${e.value}`;
      assert.equal(got.map(key).sort(), expected.map(key).sort(), `expirations at ${to} (op ${op})`);
      // TS removes one-shot timers after delivery.
      for (const e of expected) {
        const t = model.timers.get(e.id);
        if (t.once) { x.handlerRemove(t.slot); model.cancel(e.id); }
      }
      arm();
    }
    const due = model.earliest();
    if (due >= 0) assert.ok(armed >= 0 && armed <= due, `the timerfd wakes by the earliest deadline (op ${op}): ${armed} vs ${due}`);
    const next = x.loopNextDeadline(loop);
    const earliest = model.earliest();
    if (!cancels) assert.is(next, earliest, `nextDeadline exact (op ${op})`);
    else if (earliest < 0) assert.ok(next === -1 || next > model.now, 'no timers: none, or a stale lower bound');
    else assert.ok(next <= earliest && next >= model.now, `nextDeadline a lower bound (op ${op}): ${next} vs ${earliest}`);
  }
  return model;
}

for (const seed of [1, 2, 3]) {
  test(`without cancels, nextDeadline is exact and every expiration matches (seed ${seed})`, () => {
    randomRun(seed, { ops: 3000, cancels: false });
  });
}

for (const seed of [11, 12, 13]) {
  test(`with cancels, expirations match and nextDeadline never passes the earliest (seed ${seed})`, () => {
    randomRun(seed, { ops: 3000, cancels: true });
  });
}

test('sleeping exactly until nextDeadline fires every timer at its own deadline, never early', () => {
  const rand = mulberry32(99);
  const { core, x, loop, global } = setup();
  const model = new Model();
  for (let round = 0; round < 2000; round++) {
    if (rand() < 0.5) {
      const interval = logUniform(rand, 10, HOUR);
      const slot = x.timerAdd(global, interval, model.now, 0);
      model.add(idOf(slot, x.handlerGen(slot)), slot, interval, false);
    }
    if (rand() < 0.2 && model.timers.size > 0) {
      const ids = [...model.timers.keys()];
      const t = model.timers.get(ids[Math.floor(rand() * ids.length)]);
      x.handlerRemove(t.slot);
      model.cancel(t.id);
    }
    const wake = x.loopNextDeadline(loop);
    if (wake < 0) continue;
    const expected = model.advance(wake);
    const got = drainNew(core, loop, wake).map(withId);
    x.dispatchReset();
    for (const e of expected) assert.is(e.deadline, wake, 'the model agrees nothing was overslept');
    assert.equal(got.map((e) => `${e.id}:${e.value}`).sort(), expected.map((e) => `${e.id}:1`).sort());
  }
});

test.run();
