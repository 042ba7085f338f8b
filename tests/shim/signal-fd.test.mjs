// Signal loops and user fds: the handler writes FD entries (seq 0) for
// O_ASYNC signals, the owning thread's poll checks cover what is ready
// already, and every fd is left as it was found.
import { suite, test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EPOLLIN, EPOLLOUT, KIND_FD, closeBell, closeFds, errno, makePipe, makeRing, newLoop, newSignalLoop, readAll, shim, waitFor, writeBytes, EPOLLONESHOT, EPOLLET,
} from './helpers.mjs';
import koffi from 'koffi';
import { F_OWNER_PID, F_OWNER_TID, SIG_DFL, disposition, fdState, gettid, setFdState } from './sighelpers.mjs';

const libc = koffi.load('libc.so.6');
const dup = libc.func('int dup(int fd)');
const eventfd = libc.func('int eventfd(unsigned int count, int flags)');

const SIGNO = shim.signalChoose(0);

function setup({ bellArmed = 1, capacity = 16 } = {}) {
  const ring = makeRing(capacity, { bellArmed });
  const bell = [0, 0];
  assert.is(shim.doorbellNew(bell), 0);
  const loop = newSignalLoop(ring, SIGNO, { bellFd: bell[1] });
  assert.is(shim.start(loop), 0);
  const pipe = makePipe();
  return {
    ring, loop, pipe, bell,
    done: () => {
      assert.is(shim.loopFree(loop), 0);
      closeFds(pipe.r, pipe.w);
      closeBell(bell);
    },
  };
}

test('a readable pipe: the handler writes {fd, seq 0, IN} and rings the armed bell once', async () => {
  const { ring, loop, pipe, bell, done } = setup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  assert.ok(seq > 0);
  assert.is(ring.pending(), 0, 'an empty pipe is not reported');
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.equal(ring.take(), [{ fd: pipe.r, seq: 0, bits: EPOLLIN, kind: KIND_FD }]);
  assert.is(ring.bellArmed(), 0);
  assert.ok(await waitFor(() => readAll(bell[0]) === 1), 'one doorbell byte');
  readAll(pipe.r);
  assert.is(shim.fdMod(loop, pipe.r, EPOLLIN, seq), 0, 're-armed (one signal per readiness until then)');
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.is(readAll(bell[0]), 0, 'no byte while the bell is disarmed');
  assert.ok(ring.guardsIntact());
  done();
});

test('a disarmed bell gets no byte', async () => {
  const { ring, loop, pipe, bell, done } = setup({ bellArmed: 0 });
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.is(readAll(bell[0]), 0);
  done();
});

