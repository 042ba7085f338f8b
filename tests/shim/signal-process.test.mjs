// Signal loops against process-wide state, each scenario in a child
// process: realtime-queue overflow (RLIMIT_SIGPENDING lowered) and the
// dispositions found before the first start. Plus errno across the handler.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import koffi from 'koffi';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EPOLLIN, KIND_FD, closeBell, closeFds, makePipe, makeRing, newSignalLoop, readAll, shim, writeBytes,
} from './helpers.mjs';

const child = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'signal-child.mjs');

function runChild(scenario) {
  const r = spawnSync(process.execPath, [child, scenario], { encoding: 'utf8', timeout: 20000 });
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function assertEveryFdOnce(r) {
  assert.is(r.limited, 0, 'setrlimit');
  assert.is(r.preexisting, 0);
  assert.ok(r.rescanEntries >= 1, 'SIGIO wrote a RESCAN entry');
  assert.ok(r.fdsBefore < 64, `the queue overflowed (${r.fdsBefore} signals got through)`);
  assert.is(r.timersAfter, 1);
  assert.is(r.fdsAfter.length, 64, 'one entry per fd, none twice');
  assert.equal([...r.fdsAfter].sort((a, b) => a - b), [...r.expected].sort((a, b) => a - b));
  assert.is(r.rescan, 65);
}

test('overflow: SIGIO → RESCAN; the rescan reports each of the 64 fds exactly once', () => {
  const r = runChild('overflow');
  assertEveryFdOnce(r);
  assert.is(r.late, 0);
});

test('overflow: a rescan while the signals are still queued flushes them (no stale entry later)', () => {
  const r = runChild('overflow-flush');
  assertEveryFdOnce(r);
  assert.is(r.fdsBefore, 0, 'the signal was blocked: nothing before the rescan');
  assert.is(r.late, 0, 'the flushed signals never arrive');
});

test('dispositions: installed at start, restored as found at the last stop and at free', () => {
  const r = runChild('restore');
  assert.equal(r.found, { sig: 0, io: 1 }, 'SIG_DFL for the signal, SIG_IGN for SIGIO');
  assert.ok(r.started.sig > 1 && r.started.io === r.started.sig, 'one handler for both');
  assert.equal(r.stopped, r.found);
  assert.equal(r.freed, r.found);
});

test('errno is preserved by the handler (its doorbell write fails with EAGAIN)', () => {
  const ring = makeRing(16);
  const bell = [0, 0];
  shim.doorbellNew(bell);
  while (writeBytes(bell[1], 4096) > 0);
  const loop = newSignalLoop(ring, shim.signalChoose(0), { bellFd: bell[1] });
  shim.start(loop);
  const pipe = makePipe();
  shim.fdAdd(loop, pipe.r, EPOLLIN);
  koffi.errno(1234);
  writeBytes(pipe.w);
  const after = koffi.errno();
  assert.equal(ring.take(), [{ fd: pipe.r, seq: 0, bits: EPOLLIN, kind: KIND_FD }], 'the handler ran');
  assert.is(ring.bellArmed(), 0, 'and tried the doorbell');
  assert.is(after, 1234);
  shim.loopFree(loop);
  readAll(bell[0]);
  closeFds(pipe.r, pipe.w);
  closeBell(bell);
});

test.run();
