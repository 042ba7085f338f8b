// The progress thread's gate: after publishing fd events it fetches nothing until the consumer
// is done with that batch (finished = tail, then evw_loop_wake), so level-triggered fds need no
// one-shot re-arm per event and an undrained one is not reported over and over.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, KIND_FD, KIND_TIMER, readAll, shim, sleep, threadedLoopWithPipe, waitFor, writeBytes,
} from './helpers.mjs';

const setup = threadedLoopWithPipe;

test('a still-readable level-triggered fd is reported once per finished batch', async () => {
  const { ring, loop, pipe, done } = setup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  shim.start(loop);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.equal(ring.take({ done: false }), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  assert.ok(await waitFor(() => ring.producerWaiting() === 1), 'the thread announces that it waits');
  await sleep(30);
  assert.is(ring.pending(), 0, 'consumed but not done: nothing fetched');
  ring.take(); // done: finished = tail, and the waiting thread is woken
  assert.ok(await waitFor(() => ring.pending() === 1), 'still readable: reported again');
  assert.equal(ring.take(), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  readAll(pipe.r);
  ring.take(); // that batch done too, with the pipe drained now
  await sleep(30);
  assert.is(ring.pending(), 0, 'drained: nothing more');
  done();
});

test('a TIMER-only batch does not gate: fd events are fetched before it is taken', async () => {
  const { ring, loop, pipe, done } = setup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  shim.start(loop);
  assert.is(shim.armTimer(loop, 0), 0);
  assert.ok(await waitFor(() => ring.pending() === 1));
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 2));
  assert.equal(ring.take().map((e) => [e.kind, e.seq]), [[KIND_TIMER, 0], [KIND_FD, seq]]);
  done();
});

test('stop wakes and joins a thread waiting for its batch to be done', async () => {
  const { ring, loop, pipe, done } = setup();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  shim.start(loop);
  assert.ok(await waitFor(() => ring.producerWaiting() === 1));
  assert.is(shim.stop(loop), 0);
  done();
});

test.run();
