// Signals that interrupt the shim: a re-arm pass does not block the signal (shim/sigdefer.c), so
// the handler can run at any of its system calls and must leave its event to the pass, which
// replays it on the way out; a signal that comes at any of them must not be lost. The sim puts a
// write from "another thread" at the return of each system call of the pass in turn
// (sim_inject_write), and the test then consumes as the core would, until nothing moves: every fd
// written must be reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IN, KIND_FD, KIND_RESCAN, KIND_TIMER, ONESHOT, makeSim } from './helpers.mjs';

const ONESHOT_IN = (IN | ONESHOT) >>> 0;

/** A started signal loop with `count` one-shot pipes, all reported once, drained and armed again. */
function setup({ count = 2, ringSize = 64, signalQueue = 0 } = {}) {
  const sim = makeSim({ signalQueue });
  const ring = sim.makeRing(ringSize);
  const loop = sim.loopNewSignal(ring, sim.doorbell().w, sim.x.evw_signal_choose(0));
  assert.is(sim.x.evw_loop_start(loop), 0);
  const pipes = Array.from({ length: count }, () => sim.pipe());
  const seqs = new Map(pipes.map((p) => [p.r, sim.x.evw_fd_add(loop, p.r, ONESHOT_IN)]));
  const rearm = (fds) => sim.x.evw_loop_rearm(loop, sim.rearmList(fds.map((fd) => [fd, ONESHOT_IN, seqs.get(fd)])), fds.length);
  for (const p of pipes) { // one at a time: the realtime queue may be short
    sim.write(p.w);
    sim.x.sim_run();
  }
  assert.is(sim.drain(ring).length, count, 'every pipe reported (and disarmed)');
  for (const p of pipes) sim.readAll(p.r);
  assert.is(rearm(pipes.map((p) => p.r)), 0, 'all idle, ring empty: all armed');
  return {
    sim, ring, loop, pipes, rearm,
    /**
     * Consumes as the core does until quiet: drain, rescan when asked, "dispatch" what was reported
     * (the callback reads the fd), re-arm it. The fds seen.
     */
    settle(kinds = new Set()) {
      const seen = new Set();
      let watching = 0;
      for (let round = 0; round < 50; round++) {
        sim.x.sim_run();
        const entries = sim.drain(ring);
        for (const e of entries) kinds.add(e.kind);
        if (sim.field(ring, 'rescanRequested') || entries.some((e) => e.kind === KIND_RESCAN)) {
          sim.setField(ring, 'rescanRequested', 0);
          assert.ok(sim.x.evw_loop_rescan(loop) >= 0);
          continue;
        }
        const reported = [...new Set(entries.filter((e) => e.kind === KIND_FD).map((e) => e.fd))];
        for (const fd of reported) {
          seen.add(fd);
          sim.readAll(fd);
        }
        if (reported.length === 0 && !watching && entries.length === 0) return seen;
        watching = rearm(reported);
      }
      assert.unreachable('never settled');
    },
  };
}

/**
 * Runs `scenario` once per system call of the pass it makes: the injected write lands on the
 * return of call 0, 1, 2, ... until a pass ends before it (the injection is then still pending).
 * Returns how many points were tried.
 */
function everyPoint(scenario) {
  for (let k = 0; ; k++) {
    if (!scenario(k)) return k;
    assert.ok(k < 100, 'the pass makes a bounded number of calls');
  }
}

/**
 * Reports the pipes (one write each) and drains them: their next re-arm pass arms them again. The
 * first finds the ring empty: the handler leaves it armed, marked reported; the others find
 * entries in the ring: disarmed at once (shim/sigarm.c, sigarm_reported).
 */
function reportAndDrain({ sim, ring }, ...pipes) {
  for (const p of pipes) {
    sim.write(p.w);
    sim.x.sim_run();
  }
  assert.is(sim.drain(ring).length, pipes.length);
  for (const p of pipes) sim.readAll(p.r);
}

/** The pass ran past the injection point: the write happened inside it. */
function injectedDuringPass(sim) {
  return sim.x.sim_injections_pending() === 0;
}

test('an fd reported with O_ASYNC left on, written at any point of its pass, is reported', () => {
  const points = everyPoint((k) => {
    const t = setup({ count: 1 });
    const [a] = t.pipes;
    reportAndDrain(t, a);
    t.sim.x.sim_inject_write(a.w, k);
    t.rearm([a.r]);
    if (!injectedDuringPass(t.sim)) return false;
    assert.ok(t.settle().has(a.r), `written on the return of call ${k}`);
    return true;
  });
  assert.is(points, 1, 'one poll, no fcntl, no second poll');
});

