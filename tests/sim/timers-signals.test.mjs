// The simulated timerfd and signal loops: exact virtual times through sim_set_now, signal loop
// entries (fd, timer), and the realtime queue's overflow → SIGIO → RESCAN, after which a rescan
// finds every fd.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IN, KIND_FD, KIND_RESCAN, KIND_TIMER, ONESHOT, errno, makeSim } from './helpers.mjs';

test('timerfd: fires exactly at the virtual deadline; producerNow is the virtual clock', () => {
  const sim = makeSim();
  const ring = sim.makeRing(16);
  const loop = sim.loopNew(ring, -1, 1);
  sim.x.evw_loop_start(loop);
  assert.is(sim.x.evw_clock_ns(), 0);
  assert.is(sim.x.sim_next_timer(), -1);
  assert.is(sim.x.evw_loop_arm_timer(loop, 1_500_000), 0);
  assert.is(sim.x.sim_next_timer(), 1_500_000);
  sim.x.sim_set_now(1_499_999);
  assert.is(sim.x.sim_run(), 0, 'one ns early: nothing');
  sim.x.sim_set_now(1_500_000);
  assert.is(sim.x.sim_now(), 1_500_000);
  assert.is(sim.x.evw_clock_ns(), 1_500_000);
  assert.is(sim.x.sim_run(), 1);
  assert.equal(sim.drain(ring), [{ fd: 0, seq: 0, bits: 0, kind: KIND_TIMER }]);
  assert.is(sim.producerNow(ring), 1_500_000);
  assert.is(sim.x.sim_next_timer(), -1, 'one-shot');
  assert.is(sim.x.sim_run(), 0, 'consumed');
  sim.x.evw_loop_arm_timer(loop, 1_000_000);
  assert.is(sim.x.sim_run(), 1, 'a deadline already past fires at once');
  sim.drain(ring);
  sim.x.evw_loop_arm_timer(loop, 5_000_000);
  sim.x.evw_loop_arm_timer(loop, -1);
  assert.is(sim.x.sim_next_timer(), -1, 'disarmed');
  assert.is(sim.x.evw_loop_arm_timer(loop, NaN), -errno.EINVAL);
  sim.x.sim_set_now(1_000_000, 'the clock never goes back');
  assert.is(sim.x.sim_now(), 1_500_000);
  sim.x.evw_loop_free(loop);
});

test('signal loop: fd signals and the POSIX timer become ring entries', () => {
  const sim = makeSim();
  const ring = sim.makeRing(16);
  const bell = sim.doorbell();
  const signo = sim.x.evw_signal_choose(0);
  assert.is(signo, 34);
  assert.is(sim.x.evw_signal_choose(33), -errno.EINVAL);
  const loop = sim.loopNewSignal(ring, bell.w, signo);
  assert.ok(loop > 0, `loop ${loop}`);
  assert.is(sim.loopNewSignal(sim.makeRing(16), -1, signo), -errno.EEXIST, 'one per thread');
  const p = sim.pipe();
  const seq = sim.x.evw_fd_add(loop, p.r, IN);
  sim.write(p.w);
  assert.is(sim.x.sim_run(), 0, 'stopped: O_ASYNC off, nothing queued');
  assert.is(sim.x.evw_loop_start(loop), 0);
  assert.equal(sim.drain(ring), [{ fd: p.r, seq, bits: IN, kind: KIND_FD }], 'start reports what is ready');
  sim.readAll(p.r);
  sim.write(p.w);
  assert.is(sim.x.sim_run(), 1, 'one signal delivered');
  assert.equal(sim.drain(ring), [{ fd: p.r, seq: 0, bits: IN, kind: KIND_FD }], 'the handler writes seq 0');
  assert.is(sim.readAll(bell.r), 1);
  sim.x.evw_loop_arm_timer(loop, 2_000);
  sim.x.sim_set_now(2_000);
  assert.is(sim.x.sim_run(), 1);
  assert.equal(sim.drain(ring), [{ fd: 0, seq: 0, bits: 0, kind: KIND_TIMER }]);
  // rearm: a poll check of what is still readable
  sim.x.evw_loop_rearm(loop, sim.rearmList([[p.r, IN, seq]]), 1);
  assert.equal(sim.drain(ring), [{ fd: p.r, seq, bits: IN, kind: KIND_FD }]);
  assert.is(sim.x.evw_loop_stop(loop), 0);
  sim.write(p.w);
  assert.is(sim.x.sim_run(), 0, 'stopped again');
  assert.is(sim.x.evw_fd_del(loop, p.r), 0);
  assert.is(sim.x.evw_loop_free(loop), 0);
});

