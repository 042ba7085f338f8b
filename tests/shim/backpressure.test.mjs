// A full ring: the progress thread waits (producerWaiting = 1) instead of
// overwriting, and resumes when the consumer frees space and wakes it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, EPOLLONESHOT, closeFds, makePipe, makeRing, newLoop, shim, sleep, waitFor,
  writeBytes,
} from './helpers.mjs';

const CAPACITY = 4;
const PIPES = 11;

function setup() {
  const ring = makeRing(CAPACITY);
  const loop = newLoop(ring, { threaded: true });
  const pipes = Array.from({ length: PIPES }, makePipe);
  const seqs = new Map();
  for (const p of pipes) {
    seqs.set(p.r, shim.fdAdd(loop, p.r, EPOLLIN | EPOLLONESHOT));
    writeBytes(p.w);
  }
  return {
    ring, loop, pipes, seqs,
    done: () => { shim.loopFree(loop); for (const p of pipes) closeFds(p.r, p.w); },
  };
}

test('the producer stops at capacity and announces that it waits', async () => {
  const { ring, loop, done } = setup();
  shim.start(loop);
  assert.ok(await waitFor(() => ring.producerWaiting() === 1));
  assert.is(ring.pending(), CAPACITY);
  await sleep(20);
  assert.is(ring.pending(), CAPACITY, 'nothing overwritten');
  assert.ok(ring.guardsIntact());
  done();
});

test('it resumes after tail advances and evw_loop_wake; no entry lost or repeated', async () => {
  const { ring, loop, pipes, seqs, done } = setup();
  shim.start(loop);
  const seen = [];
  while (seen.length < PIPES) {
    const got = await waitFor(() => ring.pending() === CAPACITY || ring.pending() + seen.length === PIPES);
    assert.ok(got, `stalled after ${seen.length} entries`);
    seen.push(...ring.take()); // and, done with them, clears producerWaiting and wakes the thread as TS does
  }
  assert.equal(seen.map((e) => e.fd).sort((a, b) => a - b), pipes.map((p) => p.r).sort((a, b) => a - b));
  for (const e of seen) assert.is(e.seq, seqs.get(e.fd));
  await sleep(20);
  assert.is(ring.pending(), 0, 'one-shot fds are reported once');
  assert.ok(ring.guardsIntact());
  done();
});

test('stop wakes and joins a producer waiting for space', async () => {
  const { ring, loop, done } = setup();
  shim.start(loop);
  assert.ok(await waitFor(() => ring.producerWaiting() === 1));
  assert.is(shim.stop(loop), 0);
  done();
});

test.run();
