// Re-arming the one-shot fds of a signal loop (shim/sigarm.c): as few
// signals and calls as the load allows, nothing lost. A ready fd is
// reported, not armed; an idle fd is watched (kept disarmed, polled at the
// next re-arm) while the ring holds entries, armed otherwise; an fd the
// handler reported into an empty ring keeps O_ASYNC until its pass, which
// then only polls it; a queued signal for a one-shot fd that is not armed,
// or reported, is stale and reports nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, EPOLLONESHOT, KIND_FD, closeFds, makePipe, makeRing, newSignalLoop, readAll, shim, waitFor, writeBytes,
} from './helpers.mjs';
import { blockSignals, fdState, unblockSignals, SIGIO } from './sighelpers.mjs';

const SIGNO = shim.signalChoose(0);
const ONESHOT_IN = (EPOLLIN | EPOLLONESHOT) >>> 0;
const LIST = 65536;

function setup() {
  const ring = makeRing(64);
  const loop = newSignalLoop(ring, SIGNO);
  assert.is(shim.start(loop), 0);
  const pipes = [makePipe(), makePipe()];
  return {
    ring, loop, pipes,
    rearm(list) {
      ring.writeRearmList(LIST, list.map(({ pipe, seq }) => ({ fd: pipe.r, events: ONESHOT_IN, seq })));
      return shim.rearm(loop, LIST, list.length);
    },
    done: () => {
      assert.is(shim.loopFree(loop), 0);
      for (const p of pipes) closeFds(p.r, p.w);
    },
  };
}

