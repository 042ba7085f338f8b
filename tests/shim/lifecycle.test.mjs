// Threads and fds come and go with their loops: nothing leaks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readlinkSync } from 'node:fs';
import {
  EPOLLIN, closeFds, liveFds, makePipe, makeRing, newLoop, openFds, shim, progressThreads, writeBytes,
} from './helpers.mjs';

test('start/stop/free 50 times leaves no thread and no fd behind', () => {
  const pipe = makePipe();
  const threads = progressThreads().length;
  const fds = openFds();
  for (let i = 0; i < 50; i++) {
    const loop = newLoop(makeRing(16), { threaded: true });
    shim.fdAdd(loop, pipe.r, EPOLLIN);
    assert.is(shim.start(loop), 0);
    assert.is(progressThreads().length, threads + 1);
    assert.is(shim.stop(loop), 0);
    assert.is(shim.start(loop), 0);
    assert.is(shim.loopFree(loop), 0, 'free stops a running thread');
  }
  assert.is(progressThreads().length, threads);
  assert.is(openFds(), fds);
  closeFds(pipe.r, pipe.w);
});

test('a busy thread (level-triggered, ring refilled) still stops promptly', () => {
  const ring = makeRing(4);
  const loop = newLoop(ring, { threaded: true });
  const pipe = makePipe();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  writeBytes(pipe.w);
  shim.start(loop);
  const until = Date.now() + 50;
  while (Date.now() < until) {
    ring.take();
    shim.wake(loop);
  }
  assert.is(shim.loopFree(loop), 0);
  closeFds(pipe.r, pipe.w);
});

test("the loop's fds are close-on-exec", () => {
  const fdsBefore = new Set(liveFds());
  const loop = newLoop(makeRing(16), { threaded: true });
  const created = liveFds().filter((fd) => !fdsBefore.has(fd));
  assert.is(created.length, 3);
  for (const fd of created) {
    const flags = /flags:\s+([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))[1];
    assert.ok(parseInt(flags, 8) & 0o2000000, `fd ${fd} (${readlinkSync(`/proc/self/fd/${fd}`)}) has O_CLOEXEC`);
  }
  shim.loopFree(loop);
});

test('the progress thread blocks every signal', () => {
  const before = new Set(progressThreads());
  const loop = newLoop(makeRing(16), { threaded: true });
  shim.start(loop);
  const started = progressThreads().filter((tid) => !before.has(tid));
  assert.is(started.length, 1);
  const status = readFileSync(`/proc/self/task/${started[0]}/status`, 'utf8');
  const blocked = BigInt('0x' + /SigBlk:\s+([0-9a-f]+)/.exec(status)[1]);
  // A sample of 1..31 and of the realtime range (glibc keeps 32 and 33 for
  // itself; SIGKILL and SIGSTOP cannot be blocked at all).
  for (const sig of [1, 2, 10, 12, 13, 14, 15, 17, 29, 34, 35, 40, 64]) {
    assert.ok(blocked & (1n << BigInt(sig - 1)), `signal ${sig} is blocked`);
  }
  shim.loopFree(loop);
});

test.run();