test('signal queue overflow: SIGIO → RESCAN, and the rescan reports every fd', () => {
  const sim = makeSim({ signalQueue: 4 });
  const ring = sim.makeRing(64);
  const loop = sim.loopNewSignal(ring, -1, sim.x.evw_signal_choose(0));
  sim.x.evw_loop_start(loop);
  const pipes = Array.from({ length: 10 }, () => sim.pipe());
  const seqs = pipes.map((p) => sim.x.evw_fd_add(loop, p.r, IN));
  for (const p of pipes) sim.write(p.w);
  sim.x.sim_run();
  const entries = sim.drain(ring);
  assert.is(entries.filter((e) => e.kind === KIND_RESCAN).length, 1, 'one SIGIO');
  assert.is(entries.filter((e) => e.kind === KIND_FD).length, 4, 'the queued ones');
  assert.ok(sim.x.evw_loop_rescan(loop) >= 10);
  const rescanned = sim.drain(ring).filter((e) => e.kind === KIND_FD);
  assert.equal(rescanned.map((e) => e.fd).sort((a, b) => a - b), pipes.map((p) => p.r).sort((a, b) => a - b));
  assert.equal(rescanned.map((e) => e.seq).sort((a, b) => a - b), [...seqs].sort((a, b) => a - b));
  assert.is(sim.x.sim_run(), 0, 'nothing left queued');
  sim.x.evw_loop_free(loop);
});

test('signal loop: a full ring sets rescanRequested instead of losing the event', () => {
  const sim = makeSim();
  const ring = sim.makeRing(16);
  const loop = sim.loopNewSignal(ring, -1, 40);
  sim.x.evw_loop_start(loop);
  const pipes = Array.from({ length: 20 }, () => sim.pipe());
  for (const p of pipes) sim.x.evw_fd_add(loop, p.r, IN);
  for (const p of pipes) sim.write(p.w);
  sim.x.sim_run();
  assert.is(sim.drain(ring).length, 16);
  assert.is(sim.field(ring, 'rescanRequested'), 1);
  sim.setField(ring, 'rescanRequested', 0);
  const seen = new Set();
  for (let i = 0; i < 4 && seen.size < 20; i++) {
    sim.x.evw_loop_rescan(loop);
    for (const e of sim.drain(ring)) if (e.kind === KIND_FD) seen.add(e.fd);
  }
  assert.is(seen.size, 20, 'round robin: every fd in time');
  sim.x.evw_loop_free(loop);
});

test('threaded loop, ring full: producerWaiting, then woken by evw_loop_wake', () => {
  const sim = makeSim();
  const ring = sim.makeRing(16);
  const loop = sim.loopNew(ring, -1, 1);
  sim.x.evw_loop_start(loop);
  const pipes = Array.from({ length: 20 }, () => sim.pipe());
  for (const p of pipes) sim.x.evw_fd_add(loop, p.r, IN | ONESHOT);
  for (const p of pipes) sim.write(p.w);
  assert.is(sim.x.sim_run(), 16);
  assert.is(sim.x.sim_run(), 0);
  assert.is(sim.field(ring, 'producerWaiting'), 1);
  assert.is(sim.drain(ring).length, 16);
  sim.setField(ring, 'producerWaiting', 0);
  assert.is(sim.x.evw_loop_wake(loop), 0);
  assert.is(sim.x.sim_run(), 4);
  assert.is(sim.drain(ring).length, 4);
  sim.x.evw_loop_free(loop);
});

test.run();
