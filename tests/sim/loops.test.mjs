// The simulated shim's epoll loops: pipe readiness through a poll loop and through a threaded
// loop stepped by sim_run, one-shot + rearm, edge-triggered, the doorbell only when bellArmed,
// pipe semantics (capacity, EOF, EPIPE), and the registry's errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ERR, ET, HUP, IN, KIND_FD, OUT, ONESHOT, errno, makeSim } from './helpers.mjs';

test('poll loop: a written pipe is reported with its seq, and again while unread (level)', () => {
  const sim = makeSim();
  const ring = sim.makeRing(16);
  const loop = sim.loopNew(ring);
  assert.ok(loop > 0, `loop ${loop}`);
  const p = sim.pipe();
  const seq = sim.x.evw_fd_add(loop, p.r, IN);
  assert.ok(seq > 0);
  assert.is(sim.x.evw_loop_poll(loop), 0, 'nothing ready yet');
  assert.is(sim.write(p.w, 3), 3);
  assert.is(sim.x.evw_loop_poll(loop), 1);
  assert.equal(sim.drain(ring), [{ fd: p.r, seq, bits: IN, kind: KIND_FD }]);
  assert.is(sim.x.evw_loop_poll(loop), 1, 'level-triggered: still readable');
  sim.drain(ring);
  assert.is(sim.readAll(p.r), 3);
  assert.is(sim.x.evw_loop_poll(loop), 0);
  assert.is(sim.field(ring, 'bellArmed'), 1, 'poll never rings');
  assert.is(sim.x.evw_loop_free(loop), 0);
});

test('threaded loop: sim_run steps the progress thread; one-shot until rearmed', () => {
  const sim = makeSim();
  const ring = sim.makeRing(16);
  const bell = sim.doorbell();
  const loop = sim.loopNew(ring, bell.w, 1);
  const p = sim.pipe();
  const seq = sim.x.evw_fd_add(loop, p.r, IN | ONESHOT);
  assert.is(sim.x.evw_loop_poll(loop), 0, 'allowed while the thread is stopped');
  assert.is(sim.x.evw_loop_start(loop), 0);
  assert.is(sim.x.evw_loop_poll(loop), -errno.EBUSY);
  assert.is(sim.x.sim_run(), 0, 'quiet');
  sim.write(p.w, 1);
  assert.is(sim.x.sim_run(), 1);
  assert.equal(sim.drain(ring), [{ fd: p.r, seq, bits: IN, kind: KIND_FD }]);
  assert.is(sim.readAll(bell.r), 1, 'one doorbell byte');
  sim.write(p.w, 1);
  assert.is(sim.x.sim_run(), 0, 'one-shot: disarmed after the report');
  assert.is(sim.x.evw_loop_rearm(loop, sim.rearmList([[p.r, IN | ONESHOT, seq]]), 1), 0);
  assert.is(sim.x.sim_run(), 1, 'still readable: reported after the rearm');
  assert.equal(sim.drain(ring), [{ fd: p.r, seq, bits: IN, kind: KIND_FD }]);
  assert.is(sim.x.evw_loop_rearm(loop, sim.rearmList([[p.r, IN | ONESHOT, seq + 1]]), 1), 0, 'stale seq skipped');
  assert.is(sim.x.sim_run(), 0);
  assert.is(sim.x.evw_loop_stop(loop), 0);
  assert.is(sim.x.evw_loop_free(loop), 0);
  assert.is(sim.x.evw_loop_free(loop), -errno.ENOENT);
});

