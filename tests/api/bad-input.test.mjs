import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, openSync } from 'node:fs';
import { AsyncContext, Events, EvwheelError, addTimer, setEventHandler } from 'evwheel';
import { MODES, closeAll, closeFd, pipe, regularFileFd } from './support.mjs';

const noop = () => {};

function throwsCode(fn, code) {
  let caught;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught, `expected ${code}, nothing was thrown`);
  assert.instance(caught, EvwheelError);
  assert.is(caught.code, code, caught.message);
  return caught;
}

for (const mode of MODES) {
  const test = suite(`bad input leaves state as it was (${mode})`);
  let ctx;
  test.before.each(() => { ctx = AsyncContext.create({ mode, maxHandlers: 4 }); });
  test.after.each(() => { ctx.close(); closeAll(); });

  const unchanged = () => assert.is(ctx.stats().handlers, 0);

  test('fd that is negative, fractional or not a number', () => {
    for (const fd of [-1, 1.5, '3', null, undefined, NaN, 2 ** 40]) {
      throwsCode(() => ctx.setEventHandler(fd, Events.IN, noop), 'ERR_INVALID_ARG');
    }
    unchanged();
  });

  test('closed fd', () => {
    const [r, w] = pipe();
    closeFd(r);
    closeFd(w);
    const e = throwsCode(() => ctx.setEventHandler(r, Events.IN, noop), 'ERR_BAD_FD');
    assert.is(e.syscall, 'fcntl', 'the F_GETFD check every mode makes first');
    unchanged();
  });

  test('an fd number no process has open, however large: ERR_BAD_FD, and later fds still register', () => {
    for (const fd of [2 ** 24 - 1, 2 ** 24, 1e9, 2 ** 30, 2 ** 31 - 1]) {
      throwsCode(() => ctx.setEventHandler(fd, Events.IN, noop), 'ERR_BAD_FD');
    }
    unchanged();
    const [r] = pipe();
    ctx.setEventHandler(r, Events.IN, noop).remove();
  });

  test('regular file', () => {
    const fd = regularFileFd();
    try {
      const e = throwsCode(() => ctx.setEventHandler(fd, Events.IN, noop), 'ERR_FD_NOT_POLLABLE');
      assert.is(e.syscall, 'epoll_ctl', 'epoll refuses it (signal mode asks a throwaway epoll set)');
      unchanged();
    } finally {
      closeSync(fd);
    }
  });

  test('/dev/null (a device that cannot be polled): ERR_FD_NOT_POLLABLE in every mode', () => {
    const fd = openSync('/dev/null', 'r');
    try {
      throwsCode(() => ctx.setEventHandler(fd, Events.IN, noop), 'ERR_FD_NOT_POLLABLE');
      unchanged();
    } finally {
      closeSync(fd);
    }
  });

  test('the same fd twice, in this or any other context, or globally', () => {
    const [r] = pipe();
    const other = AsyncContext.create({ mode: mode === 'poll' ? 'thread' : 'poll' });
    try {
      const h = ctx.setEventHandler(r, Events.IN, noop);
      throwsCode(() => ctx.setEventHandler(r, Events.IN, noop), 'ERR_HANDLER_EXISTS');
      throwsCode(() => other.setEventHandler(r, Events.IN, noop), 'ERR_HANDLER_EXISTS');
      throwsCode(() => setEventHandler('thread', r, Events.IN, noop), 'ERR_HANDLER_EXISTS');
      throwsCode(() => setEventHandler('poll', r, Events.IN, noop), 'ERR_HANDLER_EXISTS');
      assert.is(ctx.stats().handlers, 1);
      assert.is(other.stats().handlers, 0);
      assert.is(h.events, Events.IN);
    } finally {
      other.close();
    }
  });

  test('events outside the known bits', () => {
    const [r] = pipe();
    for (const ev of [0x20, 0x2000, -1, 1.5, 'IN', null]) {
      throwsCode(() => ctx.setEventHandler(r, ev, noop), 'ERR_INVALID_ARG');
    }
    unchanged();
  });

  test('interval that is not a finite positive number', () => {
    for (const iv of [0, -1, NaN, Infinity, '5', null, undefined, 9e12, 2 ** 53]) {
      throwsCode(() => ctx.addTimer(iv, noop), 'ERR_INVALID_ARG');
    }
    unchanged();
  });

  test('callback that is not a function', () => {
    const [r] = pipe();
    for (const cb of [undefined, null, 1, 'f', {}]) {
      throwsCode(() => ctx.setEventHandler(r, Events.IN, cb), 'ERR_INVALID_ARG');
      throwsCode(() => ctx.addTimer(1, cb), 'ERR_INVALID_ARG');
    }
    unchanged();
  });

  test('options of the wrong type', () => {
    const [r] = pipe();
    throwsCode(() => ctx.setEventHandler(r, Events.IN, noop, { edge: 1 }), 'ERR_INVALID_ARG');
    throwsCode(() => ctx.addTimer(1, noop, { once: 'yes' }), 'ERR_INVALID_ARG');
    throwsCode(() => ctx.addTimer(1, noop, 5), 'ERR_INVALID_ARG');
    unchanged();
  });

  test('more handlers than maxHandlers', () => {
    for (let i = 0; i < 4; i++) ctx.addTimer(1000, noop);
    const [r] = pipe();
    throwsCode(() => ctx.addTimer(1000, noop), 'ERR_CONTEXT_FULL');
    throwsCode(() => ctx.setEventHandler(r, Events.IN, noop), 'ERR_CONTEXT_FULL');
    assert.is(ctx.stats().handlers, 4);
    // The fd was not taken by the failed registration.
    const g = setEventHandler(mode, r, Events.IN, noop);
    g.remove();
  });

  test('use after close', () => {
    const [r] = pipe();
    ctx.close();
    throwsCode(() => ctx.setEventHandler(r, Events.IN, noop), 'ERR_CONTEXT_CLOSED');
    throwsCode(() => ctx.addTimer(1, noop), 'ERR_CONTEXT_CLOSED');
    throwsCode(() => ctx.block(), 'ERR_CONTEXT_CLOSED');
    throwsCode(() => ctx.unblock(), 'ERR_CONTEXT_CLOSED');
    throwsCode(() => ctx.checkMissed(), 'ERR_CONTEXT_CLOSED');
    throwsCode(() => ctx.poll(), 'ERR_CONTEXT_CLOSED');
    const g = setEventHandler(mode, r, Events.IN, noop);
    g.remove();
  });

  test.run();
}

