// The doorbell: one byte when the consumer armed it, none otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, EPOLLONESHOT, closeBell, closeFds, errno, fdTarget, makePipe, makeRing, newLoop, newSignalLoop,
  readAll, shim, sleep, waitFor, writeBytes,
} from './helpers.mjs';

function setup(bellArmed) {
  const ring = makeRing(16, { bellArmed });
  const bell = [0, 0];
  assert.is(shim.doorbellNew(bell), 0);
  const loop = newLoop(ring, { threaded: true, bellFd: bell[1] });
  const pipe = makePipe();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  shim.start(loop);
  return {
    ring, loop, pipe, bell, seq,
    done: () => { shim.loopFree(loop); closeFds(pipe.r, pipe.w); closeBell(bell); },
  };
}

test('evw_doorbell_new makes a non-blocking pipe', () => {
  const bell = [0, 0];
  assert.is(shim.doorbellNew(bell), 0);
  assert.is(readAll(bell[0]), 0, 'an empty pipe reads EAGAIN instead of blocking');
  assert.is(shim.close(bell[0]), 0);
  assert.is(shim.close(bell[1]), 0);
  assert.is(shim.close(bell[1]), -9, 'evw_close reports EBADF');
});

test('evw_doorbell_close closes a doorbell\'s write end once', () => {
  const bell = [0, 0];
  assert.is(shim.doorbellNew(bell), 0);
  const target = fdTarget(bell[1]);
  assert.is(shim.doorbellClose(bell[1]), 0);
  assert.is.not(fdTarget(bell[1]), target, 'closed');
  assert.is(shim.doorbellClose(bell[1]), -errno.ENOENT, 'a second close is refused');
  closeFds(bell[0]);
});

test('evw_doorbell_close refuses an fd that is no doorbell, and one evw_close already closed', () => {
  const other = makePipe();
  assert.is(shim.doorbellClose(other.w), -errno.ENOENT);
  const bell = [0, 0];
  assert.is(shim.doorbellNew(bell), 0);
  assert.is(shim.close(bell[1]), 0, 'evw_close unlists it');
  const reused = makePipe(); // lowest free numbers: likely the doorbell's old ones
  const targets = [fdTarget(reused.r), fdTarget(reused.w)];
  assert.is(shim.doorbellClose(bell[1]), -errno.ENOENT);
  assert.equal([fdTarget(reused.r), fdTarget(reused.w)], targets, 'whatever took the number stays open');
  assert.ok(fdTarget(other.w), 'the other pipe stays open');
  closeFds(other.r, other.w, reused.r, reused.w, bell[0]);
});

test('evw_doorbell_close is EBUSY while a live loop rings it (thread and signal loops)', () => {
  const bell = [0, 0];
  assert.is(shim.doorbellNew(bell), 0);
  const loops = [
    newLoop(makeRing(16), { threaded: true, bellFd: bell[1] }),
    newSignalLoop(makeRing(16), shim.signalChoose(0), { bellFd: bell[1] }),
  ];
  for (const loop of loops) {
    assert.is(shim.doorbellClose(bell[1]), -errno.EBUSY);
    assert.ok(fdTarget(bell[1]), 'still open');
    assert.is(shim.loopFree(loop), 0);
  }
  closeBell(bell);
});

test('an armed bell gets one byte and is disarmed', async () => {
  const { ring, pipe, bell, done } = setup(1);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.ok(await waitFor(() => ring.bellArmed() === 0));
  assert.ok(await waitFor(() => readAll(bell[0]) === 1));
  done();
});

test('a disarmed bell gets no byte', async () => {
  const { ring, pipe, bell, done } = setup(0);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  await sleep(10);
  assert.is(readAll(bell[0]), 0);
  done();
});

test('batches published while the bell is disarmed add no byte', async () => {
  const { ring, loop, pipe, bell, seq, done } = setup(1);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  ring.take(); // done with it, but not idle: a drain arms the bell only when it finds nothing more
  ring.writeRearmList(65536, [{ fd: pipe.r, events: EPOLLIN | EPOLLONESHOT, seq }]);
  shim.rearm(loop, 65536, 1);
  assert.ok(await waitFor(() => ring.pending() === 1));
  await sleep(10);
  assert.is(readAll(bell[0]), 1, 'one byte for two batches');
  done();
});

test.run();