test('registering an fd that is ready already writes an entry at once (real seq)', () => {
  const { ring, loop, pipe, done } = setup();
  writeBytes(pipe.w);
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  assert.ok(seq > 0);
  assert.equal(ring.take(), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  const out = shim.fdAdd(loop, pipe.w, EPOLLOUT);
  assert.equal(ring.take(), [{ fd: pipe.w, seq: out, bits: EPOLLOUT, kind: KIND_FD }], 'a writable pipe');
  done();
});

test('rearm: an entry for a still-ready fd, none for a drained one, none for a stale seq', () => {
  const { ring, loop, pipe, done } = setup();
  const other = makePipe();
  const seqA = shim.fdAdd(loop, pipe.r, EPOLLIN);
  const seqB = shim.fdAdd(loop, other.r, EPOLLIN);
  writeBytes(pipe.w);
  writeBytes(other.w);
  assert.is(ring.take().length, 2);
  readAll(other.r);
  ring.writeRearmList(65536, [
    { fd: pipe.r, events: EPOLLIN, seq: seqA },
    { fd: other.r, events: EPOLLIN, seq: seqB },
    { fd: pipe.r, events: EPOLLIN, seq: seqA + 1000 },
  ]);
  assert.is(shim.rearm(loop, 65536, 3), 0);
  assert.equal(ring.take(), [{ fd: pipe.r, seq: seqA, bits: EPOLLIN, kind: KIND_FD }]);
  shim.fdDel(loop, other.r);
  closeFds(other.r, other.w);
  done();
});

test('fd flags, owner and signal are set while registered and restored after del', () => {
  const { loop, pipe, done } = setup();
  const before = fdState(pipe.r);
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  assert.equal(fdState(pipe.r), { async: true, sig: SIGNO, ownerType: F_OWNER_TID, ownerPid: gettid() });
  assert.is(shim.fdOwnerTid(pipe.r), gettid());
  shim.fdMod(loop, pipe.r, 0, seq);
  assert.is(fdState(pipe.r).async, false, 'paused: no O_ASYNC');
  shim.fdMod(loop, pipe.r, EPOLLIN, seq);
  assert.is(fdState(pipe.r).async, true);
  assert.is(shim.fdDel(loop, pipe.r), 0);
  assert.equal(fdState(pipe.r), before);
  assert.is(shim.fdOwnerTid(pipe.r), 0);

  // An fd with a state of its own gets it back.
  const own = { async: true, sig: 0, ownerType: F_OWNER_PID, ownerPid: process.pid };
  setFdState(pipe.w, own);
  assert.equal(fdState(pipe.w), own);
  shim.fdAdd(loop, pipe.w, EPOLLOUT);
  shim.fdDel(loop, pipe.w);
  assert.equal(fdState(pipe.w), own);
  setFdState(pipe.w, { ...own, async: false });
  done();
});

test('evw_loop_free restores the fds it still held', () => {
  const { loop, pipe, done } = setup();
  const before = fdState(pipe.r);
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  done();
  // done() closed the pipe; check with a fresh one registered and freed.
  const ring = makeRing(16);
  const again = newSignalLoop(ring, SIGNO);
  const p = makePipe();
  shim.start(again);
  shim.fdAdd(again, p.r, EPOLLIN);
  assert.is(shim.loopFree(again), 0);
  assert.equal(fdState(p.r), before);
  closeFds(p.r, p.w);
});

test('stop turns O_ASYNC off, start turns it on and reports what is ready', () => {
  const { ring, loop, pipe, done } = setup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  assert.is(shim.stop(loop), 0);
  assert.is(fdState(pipe.r).async, false);
  writeBytes(pipe.w);
  assert.is(ring.pending(), 0);
  assert.is(shim.start(loop), 0);
  assert.is(fdState(pipe.r).async, true);
  assert.equal(ring.take(), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  done();
});

test('a stopped loop: rescan and poll report nothing and leave its fds without O_ASYNC', () => {
  const { ring, loop, pipe, done } = setup();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  assert.is(shim.stop(loop), 0);
  writeBytes(pipe.w);
  assert.is(shim.rescan(loop), 0);
  assert.is(shim.poll(loop), 0);
  assert.is(fdState(pipe.r).async, false, 'armed, a write would raise a signal nobody handles');
  assert.is(ring.pending(), 0);
  done();
});

test('registration errors: EBADF, EPERM for a regular file, EEXIST, ENOENT', () => {
  const { loop, pipe, done } = setup();
  const dir = mkdtempSync(join(tmpdir(), 'evw-'));
  const file = openSync(join(dir, 'file'), 'w');
  const before = fdState(file);
  assert.is(shim.fdAdd(loop, file, EPOLLIN), -errno.EPERM);
  assert.equal(fdState(file), before, 'a refused fd is untouched');
  assert.is(shim.fdAdd(loop, file, EPOLLIN), -errno.EPERM, 'rolled back: not EEXIST');
  assert.is(shim.fdAdd(loop, 100000, EPOLLIN), -errno.EBADF);
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  assert.is(shim.fdAdd(loop, pipe.r, EPOLLIN), -errno.EEXIST);
  assert.is(shim.fdMod(loop, pipe.r, EPOLLIN, seq + 1), -errno.ENOENT);
  assert.is(shim.fdDel(loop, pipe.w), -errno.ENOENT);
  closeSync(file);
  rmSync(dir, { recursive: true });
  done();
});

test('an eventfd (its O_ASYNC raises nothing) is EOPNOTSUPP, untouched, and free for an epoll loop', () => {
  const { loop, done } = setup();
  const efd = eventfd(0, 0);
  const before = fdState(efd);
  assert.is(shim.fdAdd(loop, efd, EPOLLIN), -errno.ENOTSUP);
  assert.equal(fdState(efd), before, 'a refused fd is untouched');
  const other = newLoop(makeRing(16));
  assert.ok(shim.fdAdd(other, efd, EPOLLIN) > 0, 'rolled back: its registry entry is free');
  shim.loopFree(other);
  closeFds(efd);
  done();
});

test('a second signal loop on the same thread is EEXIST; the handler is restored at the last free', () => {
  const { ring, done } = setup();
  const err = [0];
  assert.is(shim.loopNewSignalRaw(ring.u8, ring.offset, -1, SIGNO, err), null);
  assert.is(err[0], -errno.EEXIST);
  assert.is.not(disposition(SIGNO), SIG_DFL);
  done();
  assert.is(disposition(SIGNO), SIG_DFL);
});

test('evw_loop_poll on a signal loop is a rescan; wake is EINVAL', () => {
  const { ring, loop, pipe, done } = setup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  ring.take();
  assert.is(shim.poll(loop), 2, 'TIMER + the ready fd');
  assert.equal(ring.take().map((e) => e.kind), [1, KIND_FD]);
  assert.is(shim.wake(loop), -errno.EINVAL);
  assert.ok(seq > 0);
  done();
});

test('an fd closed without removal, its number taken by a loop: del is ENOENT and touches nothing', () => {
  const { ring, loop, done } = setup();
  const p = makePipe();
  shim.fdAdd(loop, p.r, EPOLLIN);
  const number = p.r;
  closeFds(p.r);
  // Fill every lower hole so that the next loop's epoll fd gets `number`.
  const fillers = [];
  for (let fd = dup(0); fd < number; fd = dup(0)) fillers.push(fd);
  closeFds(number);
  const other = newLoop(makeRing(16));
  assert.is(shim.fdOwnerTid(number), gettid());
  const before = fdState(number);
  assert.is(shim.rescan(loop), 1, 'only the TIMER entry: the number is skipped');
  ring.take();
  assert.is(shim.stop(loop), 0);
  assert.is(shim.start(loop), 0);
  assert.is(shim.fdDel(loop, number), -errno.ENOENT);
  assert.equal(fdState(number), before, "the other loop's epoll fd is untouched");
  assert.is(shim.loopFree(other), 0);
  closeFds(p.w, ...fillers);
  done();
});

test.run();

const oneShot = suite('signal loops: one signal per readiness');

oneShot('a one-shot fd, once reported, raises no more signals until it is re-armed', async () => {
  const { ring, loop, pipe, done } = setup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  ring.take();
  for (let i = 0; i < 20; i++) writeBytes(pipe.w);
  await new Promise((res) => setTimeout(res, 20));
  assert.is(ring.pending(), 0, 'disarmed: twenty more writes, no entry');
  assert.is(shim.fdMod(loop, pipe.r, EPOLLIN | EPOLLONESHOT, seq), 0);
  assert.ok(await waitFor(() => ring.pending() === 1), 're-armed: the poll check reports it at once');
  done();
});

oneShot('an edge-triggered fd is never disarmed: a signal per change', async () => {
  const { ring, loop, pipe, done } = setup();
  assert.ok(shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLET) > 0);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  ring.take();
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1), 'the next change is reported without a re-arm');
  done();
});

oneShot.run();
