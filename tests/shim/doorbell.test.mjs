// The doorbell: one byte when the consumer armed it, none otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, EPOLLONESHOT, closeFds, makePipe, makeRing, newLoop, readAll, shim, sleep,
  waitFor, writeBytes,
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
    done: () => { shim.loopFree(loop); closeFds(pipe.r, pipe.w, bell[0], bell[1]); },
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
  ring.writeRearmList(65536, [{ fd: pipe.r, events: EPOLLIN | EPOLLONESHOT, seq }]);
  shim.rearm(loop, 65536, 1);
  assert.ok(await waitFor(() => ring.pending() === 2));
  await sleep(10);
  assert.is(readAll(bell[0]), 1, 'one byte for two batches');
  done();
});

test.run();
