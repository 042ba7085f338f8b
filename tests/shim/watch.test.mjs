// evw_loop_watch: Node's own loop watches a threaded loop's epoll set, and the JS thread fetches.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, KIND_FD, KIND_TIMER, closeBell, closeFds, errno, makePipe, makeRing, newLoop, openFds,
  readAll, registerCleanupHook, shim, sleep, waitFor, writeBytes,
} from './helpers.mjs';

/** Keeps this thread in synchronous code: Node's loop cannot turn. */
const busy = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** A threaded loop ringing a real doorbell, and one pipe; `done` frees them all. */
function watchedSetup({ watch = true } = {}) {
  const bell = [0, 0];
  assert.is(shim.doorbellNew(bell), 0);
  const ring = makeRing(16);
  const loop = newLoop(ring, { threaded: true, bellFd: bell[1] });
  if (watch) assert.is(shim.watch(loop), 0);
  const pipe = makePipe();
  const done = () => { shim.loopFree(loop); closeFds(pipe.r, pipe.w); closeBell(bell); };
  return { ring, loop, pipe, bell, done };
}

test('refused where the library was not loaded as a Node-API module: ENOTSUP, the thread fetches', () => {
  // In a process of its own: here, other tests load it as a module.
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { makeRing, newLoop, shim } from ${JSON.stringify(new URL('./helpers.mjs', import.meta.url).href)};
    const loop = newLoop(makeRing(16), { threaded: true });
    process.stdout.write(String(shim.watch(loop)));
    shim.loopFree(loop);`], { encoding: 'utf8' });
  assert.is(child.stderr, '');
  assert.is(Number(child.stdout), -errno.ENOTSUP);
});

test('only threaded loops, and not while their thread runs (it is the producer then)', () => {
  registerCleanupHook();
  const ring = makeRing(16);
  const poll = newLoop(ring);
  assert.is(shim.watch(poll), -errno.EINVAL);
  assert.is(shim.watch(null), -errno.EINVAL);
  shim.loopFree(poll);
  const { loop, done } = watchedSetup({ watch: false });
  assert.is(shim.start(loop), 0);
  assert.is(shim.watch(loop), -errno.EBUSY);
  assert.is(shim.stop(loop), 0);
  assert.is(shim.watch(loop), 0);
  assert.is(shim.watch(loop), 0, 'twice is once');
  done();
});

test('without a progress thread, Node\'s loop fetches a readable fd and rings the doorbell', async () => {
  const { ring, loop, pipe, bell, done } = watchedSetup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1), 'fetched while this thread awaited');
  assert.equal(ring.take(), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  assert.ok(readAll(bell[0]) > 0, 'the doorbell rang');
  done();
});

test('the gate holds: an undrained fd is fetched again only after its batch is done', async () => {
  const { ring, loop, pipe, done } = watchedSetup();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  ring.take({ done: false });
  await sleep(30);
  assert.is(ring.pending(), 0, 'not again while the batch is not done');
  ring.take();
  assert.ok(await waitFor(() => ring.pending() === 1), 'still readable: reported again');
  ring.take();
  readAll(pipe.r);
  done();
});

test('a timer expiry wakes Node\'s loop too', async () => {
  const { ring, loop, done } = watchedSetup();
  assert.is(shim.armTimer(loop, shim.clockNs() + 2e6), 0);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.equal(ring.take().map((e) => e.kind), [KIND_TIMER]);
  done();
});

test('a running thread leaves the fetching to Node\'s loop: nothing comes while this thread is busy', async () => {
  const { ring, loop, pipe, done } = watchedSetup();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  assert.is(shim.start(loop), 0);
  writeBytes(pipe.w);
  busy(50);
  assert.is(ring.pending(), 0, 'the thread fetched nothing');
  assert.ok(await waitFor(() => ring.pending() === 1), 'Node\'s loop did');
  ring.take();
  readAll(pipe.r);
  assert.is(shim.stop(loop), 0);
  done();
});

test('fetch: busy JS asks the kernel itself, and the entry comes without a doorbell byte', () => {
  const { ring, loop, pipe, bell, done } = watchedSetup();
  const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  busy(20); // the fd is ready; Node's loop cannot turn
  assert.is(shim.fetch(loop), 1);
  assert.equal(ring.take({ done: false }), [{ fd: pipe.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  assert.is(readAll(bell[0]), 0, 'no byte: the caller drains next');
  assert.is(shim.fetch(loop), 0, 'the gate holds: nothing more before the batch is done');
  ring.take();
  readAll(pipe.r);
  done();
});

test('fetch: 0 where nothing watches (the thread is the producer), EINVAL for a poll loop', () => {
  const { loop, pipe, done } = watchedSetup({ watch: false });
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  assert.is(shim.fetch(loop), 0);
  done();
  const poll = newLoop(makeRing(16));
  assert.is(shim.fetch(poll), -errno.EINVAL);
  assert.is(shim.fetch(null), -errno.EINVAL);
  shim.loopFree(poll);
});

test('freeing a watched loop closes the watch and every fd it held', async () => {
  const before = openFds();
  for (let i = 0; i < 20; i++) {
    const { loop, pipe, done } = watchedSetup();
    shim.fdAdd(loop, pipe.r, EPOLLIN);
    writeBytes(pipe.w); // readable at the free: nothing may fetch into freed memory
    done();
  }
  await sleep(10); // the handles' close callbacks run on a later turn
  assert.is(openFds(), before);
});

test.run();