test('a modify between a handed-over re-arm and the thread applying it wins, deterministically', () => {
  // The real-kernel test races the thread; here the thread runs only in sim_run, so the modify
  // surely lands while the batch (more than REARM_INLINE_MAX entries) is still pending.
  const sim = makeSim();
  const ring = sim.makeRing(64);
  const loop = sim.loopNew(ring, -1, 1);
  const pipes = Array.from({ length: 12 }, () => sim.pipe());
  const seqs = pipes.map((p) => sim.x.evw_fd_add(loop, p.r, IN | ONESHOT));
  assert.is(sim.x.evw_loop_start(loop), 0);
  for (const p of pipes) sim.write(p.w, 1);
  assert.is(sim.x.sim_run(), 12);
  sim.drain(ring);
  sim.readAll(pipes[0].r); // not readable: re-arming it would report nothing by itself
  const list = sim.rearmList(pipes.map((p, i) => [p.r, IN | ONESHOT, seqs[i]]));
  assert.is(sim.x.evw_loop_rearm(loop, list, pipes.length), 0);
  assert.is(sim.x.evw_fd_mod(loop, pipes[0].r, OUT | ONESHOT, seqs[0]), 0); // a read end never is writable
  sim.write(pipes[0].w, 1);
  assert.is(sim.x.sim_run(), 11, 'the other eleven were re-armed and are still readable');
  assert.equal(sim.drain(ring).filter((e) => e.fd === pipes[0].r), [], 'readable again, but its interest is OUT now');
  assert.is(sim.x.evw_loop_free(loop), 0);
});

test('doorbell: written only when bellArmed, once per idle period', () => {
  const sim = makeSim();
  const ring = sim.makeRing(16);
  const bell = sim.doorbell();
  const loop = sim.loopNew(ring, bell.w, 1);
  const a = sim.pipe(), b = sim.pipe();
  const sa = sim.x.evw_fd_add(loop, a.r, IN | ONESHOT);
  const sb = sim.x.evw_fd_add(loop, b.r, IN | ONESHOT);
  sim.x.evw_loop_start(loop);
  sim.setField(ring, 'bellArmed', 0);
  sim.write(a.w);
  assert.is(sim.x.sim_run(), 1);
  assert.is(sim.readAll(bell.r), 0, 'consumer busy: no byte');
  assert.is(sim.field(ring, 'bellArmed'), 0);
  sim.drain(ring);
  sim.setField(ring, 'bellArmed', 1);
  sim.write(b.w);
  sim.x.evw_loop_rearm(loop, sim.rearmList([[a.r, IN | ONESHOT, sa]]), 1);
  assert.is(sim.x.sim_run(), 2);
  assert.is(sim.readAll(bell.r), 1, 'armed: exactly one byte for the batch');
  assert.is(sim.field(ring, 'bellArmed'), 0, 'taken by the producer');
  assert.equal(sim.drain(ring).map((e) => e.seq).sort(), [sa, sb].sort());
  sim.x.evw_loop_free(loop);
});

test('edge-triggered: one report per write, none while unchanged', () => {
  const sim = makeSim();
  const ring = sim.makeRing(16);
  const loop = sim.loopNew(ring, -1, 1);
  const p = sim.pipe();
  const seq = sim.x.evw_fd_add(loop, p.r, IN | ET);
  sim.x.evw_loop_start(loop);
  sim.write(p.w);
  assert.is(sim.x.sim_run(), 1);
  assert.equal(sim.drain(ring).map((e) => e.seq), [seq]);
  assert.is(sim.x.sim_run(), 0, 'no change, no report');
  sim.write(p.w);
  assert.is(sim.x.sim_run(), 1, 'a new write wakes it again');
  assert.equal(sim.drain(ring).map((e) => e.seq), [seq]);
  sim.x.evw_loop_free(loop);
});

test('gate: after fd events the thread fetches nothing until the batch is done', () => {
  const sim = makeSim();
  const ring = sim.makeRing(16);
  const loop = sim.loopNew(ring, -1, 1);
  const p = sim.pipe();
  const seq = sim.x.evw_fd_add(loop, p.r, IN); // level-triggered, as a thread loop's REARM handlers are
  sim.x.evw_loop_start(loop);
  sim.write(p.w);
  assert.is(sim.x.sim_run(), 1);
  assert.equal(sim.drain(ring, { done: false }).map((e) => e.seq), [seq]);
  assert.is(sim.x.sim_run(), 0, 'consumed, not done: still readable, yet not fetched');
  assert.is(sim.field(ring, 'producerWaiting'), 1, 'the thread waits for the batch');
  sim.drain(ring); // done
  assert.is(sim.x.sim_run(), 1, 'still readable: reported again');
  sim.readAll(p.r);
  sim.drain(ring);
  assert.is(sim.x.sim_run(), 0, 'drained: nothing');
  sim.x.evw_loop_free(loop);
});

