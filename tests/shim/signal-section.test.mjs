// The producer section of a signal loop (shim/sigdefer.c): a re-arm pass runs without blocking
// the signal, so a signal can interrupt it; the handler must then leave its event to the pass,
// which replays it on the way out. Lost, it would never come back: the fd it stands for was armed
// and idle when the pass polled it. Made deterministic on the real kernel by the pass's own
// doorbell write: the doorbell's read end is a registered fd, so ringing it signals this thread,
// and the kernel runs the handler on return from that write(2), in the middle of the pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, EPOLLONESHOT, KIND_FD, closeFds, makePipe, makeRing, newSignalLoop, readAll, shim, writeBytes,
} from './helpers.mjs';
import { fdState, isBlocked, SIGIO } from './sighelpers.mjs';

const SIGNO = shim.signalChoose(0);
const ONESHOT_IN = (EPOLLIN | EPOLLONESHOT) >>> 0;
const LIST = 65536;

test('a signal that interrupts a re-arm pass is reported when the pass ends', () => {
  const ring = makeRing(64);
  const bell = makePipe();
  const a = makePipe();
  const loop = newSignalLoop(ring, SIGNO, { bellFd: bell.w });
  assert.is(shim.start(loop), 0);
  const rearm = (list) => {
    ring.writeRearmList(LIST, list);
    return shim.rearm(loop, LIST, list.length);
  };
  const seqBell = shim.fdAdd(loop, bell.r, ONESHOT_IN);
  const seqA = shim.fdAdd(loop, a.r, ONESHOT_IN);

  writeBytes(a.w); // the handler reports a and rings the bell; the bell's own signal follows
  assert.equal(ring.take().map((e) => e.fd).sort(), [a.r, bell.r].sort());
  readAll(bell.r);
  assert.is(rearm([{ fd: bell.r, events: ONESHOT_IN, seq: seqBell }]), 0);
  assert.is(fdState(bell.r).async, true, 'the bell is armed again (idle, empty ring)');

  // The pass reports a (still unread) and rings the armed bell: the bell's signal comes while the
  // pass holds the section.
  ring.setBellArmed(1);
  assert.is(rearm([{ fd: a.r, events: ONESHOT_IN, seq: seqA }]), 0);
  assert.is(ring.bellArmed(), 0, 'the pass rang the bell');
  assert.equal(ring.take(), [
    { fd: a.r, seq: seqA, bits: EPOLLIN, kind: KIND_FD },
    { fd: bell.r, seq: 0, bits: EPOLLIN, kind: KIND_FD },
  ], 'the signal that came during the pass is replayed after it');
  assert.is(isBlocked(SIGNO), 0, 'the pass leaves the mask as it found it');
  assert.is(isBlocked(SIGIO), 0);
  assert.is(shim.loopFree(loop), 0);
  closeFds(bell.r, bell.w, a.r, a.w);
});

test.run();
