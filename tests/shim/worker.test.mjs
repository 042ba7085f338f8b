// Loops owned by worker threads: worker.terminate() runs no JS cleanup, so
// the shim's Node-API cleanup hook frees them (threads joined, timers
// deleted, fds restored and unregistered). And a signal loop works in a
// worker, whose threads Node starts with every signal blocked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  EPOLLIN, KIND_FD, KIND_TIMER, closeFds, fdTarget, makePipe, makeRing, newLoop, newSignalLoop, shim,
  progressThreads, waitFor, writeBytes,
} from './helpers.mjs';
import { SIG_DFL, disposition, fdState } from './sighelpers.mjs';

const script = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'worker-loop.mjs');
const SIGNO = shim.signalChoose(0);

async function startWorker(mode, fd, { bell = false } = {}) {
  const worker = new Worker(script, { workerData: { mode, fd, signo: SIGNO, bell } });
  const [info] = await once(worker, 'message');
  assert.ok(info.ready);
  assert.ok(info.seq > 0, `fdAdd in the worker: ${info.seq}`);
  assert.is(info.started, 0);
  return { worker, info };
}

async function terminate(worker, progressBefore) {
  await worker.terminate();
  assert.ok(await waitFor(() => progressThreads().length === progressBefore.length, 5000),
    `progress threads back to ${progressBefore.length}: ${progressThreads().length}`);
  assert.equal(progressThreads().sort(), [...progressBefore].sort(), 'no stray progress thread');
}

/** The fd can be registered again from this thread: the worker's entry is gone. */
function assertRegistrable(fd) {
  assert.is(shim.fdOwnerTid(fd), 0);
  const loop = newLoop(makeRing(16));
  assert.ok(shim.fdAdd(loop, fd, EPOLLIN) > 0, 'registrable again');
  assert.is(shim.loopFree(loop), 0);
}

test('terminate() a worker whose threaded loop runs (ring full, thread waiting): all released', async () => {
  const pipe = makePipe();
  writeBytes(pipe.w); // level-triggered and never drained: the thread fills the ring and waits
  const progressBefore = progressThreads();
  const { worker, info } = await startWorker('thread', pipe.r);
  assert.is(shim.fdOwnerTid(pipe.r), info.tid);
  assert.is(info.loopFds.length, 3, 'epoll, timerfd, eventfd');
  for (const n of info.loopFds) assert.is(shim.fdOwnerTid(n), info.tid);
  assert.is(progressThreads().length, progressBefore.length + 1, 'the worker\'s progress thread runs');
  await terminate(worker, progressBefore);
  assertRegistrable(pipe.r);
  for (const n of info.loopFds) assert.is(shim.fdOwnerTid(n), 0, `loop fd ${n} unregistered`);
  closeFds(pipe.r, pipe.w);
});

test('terminate() a worker holding a signal loop: fd restored, handler released by the last user', async () => {
  const pipe = makePipe();
  const found = fdState(pipe.r);
  const mainLoop = newSignalLoop(makeRing(16), SIGNO);
  assert.is(shim.start(mainLoop), 0);
  const progressBefore = progressThreads();
  const { worker, info } = await startWorker('signal', pipe.r);
  assert.equal(info.blockedBefore, { sig: 1, io: 1 }, 'blocked by the worker before creating the loop');
  assert.equal(info.blockedAfter, { sig: 0, io: 0 }, 'evw_loop_new_signal unblocked them');
  assert.equal(fdState(pipe.r), { async: true, sig: SIGNO, ownerType: 0, ownerPid: info.tid });
  assert.is(shim.stop(mainLoop), 0);
  assert.is.not(disposition(SIGNO), SIG_DFL, 'the worker still uses the handler');
  await terminate(worker, progressBefore);
  assert.equal(fdState(pipe.r), found, 'the fd is left as found');
  assert.is(disposition(SIGNO), SIG_DFL, 'the last user gone: restored');
  assertRegistrable(pipe.r);
  writeBytes(pipe.w); // no O_ASYNC, no signal to a dead thread
  assert.is(shim.loopFree(mainLoop), 0);
  closeFds(pipe.r, pipe.w);
});

test('a signal loop in a worker receives FD and TIMER entries', async () => {
  const pipe = makePipe();
  const { worker, info } = await startWorker('events', pipe.r);
  assert.is(shim.fdOwnerTid(pipe.r), info.tid);
  writeBytes(pipe.w);
  // Listened for first: Node emits the last message and 'exit' in one go.
  const reply = once(worker, 'message');
  const exited = once(worker, 'exit');
  worker.postMessage('go');
  const [r] = await reply;
  assert.equal(r.fdEntries, [{ fd: pipe.r, seq: 0, bits: EPOLLIN, kind: KIND_FD }]);
  assert.ok(r.timerEntries?.some((e) => e.kind === KIND_TIMER), JSON.stringify(r.timerEntries));
  assert.equal(info.blockedAfter, { sig: 0, io: 0 });
  await exited;
  assert.is(shim.fdOwnerTid(pipe.r), 0, 'freed by the worker itself');
  closeFds(pipe.r, pipe.w);
});

for (const mode of ['thread', 'signal']) {
  test(`terminate() a ${mode} worker: its doorbell's write end is closed after its loop, a doorbell it closed itself is not closed again`, async () => {
    const pipe = makePipe();
    const progressBefore = progressThreads();
    const { worker, info } = await startWorker(mode, pipe.r, { bell: true });
    const { bell, bellTarget, reused } = info;
    assert.ok(bellTarget?.startsWith('pipe:'), `the write end is open: ${bellTarget}`);
    writeBytes(pipe.w); // the loop rings the bell while it lives
    await terminate(worker, progressBefore);
    assert.is.not(fdTarget(bell[1]), bellTarget, 'the cleanup hook closed the write end');
    assert.is(shim.doorbellClose(bell[1]), -2, 'and unlisted it: ENOENT');
    assert.equal([fdTarget(reused.r), fdTarget(reused.w)], reused.targets,
      `the pipe that may have taken the closed doorbell's number (${reused.closedBell[1]}) stays open`);
    closeFds(pipe.r, pipe.w, bell[0], reused.r, reused.w, reused.closedBell[0]);
  });
}

test('evw_loop_free after JS freed first stays single: a second free is ENOENT', () => {
  const loop = newLoop(makeRing(16), { threaded: true });
  shim.start(loop);
  assert.is(shim.loopFree(loop), 0);
  assert.is(shim.loopFree(loop), -2);
});

test.run();
