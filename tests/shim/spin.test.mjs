// Busy-polling (evw_loop_set_spin): within its window the progress thread neither sleeps nor
// announces that it waits, so a batch finished by the consumer and new readiness are picked up
// without evw_loop_wake; after the window it waits as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, KIND_FD, errno, makeRing, newLoop, readAll, shim, sleep, threadedLoopWithPipe, waitFor, writeBytes,
} from './helpers.mjs';

const setup = threadedLoopWithPipe;
const MS = 1e6;

test('only threaded loops, and windows from 0 to 1 s', () => {
  const { loop, done } = setup();
  for (const ns of [-1, 1e9 + 1, NaN, Infinity]) assert.is(shim.setSpin(loop, ns), -errno.EINVAL, String(ns));
  for (const ns of [0, 1, 1e9]) assert.is(shim.setSpin(loop, ns), 0, String(ns));
  done();
  const ring = makeRing(16);
  const pollLoop = newLoop(ring);
  assert.is(shim.setSpin(pollLoop, MS), -errno.EINVAL, 'a poll loop has no thread');
  shim.loopFree(pollLoop);
  assert.is(shim.setSpin(null, MS), -errno.EINVAL);
});

test('in the window a finished batch needs no wake-up, and the next readiness is fetched', async () => {
  const { ring, loop, pipe, done } = setup();
  assert.is(shim.setSpin(loop, 1e9), 0);
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  shim.start(loop);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  readAll(pipe.r);
  ring.loop = null; // take() must not wake it: a spinning thread has to see `finished` by itself
  assert.equal(ring.take(), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  assert.is(ring.producerWaiting(), 0, 'it never announced a wait');
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1), 'fetched without a wake-up');
  readAll(pipe.r);
  ring.take();
  done();
});

test('after the window it announces its wait again and sleeps until woken', async () => {
  const { ring, loop, pipe, done } = setup();
  assert.is(shim.setSpin(loop, 20 * MS), 0);
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  shim.start(loop);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  ring.take({ done: false });
  assert.ok(await waitFor(() => ring.producerWaiting() === 1), 'the window ended: it waits for the batch');
  readAll(pipe.r);
  ring.take(); // done, and woken
  await sleep(30);
  assert.is(ring.pending(), 0);
  done();
});

test('stop ends a window at once', async () => {
  const { ring, loop, pipe, done } = setup();
  assert.is(shim.setSpin(loop, 1e9), 0);
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  shim.start(loop);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  const t0 = performance.now();
  assert.is(shim.stop(loop), 0);
  assert.ok(performance.now() - t0 < 500, 'joined long before the 1 s window would end');
  done();
});

test.run();
