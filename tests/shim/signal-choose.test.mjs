// evw_signal_choose: the default, a requested signal, busy and invalid ones,
// and reuse of the signal this process already uses for signal mode.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errno, makeRing, newSignalLoop, shim } from './helpers.mjs';
import { SIGRTMAX, SIGRTMIN, SIG_DFL, SIG_IGN, disposition, setDisposition } from './sighelpers.mjs';

const firstDefault = () => {
  for (let s = SIGRTMIN; s <= SIGRTMAX; s++) if (disposition(s) === SIG_DFL) return s;
  return -errno.EAGAIN;
};

test('default: the first realtime signal with the default disposition', () => {
  const chosen = shim.signalChoose(0);
  assert.is(chosen, firstDefault());
  assert.ok(chosen >= SIGRTMIN && chosen <= SIGRTMAX);
});

test('default skips a realtime signal someone else took', () => {
  const taken = firstDefault();
  setDisposition(taken, SIG_IGN);
  try {
    const chosen = shim.signalChoose(0);
    assert.ok(chosen > taken, `${chosen} after ${taken}`);
  } finally {
    setDisposition(taken, SIG_DFL);
  }
});

test('a requested free realtime signal is returned as is', () => {
  assert.is(shim.signalChoose(SIGRTMIN + 6), SIGRTMIN + 6);
  assert.is(shim.signalChoose(SIGRTMAX), SIGRTMAX);
});

test('a requested signal with a foreign disposition is EBUSY', () => {
  const sig = SIGRTMIN + 7;
  setDisposition(sig, SIG_IGN);
  try {
    assert.is(shim.signalChoose(sig), -errno.EBUSY);
  } finally {
    setDisposition(sig, SIG_DFL);
  }
  assert.is(shim.signalChoose(sig), sig);
});

test('a signal outside SIGRTMIN..SIGRTMAX is EINVAL', () => {
  for (const sig of [-1, 10, 29, SIGRTMIN - 1, SIGRTMAX + 1, 1000]) {
    assert.is(shim.signalChoose(sig), -errno.EINVAL, `signal ${sig}`);
  }
});

test('the signal of a live signal loop is reused, and ours is not busy', () => {
  const sig = SIGRTMIN + 9;
  const loop = newSignalLoop(makeRing(16), sig);
  assert.is(shim.signalChoose(0), sig, 'created, not started');
  assert.is(shim.start(loop), 0);
  assert.is.not(disposition(sig), SIG_DFL, 'our handler is installed');
  assert.is(shim.signalChoose(0), sig);
  assert.is(shim.signalChoose(sig), sig, 'our own handler does not make it busy');
  assert.is(shim.loopFree(loop), 0);
  assert.is(disposition(sig), SIG_DFL);
  assert.is(shim.signalChoose(0), firstDefault());
});

test('evw_loop_new_signal refuses a non-realtime signal', () => {
  const err = [0];
  const ring = makeRing(16);
  assert.is(shim.loopNewSignalRaw(ring.u8, ring.offset, -1, 10, err), null);
  assert.is(err[0], -errno.EINVAL);
});

test.run();
