// Thread mode: the progress thread fills the ring by itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, EPOLLONESHOT, EPOLLOUT, KIND_FD, closeFds, errno, makePipe, makeRing, newLoop, readAll, shim,
  sleep, threadedLoopWithPipe, waitFor, writeBytes,
} from './helpers.mjs';

const setup = threadedLoopWithPipe;

test('the thread writes an FD entry with seq and bits for a readable pipe', async () => {
  const { ring, loop, pipe, done } = setup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  assert.is(shim.start(loop), 0);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.equal(ring.take(), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  assert.ok(ring.guardsIntact());
  done();
});

test('an fd already readable before start is reported', async () => {
  const { ring, loop, pipe, done } = setup();
  shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  writeBytes(pipe.w);
  shim.start(loop);
  assert.ok(await waitFor(() => ring.pending() === 1));
  done();
});

test('one-shot: no second entry until rearm, then one more', async () => {
  const { ring, loop, pipe, done } = setup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  shim.start(loop);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  ring.take();
  writeBytes(pipe.w);
  await sleep(30);
  assert.is(ring.pending(), 0, 'still disarmed');
  ring.writeRearmList(65536, [{ fd: pipe.r, events: EPOLLIN | EPOLLONESHOT, seq }]);
  assert.is(shim.rearm(loop, 65536, 1), 0);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.equal(ring.take(), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  done();
});

/** `count` readable one-shot pipes on a started threaded loop, each reported once and taken. */
async function reportedPipes(count) {
  const ring = makeRing(64);
  const loop = newLoop(ring, { threaded: true });
  const pipes = Array.from({ length: count }, () => makePipe());
  const seqs = pipes.map((p) => shim.fdAdd(loop, p.r, EPOLLIN | EPOLLONESHOT));
  // Readable before the start: one batch (after fd events the thread waits for take()).
  for (const p of pipes) writeBytes(p.w);
  shim.start(loop);
  assert.ok(await waitFor(() => ring.pending() === count));
  ring.take();
  const rearmList = pipes.map((p, i) => ({ fd: p.r, events: EPOLLIN | EPOLLONESHOT, seq: seqs[i] }));
  const done = () => { shim.loopFree(loop); for (const p of pipes) closeFds(p.r, p.w); };
  return { ring, loop, pipes, seqs, rearmList, done };
}

test('a large re-arm batch is handed to the thread, which applies it: still-readable fds report again', async () => {
  const { ring, loop, rearmList, done } = await reportedPipes(32);
  await sleep(30);
  assert.is(ring.pending(), 0, 'all disarmed');
  ring.writeRearmList(65536, rearmList);
  assert.is(shim.rearm(loop, 65536, rearmList.length), 0);
  assert.ok(await waitFor(() => ring.pending() === 32), `re-reported: ${ring.pending()}`);
  assert.equal(new Set(ring.take().map((e) => e.fd)).size, 32);
  done();
});

test('a modify after a handed-over re-arm wins: the old interest is never armed again', async () => {
  // The thread may apply the batch before the modify or after it: both orders must end with OUT.
  for (let round = 0; round < 10; round++) {
    const { ring, loop, pipes, seqs, rearmList, done } = await reportedPipes(32);
    readAll(pipes[0].r); // not readable: re-arming it reports nothing by itself
    ring.writeRearmList(65536, rearmList);
    assert.is(shim.rearm(loop, 65536, rearmList.length), 0);
    assert.is(shim.fdMod(loop, pipes[0].r, EPOLLOUT | EPOLLONESHOT, seqs[0]), 0); // a read end never is writable
    assert.ok(await waitFor(() => ring.pending() === 31), 'the others were re-armed');
    ring.take();
    writeBytes(pipes[0].w);
    await sleep(20);
    assert.equal(ring.take(), [], `round ${round}: readable again, but its interest is OUT now`);
    done();
  }
});

test('evw_loop_poll refuses to be a second producer while the thread runs', () => {
  const { loop, done } = setup();
  shim.start(loop);
  assert.is(shim.poll(loop), -errno.EBUSY);
  shim.stop(loop);
  assert.is(shim.poll(loop), 0);
  done();
});

test('start and stop are idempotent', () => {
  const { loop, done } = setup();
  assert.is(shim.stop(loop), 0, 'stop before start');
  assert.is(shim.start(loop), 0);
  assert.is(shim.start(loop), 0);
  assert.is(shim.stop(loop), 0);
  assert.is(shim.stop(loop), 0);
  done();
});

test('no entry after stop; the readiness is reported after a restart', async () => {
  const { ring, loop, pipe, done } = setup();
  shim.fdAdd(loop, pipe.r, EPOLLIN | EPOLLONESHOT);
  shim.start(loop);
  shim.stop(loop);
  writeBytes(pipe.w);
  await sleep(20);
  assert.is(ring.pending(), 0);
  shim.start(loop);
  assert.ok(await waitFor(() => ring.pending() === 1));
  done();
});

test('poll loops have no thread, timer or wake', () => {
  const ring = makeRing(16);
  const loop = newLoop(ring);
  assert.is(shim.start(loop), -errno.EINVAL);
  assert.is(shim.wake(loop), -errno.EINVAL);
  assert.is(shim.armTimer(loop, 0), -errno.EINVAL);
  shim.loopFree(loop);
});

test.run();