test('a one-shot fd ready again at its re-arm is reported and stays disarmed', async () => {
  const { ring, pipes: [a], rearm, loop, done } = setup();
  const seq = shim.fdAdd(loop, a.r, ONESHOT_IN);
  writeBytes(a.w);
  assert.ok(await waitFor(() => ring.pending() === 1), 'the signal reports it');
  assert.is(fdState(a.r).async, true, 'the ring was empty: the handler left it armed (reported)');
  ring.take();
  assert.is(rearm([{ pipe: a, seq }]), 0, 'nothing watched');
  assert.equal(ring.take(), [{ fd: a.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  assert.is(fdState(a.r).async, false, 'reported by the pass, a batch to come: disarmed; its dispatch brings it back');
  readAll(a.r);
  assert.is(rearm([{ pipe: a, seq }]), 0);
  assert.is(fdState(a.r).async, true, 'idle with an empty ring: armed at once');
  done();
});

test('reported into an empty ring, a one-shot fd keeps O_ASYNC until its pass, which only polls it', async () => {
  const { ring, pipes: [a], rearm, loop, done } = setup();
  const seq = shim.fdAdd(loop, a.r, ONESHOT_IN);
  for (let round = 0; round < 3; round++) {
    writeBytes(a.w);
    assert.ok(await waitFor(() => ring.pending() === 1));
    assert.is(fdState(a.r).async, true, 'left armed, marked reported');
    ring.take();
    readAll(a.r);
    assert.is(rearm([{ pipe: a, seq }]), 0, 'idle: its pass only polls it');
    assert.is(fdState(a.r).async, true);
    assert.is(ring.pending(), 0);
  }
  done();
});

test('a change before its pass turns O_ASYNC off; the fd is then disarmed at once until it has been quiet', async () => {
  const { ring, pipes: [a], rearm, loop, done } = setup();
  const seq = shim.fdAdd(loop, a.r, ONESHOT_IN);
  writeBytes(a.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  assert.is(fdState(a.r).async, true, 'left armed, marked reported');
  writeBytes(a.w); // its signal is stale: the fd is busy
  assert.is(ring.pending(), 1, 'not reported twice');
  assert.is(fdState(a.r).async, false, 'the second signal turned O_ASYNC off');
  const cycle = async () => {
    ring.take();
    readAll(a.r);
    assert.is(rearm([{ pipe: a, seq }]), 0);
    assert.is(fdState(a.r).async, true, 'idle, empty ring: armed again');
    writeBytes(a.w);
    assert.ok(await waitFor(() => ring.pending() === 1));
    return fdState(a.r).async;
  };
  for (let quiet = 1; quiet < 8; quiet++) assert.is(await cycle(), false, `bursty: disarmed at once (${quiet} idle passes)`);
  assert.is(await cycle(), true, 'found idle by 8 passes: left armed again');
  done();
});

test('an idle fd is watched while the ring holds entries, polled by the next re-arm, armed after two', async () => {
  const { ring, pipes: [a, b], rearm, loop, done } = setup();
  const seqA = shim.fdAdd(loop, a.r, ONESHOT_IN);
  const seqB = shim.fdAdd(loop, b.r, ONESHOT_IN);
  writeBytes(a.w);
  writeBytes(b.w);
  assert.ok(await waitFor(() => ring.pending() === 2));
  ring.take();
  readAll(b.r);
  // a is still ready (its entry goes into the ring), b is drained: watched.
  assert.is(rearm([{ pipe: a, seq: seqA }, { pipe: b, seq: seqB }]), 1, 'b is watched');
  assert.is(fdState(b.r).async, false);
  assert.equal(ring.take(), [{ fd: a.r, seq: seqA, bits: EPOLLIN, kind: KIND_FD }]);
  writeBytes(b.w); // no signal: b is disarmed; the next re-arm polls it, with an empty list
  assert.is(rearm([]), 0, 'nothing watched any more');
  assert.equal(ring.take(), [{ fd: b.r, seq: seqB, bits: EPOLLIN, kind: KIND_FD }]);
  readAll(b.r);

  // Watched at most twice in a row, then armed even while the ring stays busy (a is not taken).
  assert.is(rearm([{ pipe: a, seq: seqA }, { pipe: b, seq: seqB }]), 1);
  assert.is(rearm([{ pipe: a, seq: seqA }]), 1, 'second idle poll of b');
  assert.is(fdState(b.r).async, false);
  assert.is(rearm([{ pipe: a, seq: seqA }]), 0, 'third: b armed');
  assert.is(fdState(b.r).async, true);
  ring.take();
  writeBytes(b.w);
  assert.ok(await waitFor(() => ring.take().some((e) => e.fd === b.r)), 'the armed fd signals again');
  done();
});

test('a watched fd that is removed, or modified (armed), leaves the watch list', async () => {
  const { ring, pipes: [a, b], rearm, loop, done } = setup();
  const seqA = shim.fdAdd(loop, a.r, ONESHOT_IN);
  const seqB = shim.fdAdd(loop, b.r, ONESHOT_IN);
  writeBytes(a.w);
  writeBytes(b.w);
  assert.ok(await waitFor(() => ring.pending() === 2), 'both reported (and disarmed)');
  readAll(b.r);
  assert.is(rearm([{ pipe: a, seq: seqA }, { pipe: b, seq: seqB }]), 1, 'b (drained) watched');
  assert.is(shim.fdMod(loop, b.r, ONESHOT_IN, seqB), 0);
  assert.is(fdState(b.r).async, true, 'modify arms it');
  ring.take();
  assert.is(rearm([]), 0, 'b is no longer watched');
  assert.is(shim.fdDel(loop, b.r), 0);
  assert.is(rearm([{ pipe: a, seq: seqA }]), 0, 'a still ready, nothing idle');
  assert.equal(ring.take(), [{ fd: a.r, seq: seqA, bits: EPOLLIN, kind: KIND_FD }]);
  done();
});

test('a ready fd the full ring has no room for is watched, not left to a rescan', async () => {
  const { ring, pipes: [a], rearm, loop, done } = setup();
  const seq = shim.fdAdd(loop, a.r, ONESHOT_IN);
  writeBytes(a.w);
  assert.ok(await waitFor(() => ring.pending() === 1));
  ring.take();
  const tail = new Uint32Array(ring.mem.buffer, ring.offset + 64, 1);
  Atomics.store(tail, 0, (ring.head() - ring.capacity) >>> 0); // as if the ring were full
  assert.is(rearm([{ pipe: a, seq }]), 1, 'a is watched');
  assert.is(ring.rescanRequested(), 0, 'no rescan');
  assert.is(fdState(a.r).async, false);
  Atomics.store(tail, 0, ring.head()); // consumed
  assert.is(rearm([]), 0);
  assert.equal(ring.take(), [{ fd: a.r, seq, bits: EPOLLIN, kind: KIND_FD }]);
  done();
});

test('a signal queued for a one-shot fd the handler has disarmed since reports nothing', async () => {
  const { ring, pipes: [a], loop, done } = setup();
  shim.fdAdd(loop, a.r, ONESHOT_IN);
  blockSignals(SIGNO, SIGIO);
  writeBytes(a.w);
  writeBytes(a.w); // two writes, two queued signals
  unblockSignals(SIGNO, SIGIO); // both are handled before this returns
  assert.ok(await waitFor(() => ring.pending() >= 1));
  assert.equal(ring.take(), [{ fd: a.r, seq: 0, bits: EPOLLIN, kind: KIND_FD }], 'one report, the second signal was stale');
  done();
});

test.run();