test('pipes: 64 KiB capacity, OUT readiness, EOF and HUP, EPIPE and ERR', () => {
  const sim = makeSim();
  const ring = sim.makeRing(16);
  const loop = sim.loopNew(ring);
  const p = sim.pipe();
  const sw = sim.x.evw_fd_add(loop, p.w, OUT);
  assert.is(sim.x.evw_loop_poll(loop), 1);
  assert.equal(sim.drain(ring), [{ fd: p.w, seq: sw, bits: OUT, kind: KIND_FD }]);
  assert.is(sim.write(p.w, 65536), 65536);
  assert.is(sim.write(p.w, 1), -errno.EAGAIN, 'full');
  assert.is(sim.x.evw_loop_poll(loop), 0, 'full: not writable');
  const sr = sim.x.evw_fd_add(loop, p.r, IN);
  assert.is(sim.x.evw_loop_poll(loop), 1);
  assert.equal(sim.drain(ring), [{ fd: p.r, seq: sr, bits: IN, kind: KIND_FD }]);
  assert.is(sim.x.evw_fd_del(loop, p.w), 0);
  assert.is(sim.x.sim_close(p.w), 0);
  assert.is(sim.x.evw_loop_poll(loop), 1);
  assert.equal(sim.drain(ring), [{ fd: p.r, seq: sr, bits: IN | HUP, kind: KIND_FD }]);
  assert.is(sim.readAll(p.r), 65536);
  assert.is(sim.x.sim_read(p.r, 0, 1), 0, 'EOF');
  assert.is(sim.x.evw_loop_poll(loop), 1);
  assert.equal(sim.drain(ring), [{ fd: p.r, seq: sr, bits: HUP, kind: KIND_FD }], 'HUP even with interest IN only');

  const q = sim.pipe();
  const sq = sim.x.evw_fd_add(loop, q.w, OUT);
  sim.x.sim_close(q.r);
  assert.is(sim.write(q.w), -errno.EPIPE);
  sim.x.evw_loop_poll(loop);
  assert.equal(sim.drain(ring).filter((e) => e.fd === q.w), [{ fd: q.w, seq: sq, bits: OUT | ERR, kind: KIND_FD }],
    'as Linux: writable while a buffer is free, ERR on top once the reader is gone');
  sim.x.evw_loop_free(loop);
});

test('pipes count pages as Linux does: a write of up to 4096 bytes is never split', () => {
  const sim = makeSim();
  const a = sim.pipe();
  assert.is(sim.write(a.w, 65526), 65526, 'fifteen pages and most of a sixteenth');
  assert.is(sim.write(a.w, 100), -errno.EAGAIN, 'does not fit the last page whole, and no page is free');
  assert.is(sim.write(a.w, 10), 10, 'fits the last page whole');
  const b = sim.pipe();
  assert.is(sim.write(b.w, 1), 1);
  assert.is(sim.write(b.w, 65536), 61440, 'whole pages only: the fifteen left after the first');
});

test('registry: EEXIST across loops, EBADF, ENOENT; internal fds refused; owner tid 1', () => {
  const sim = makeSim();
  const r1 = sim.makeRing(16), r2 = sim.makeRing(16);
  const a = sim.loopNew(r1, -1, 1), b = sim.loopNew(r2);
  const p = sim.pipe();
  const seq = sim.x.evw_fd_add(a, p.r, IN);
  assert.is(sim.x.evw_fd_add(b, p.r, IN), -errno.EEXIST);
  assert.is(sim.x.evw_fd_add(b, 999, IN), -errno.EBADF);
  assert.is(sim.x.evw_fd_mod(b, p.r, IN, seq), -errno.ENOENT);
  assert.is(sim.x.evw_fd_mod(a, p.r, IN | OUT, seq), 0);
  assert.is(sim.x.evw_fd_owner_tid(p.r), 1);
  assert.is(sim.x.evw_fd_del(b, p.r), -errno.ENOENT);
  assert.is(sim.x.evw_fd_del(a, p.r), 0);
  assert.is(sim.x.evw_fd_owner_tid(p.r), 0);
  assert.is(sim.loopNew(r1 + 4), -errno.EINVAL, 'misaligned ring');
  assert.is(sim.x.evw_loop_free(a), 0);
  assert.is(sim.x.evw_loop_free(b), 0);
});

test.run();