const test = suite('bad context options and modes');

test('unknown mode', () => {
  throwsCode(() => AsyncContext.create({ mode: 'epoll' }), 'ERR_INVALID_ARG');
  throwsCode(() => setEventHandler('fast', 0, Events.IN, noop), 'ERR_INVALID_ARG');
  throwsCode(() => addTimer(undefined, 1, noop), 'ERR_INVALID_ARG');
});

test('maxHandlers < 1 or not an integer', () => {
  for (const m of [0, -3, 1.5, '8', NaN]) throwsCode(() => AsyncContext.create({ maxHandlers: m }), 'ERR_INVALID_ARG');
});

test('options that are not an object', () => {
  throwsCode(() => AsyncContext.create('thread'), 'ERR_INVALID_ARG');
  throwsCode(() => AsyncContext.create(null), 'ERR_INVALID_ARG');
});

test('a signal that is not a realtime signal, or not a number', () => {
  throwsCode(() => AsyncContext.create({ mode: 'signal', signal: 2 }), 'ERR_INVALID_ARG');
  for (const s of [0, 65, 1.5, '40']) throwsCode(() => AsyncContext.create({ mode: 'signal', signal: s }), 'ERR_INVALID_ARG');
});

test('a signal given outside signal mode', () => {
  for (const mode of ['thread', 'poll']) throwsCode(() => AsyncContext.create({ mode, signal: 40 }), 'ERR_INVALID_ARG');
  throwsCode(() => AsyncContext.create({ signal: 40 }), 'ERR_INVALID_ARG');
});

test.run();
