// evw_loop_watch on a signal loop: Node's own loop watches the signalfd, the loop's signals stay
// blocked on this thread, and it takes them out of the signalfd itself: no handler interrupts
// anything, and no doorbell byte is needed to wake the loop.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, KIND_FD, KIND_RESCAN, KIND_TIMER, closeBell, closeFds, errno, makePipe, makeRing, newSignalLoop,
  openFds, readAll, registerCleanupHook, shim, sleep, waitFor, writeBytes,
} from './helpers.mjs';
import { RLIMIT_SIGPENDING, SIGIO, isBlocked, setSoftRlimit, softRlimit } from './sighelpers.mjs';

const SIGNO = shim.signalChoose(0);

/** A started, watched signal loop ringing a real doorbell, and one pipe; `done` frees them all. */
function watchedSetup({ capacity = 16 } = {}) {
  registerCleanupHook();
  const bell = [0, 0];
  assert.is(shim.doorbellNew(bell), 0);
  const ring = makeRing(capacity);
  const loop = newSignalLoop(ring, SIGNO, { bellFd: bell[1] });
  assert.is(shim.watch(loop), 0);
  assert.is(shim.start(loop), 0);
  const pipe = makePipe();
  const done = () => { assert.is(shim.loopFree(loop), 0); closeFds(pipe.r, pipe.w); closeBell(bell); };
  return { ring, loop, pipe, bell, done };
}

/** Keeps this thread in synchronous code: a handler could run, Node's loop cannot turn. */
const busy = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

test('refused where the library was not loaded as a Node-API module: ENOTSUP, the signals left unblocked', () => {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { makeRing, newSignalLoop, shim } from ${JSON.stringify(new URL('./helpers.mjs', import.meta.url).href)};
    import { isBlocked } from ${JSON.stringify(new URL('./sighelpers.mjs', import.meta.url).href)};
    const signo = shim.signalChoose(0);
    const loop = newSignalLoop(makeRing(16), signo);
    process.stdout.write(JSON.stringify([shim.watch(loop), isBlocked(signo), isBlocked(29)]));
    shim.loopFree(loop);`], { encoding: 'utf8' });
  assert.is(child.stderr, '');
  assert.equal(JSON.parse(child.stdout), [-errno.ENOTSUP, 0, 0]);
});

test('the loop\'s signal and SIGIO stay blocked while it lives, and are unblocked when it is freed', () => {
  const { done } = watchedSetup();
  assert.is(isBlocked(SIGNO), 1);
  assert.is(isBlocked(SIGIO), 1);
  done();
  assert.is(isBlocked(SIGNO), 0);
  assert.is(isBlocked(SIGIO), 0);
});

test('a pipe made readable by busy JS: nothing is recorded until Node\'s loop turns, then one entry', async () => {
  const { ring, loop, pipe, bell, done } = watchedSetup();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  busy(30);
  assert.is(ring.pending(), 0, 'no handler ran: the signal waits in the queue');
  assert.ok(await waitFor(() => ring.pending() === 1), 'Node\'s loop took it');
  assert.equal(ring.take(), [{ fd: pipe.r, seq: 0, bits: EPOLLIN, kind: KIND_FD }]);
  // This doorbell has no reader in C on this thread (bell.test.mjs has one): the entry comes
  // with a byte, as the handler's would.
  assert.ok(readAll(bell[0]) > 0, 'the doorbell rang');
  readAll(pipe.r);
  done();
});

test('fetch: busy JS takes the queued signal itself, and the entry comes without a doorbell byte', () => {
  const { ring, loop, pipe, bell, done } = watchedSetup();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  busy(20);
  assert.is(shim.fetch(loop), 1);
  assert.equal(ring.take(), [{ fd: pipe.r, seq: 0, bits: EPOLLIN, kind: KIND_FD }]);
  assert.is(readAll(bell[0]), 0, 'no byte: the caller drains next');
  assert.is(shim.fetch(loop), 0, 'the queue is empty');
  readAll(pipe.r);
  done();
});

test('the timer\'s signal is taken the same way', async () => {
  const { ring, loop, done } = watchedSetup();
  assert.is(shim.armTimer(loop, shim.clockNs() + 2e6), 0);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.equal(ring.take().map((e) => e.kind), [KIND_TIMER]);
  done();
});

test('a realtime-queue overflow while JS is busy becomes a rescan entry: nothing is lost', async () => {
  const pipes = Array.from({ length: 8 }, () => makePipe());
  const previous = softRlimit(RLIMIT_SIGPENDING);
  assert.is(setSoftRlimit(RLIMIT_SIGPENDING, 2), 0);
  const { ring, loop, done } = watchedSetup();
  try {
    for (const p of pipes) shim.fdAdd(loop, p.r, EPOLLIN);
    for (const p of pipes) writeBytes(p.w); // queued, not handled: the third one overflows
  } finally {
    setSoftRlimit(RLIMIT_SIGPENDING, previous);
  }
  assert.ok(await waitFor(() => ring.pending() > 0));
  assert.ok(ring.take().some((e) => e.kind === KIND_RESCAN), 'SIGIO came through the signalfd');
  for (const p of pipes) { readAll(p.r); closeFds(p.r, p.w); }
  done();
});

test('freeing a watched loop with signals queued closes the watch and every fd it held', async () => {
  const before = openFds();
  for (let i = 0; i < 20; i++) {
    const { loop, pipe, done } = watchedSetup();
    shim.fdAdd(loop, pipe.r, EPOLLIN);
    writeBytes(pipe.w); // queued at the free: nothing may record into freed memory
    done();
  }
  await sleep(10); // the handles' close callbacks run on a later turn
  assert.is(openFds(), before);
});

test.run();
