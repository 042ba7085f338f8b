// Signal loops: the POSIX timer (TIMER entries through the handler) and a
// full ring (rescanRequested instead of an entry, nothing written outside).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, KIND_FD, KIND_TIMER, closeFds, errno, makePipe, makeRing, newSignalLoop, readAll,
  shim, sleep, waitFor, writeBytes,
} from './helpers.mjs';

const SIGNO = shim.signalChoose(0);

function setup(capacity = 16) {
  const ring = makeRing(capacity);
  const bell = [0, 0];
  shim.doorbellNew(bell);
  const loop = newSignalLoop(ring, SIGNO, { bellFd: bell[1] });
  assert.is(shim.start(loop), 0);
  return { ring, loop, bell, done: () => { assert.is(shim.loopFree(loop), 0); closeFds(...bell); } };
}

test('a timer armed 0.2 ms ahead writes a TIMER entry and rings the bell', async () => {
  const { ring, loop, bell, done } = setup();
  assert.is(shim.armTimer(loop, shim.clockNs() + 200e3), 0);
  assert.ok(await waitFor(() => ring.pending() === 1), 'the timer fired');
  assert.equal(ring.take(), [{ fd: 0, seq: 0, bits: 0, kind: KIND_TIMER }]);
  assert.ok(await waitFor(() => readAll(bell[0]) === 1));
  await sleep(5);
  assert.is(ring.pending(), 0, 'one shot');
  done();
});

test('a deadline in the past fires at once; a disarmed timer never', async () => {
  const { ring, loop, done } = setup();
  assert.is(shim.armTimer(loop, 0), 0);
  assert.ok(await waitFor(() => ring.pending() === 1));
  ring.take();
  shim.armTimer(loop, shim.clockNs() + 5e6);
  assert.is(shim.armTimer(loop, -1), 0);
  await sleep(30);
  assert.is(ring.pending(), 0);
  assert.is(shim.armTimer(loop, NaN), -errno.EINVAL);
  done();
});

test('a deadline armed while stopped is kept and armed at start', async () => {
  const ring = makeRing(16);
  const loop = newSignalLoop(ring, SIGNO);
  assert.is(shim.armTimer(loop, shim.clockNs() + 100e3), 0);
  await sleep(5);
  assert.is(ring.pending(), 0, 'no timer before start');
  shim.start(loop);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.is(ring.take()[0].kind, KIND_TIMER);
  shim.loopFree(loop);
});

test('a full ring: rescanRequested is set, nothing is written outside the ring', () => {
  const { ring, loop, bell, done } = setup(16);
  const pipes = Array.from({ length: 20 }, () => makePipe());
  for (const p of pipes) assert.ok(shim.fdAdd(loop, p.r, EPOLLIN) > 0);
  for (const p of pipes) writeBytes(p.w);
  assert.is(ring.pending(), 16, 'full');
  assert.is(ring.rescanRequested(), 1);
  assert.ok(ring.guardsIntact(), 'guards and header gaps untouched');
  assert.is(readAll(bell[0]), 1);
  ring.setRescanRequested(0);
  ring.take();
  // The rescan reports every ready fd (and the timer) that fits.
  assert.is(shim.rescan(loop), 16);
  assert.is(ring.rescanRequested(), 1, 'still more than fits');
  const first = ring.take();
  ring.setRescanRequested(0);
  assert.is(shim.rescan(loop), 16);
  const second = ring.take();
  const seen = new Set([...first, ...second].filter((e) => e.kind === KIND_FD).map((e) => e.fd));
  assert.is(seen.size, 20, 'the cursor moved on: every fd reported over two rescans');
  assert.ok(ring.guardsIntact());
  for (const p of pipes) closeFds(p.r, p.w);
  done();
});

test('a pipe whose writer closed: HUP, as epoll says (the kernel signals POLL_IN; the handler polls)', () => {
  const { ring, loop, done } = setup();
  const p = makePipe();
  shim.fdAdd(loop, p.r, EPOLLIN);
  closeFds(p.w);
  assert.equal(ring.take(), [{ fd: p.r, seq: 0, bits: 0x10, kind: KIND_FD }]);
  shim.fdDel(loop, p.r);
  closeFds(p.r);
  done();
});

test.run();
