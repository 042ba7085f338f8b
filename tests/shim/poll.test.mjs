// Poll mode: evw_loop_poll (epoll_wait with timeout 0) writes ring entries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, EPOLLONESHOT, EPOLLOUT, KIND_FD, closeBell, closeFds, makePipe, makeRing, newLoop,
  readAll, shim, writeBytes,
} from './helpers.mjs';

function setup(capacity = 16) {
  const ring = makeRing(capacity);
  const loop = newLoop(ring);
  const pipe = makePipe();
  return { ring, loop, pipe, done: () => { shim.loopFree(loop); closeFds(pipe.r, pipe.w); } };
}

test('a readable pipe yields one FD entry with its seq and IN bits', () => {
  const { ring, loop, pipe, done } = setup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  assert.ok(seq > 0);
  writeBytes(pipe.w);
  assert.is(shim.poll(loop), 1);
  assert.equal(ring.take(), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  assert.ok(ring.guardsIntact());
  done();
});

test('nothing ready: poll writes nothing', () => {
  const { ring, loop, pipe, done } = setup();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  assert.is(shim.poll(loop), 0);
  assert.is(ring.head(), 0);
  done();
});

test('publishing stores producerNow from evw_clock_ns', () => {
  const { ring, loop, pipe, done } = setup();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  const before = shim.clockNs();
  shim.poll(loop);
  const now = ring.producerNow();
  assert.ok(now >= before && now <= shim.clockNs());
  done();
});

test('poll mode never rings the doorbell, even when bellArmed is 1', () => {
  const ring = makeRing(16);
  const bell = [0, 0];
  shim.doorbellNew(bell);
  const loop = newLoop(ring, { bellFd: bell[1] });
  const pipe = makePipe();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  assert.is(shim.poll(loop), 1);
  assert.is(ring.bellArmed(), 1);
  assert.is(readAll(bell[0]), 0);
  shim.loopFree(loop);
  closeFds(pipe.r, pipe.w);
  closeBell(bell);
});

test('one-shot: no second entry until the fd is rearmed', () => {
  const { ring, loop, pipe, done } = setup();
  shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  writeBytes(pipe.w);
  assert.is(shim.poll(loop), 1);
  ring.take();
  writeBytes(pipe.w);
  assert.is(shim.poll(loop), 0);
  done();
});

test('evw_loop_rearm re-arms every fd of the list in one call', () => {
  const { ring, loop, pipe, done } = setup();
  const other = makePipe();
  const seqA = shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  const seqB = shim.fdAdd(loop, other.r, EPOLLIN | EPOLLONESHOT);
  writeBytes(pipe.w);
  writeBytes(other.w);
  assert.is(shim.poll(loop), 2);
  ring.take();
  const listOff = 65536;
  ring.writeRearmList(listOff, [
    { fd: pipe.r, events: EPOLLIN | EPOLLONESHOT, seq: seqA },
    { fd: other.r, events: EPOLLIN | EPOLLONESHOT, seq: seqB },
  ]);
  assert.is(shim.rearm(loop, listOff, 2), 0);
  assert.is(shim.poll(loop), 2);
  const seqs = ring.take().map((e) => e.seq).sort((a, b) => a - b);
  assert.equal(seqs, [seqA, seqB].sort((a, b) => a - b));
  closeFds(other.r, other.w);
  done();
});

test('rearm skips an entry whose seq is not the current registration', () => {
  const { ring, loop, pipe, done } = setup();
  const oldSeq = shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  shim.fdDel(loop, pipe.r);
  const newSeq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  ring.writeRearmList(65536, [{ fd: pipe.r, events: EPOLLIN, seq: oldSeq }]);
  assert.is(shim.rearm(loop, 65536, 1), 0);
  writeBytes(pipe.w);
  shim.poll(loop);
  assert.equal(ring.take().map((e) => e.seq), [newSeq]);
  done();
});

test('rearm ignores an fd the user closed meanwhile', () => {
  const { ring, loop, pipe, done } = setup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  closeFds(pipe.r);
  ring.writeRearmList(65536, [{ fd: pipe.r, events: EPOLLIN, seq }]);
  assert.is(shim.rearm(loop, 65536, 1), 0);
  assert.is(shim.fdDel(loop, pipe.r), 0);
  done();
});

test('evw_fd_mod changes the interest set', () => {
  const { ring, loop, pipe, done } = setup();
  const seq = shim.fdAdd(loop, pipe.w, EPOLLIN);
  assert.is(shim.poll(loop), 0, 'the write end is never readable');
  assert.is(shim.fdMod(loop, pipe.w, EPOLLOUT, seq), 0);
  assert.is(shim.poll(loop), 1);
  assert.equal(ring.take(), [{ fd: pipe.w, seq, bits: EPOLLOUT, kind: KIND_FD }]);
  done();
});

test('evw_fd_del stops the entries of that fd', () => {
  const { loop, pipe, done } = setup();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  assert.is(shim.fdDel(loop, pipe.r), 0);
  assert.is(shim.poll(loop), 0);
  done();
});

test('a full ring takes nothing more; the rest stays pending in the kernel', () => {
  const { ring, loop, pipe, done } = setup(2);
  const pipes = [pipe, makePipe(), makePipe()];
  for (const p of pipes) {
    shim.fdAdd(loop, p.r, EPOLLIN | EPOLLONESHOT);
    writeBytes(p.w);
  }
  assert.is(shim.poll(loop), 2);
  assert.is(shim.poll(loop), 0, 'the ring is full');
  assert.is(ring.producerWaiting(), 0, 'poll mode has nobody waiting');
  const first = ring.take();
  assert.is(shim.poll(loop), 1);
  const fds = [...first, ...ring.take()].map((e) => e.fd).sort((a, b) => a - b);
  assert.equal(fds, pipes.map((p) => p.r).sort((a, b) => a - b));
  assert.ok(ring.guardsIntact());
  for (const p of pipes.slice(1)) closeFds(p.r, p.w);
  done();
});

test('entries wrap around the ring', () => {
  const { ring, loop, pipe, done } = setup(4);
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  for (let round = 0; round < 10; round++) {
    assert.is(shim.poll(loop), 1);
    assert.equal(ring.take(), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  }
  assert.is(ring.head(), 10);
  assert.ok(ring.guardsIntact());
  done();
});

test.run();