test('an fd written at any point of the pass that arms it is reported', () => {
  const points = everyPoint((k) => {
    const t = setup({ count: 2 });
    const [b, a] = t.pipes;
    reportAndDrain(t, b, a); // a is disarmed
    t.sim.x.sim_inject_write(a.w, k);
    t.rearm([a.r]);
    if (!injectedDuringPass(t.sim)) return false;
    assert.ok(t.settle().has(a.r), `written on the return of call ${k}`);
    return true;
  });
  assert.is(points, 4, 'poll, arm (F_GETFL, F_SETFL), poll again');
});

for (const [how, order] of [['disarmed', (a, b) => [a, b]], ['left armed', (a, b) => [b, a]]]) {
  test(`an fd (${how} when reported) written at any point of the pass that watches it is reported`, () => {
    everyPoint((k) => {
      const t = setup({ count: 2 });
      const [a, b] = t.pipes;
      reportAndDrain(t, ...order(a, b));
      t.sim.write(a.w); // a is ready again at its pass: reported, and so b (idle) is watched
      t.sim.x.sim_inject_write(b.w, k);
      t.rearm([a.r, b.r]);
      if (!injectedDuringPass(t.sim)) return false;
      assert.ok(t.settle().has(b.r), `written on the return of call ${k}`);
      return true;
    });
  });
}

test('an armed fd written at any point of a pass over others is reported (its signal is deferred)', () => {
  const points = everyPoint((k) => {
    const t = setup({ count: 3 });
    const [a, b, c] = t.pipes;
    reportAndDrain(t, a, b);
    t.sim.x.sim_inject_write(c.w, k); // c stays armed throughout: its signal comes mid-pass
    t.rearm([a.r, b.r]);
    if (!injectedDuringPass(t.sim)) return false;
    assert.ok(t.settle().has(c.r), `written on the return of call ${k}`);
    return true;
  });
  assert.ok(points >= 4, `${points} points`);
});

test('hundreds of signals during a pass: the first is deferred, the others wait blocked, none is lost', () => {
  const t = setup({ count: 200, ringSize: 1024, signalQueue: 1024 });
  const [a, ...armed] = t.pipes;
  reportAndDrain(t, a);
  for (const p of [...armed, ...armed]) t.sim.x.sim_inject_write(p.w, 0); // on the return of the pass's first poll
  t.rearm([a.r]);
  assert.ok(injectedDuringPass(t.sim));
  const first = t.sim.drain(t.ring);
  assert.is(first.length, 1, 'the pass replays the one signal that interrupted it');
  const kinds = new Set();
  const seen = t.settle(kinds);
  seen.add(first[0].fd);
  assert.not.ok(kinds.has(KIND_RESCAN), 'no rescan: the others waited in the queue');
  assert.equal(armed.filter((p) => !seen.has(p.r)), [], 'every written fd reported');
});

test('a realtime queue overflow (SIGIO) during a pass: a rescan finds every fd', () => {
  const t = setup({ count: 4, ringSize: 64, signalQueue: 1 });
  const [a, ...armed] = t.pipes;
  reportAndDrain(t, a);
  for (const p of armed) t.sim.x.sim_inject_write(p.w, 0);
  t.rearm([a.r]);
  assert.ok(injectedDuringPass(t.sim));
  const kinds = new Set();
  const seen = t.settle(kinds);
  assert.ok(kinds.has(KIND_RESCAN));
  assert.equal(armed.filter((p) => !seen.has(p.r)), []);
});

test('the timer signal at any point of a pass becomes a TIMER entry', () => {
  const points = everyPoint((k) => {
    const t = setup({ count: 1 });
    const [a] = t.pipes;
    const other = t.sim.pipe(); // not registered: its write only makes the sim deliver signals
    reportAndDrain(t, a);
    t.sim.x.evw_loop_arm_timer(t.loop, 1000);
    t.sim.x.sim_set_now(1000); // the timer's signal is pending from now on
    t.sim.x.sim_inject_write(other.w, k);
    t.rearm([a.r]);
    if (!injectedDuringPass(t.sim)) return false;
    t.sim.x.sim_run(); // whatever is still pending (nothing: the signal came during the pass)
    assert.equal(t.sim.drain(t.ring).filter((e) => e.kind === KIND_TIMER).length, 1, `delivered on the return of call ${k}`);
    return true;
  });
  assert.ok(points >= 1, `${points} points`);
});

test.run();
