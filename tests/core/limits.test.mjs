// What the core refuses because it cannot hold it: fds beyond its fd map, handlers beyond its
// memory. A refusal is an error code and changes nothing; it never traps or hangs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { E, EV, FLAG, STAT, setup } from './harness.mjs';

const FD_LIMIT = 2 ** 24;

test('an fd at or beyond 2^24 is E_FD_RANGE; the fd map and later adds are untouched', () => {
  const { x, global } = setup();
  const before = x.fdAdd(global, 5, EV.IN, FLAG.REARM);
  for (const fd of [FD_LIMIT, 2 ** 28, 2 ** 30, 2 ** 31 - 1]) {
    assert.is(x.fdAdd(global, fd, EV.IN, FLAG.REARM), E.FD_RANGE, `fd ${fd}`);
    assert.is(x.fdHandlerSlot(fd), -1);
  }
  assert.is(x.fdHandlerSlot(5), before);
  const last = x.fdAdd(global, FD_LIMIT - 1, EV.IN, FLAG.REARM);
  assert.ok(last >= 0);
  assert.is(x.fdHandlerSlot(FD_LIMIT - 1), last);
  assert.ok(x.timerAdd(global, 1000, 0, 0) >= 0, 'the core still allocates');
});

test('when memory cannot hold another handler: E_NO_MEMORY, nothing half-made, room after a removal', () => {
  const { x, loop, global } = setup();
  const ctx = x.ctxCreate(loop, 2 ** 30);
  let count = 0;
  let last = -1;
  let rc;
  while ((rc = x.timerAdd(ctx, 1e9 + count, 0, 0)) >= 0) {
    last = rc;
    count++;
    if (count > 2 ** 24) assert.unreachable('no limit reached');
  }
  assert.is(rc, E.NO_MEMORY);
  assert.is(x.ctxStat(ctx, STAT.handlers), count);
  assert.ok(count >= 2 ** 22, `${count} handlers before memory ran out`);
  assert.is(x.fdAdd(global, 3, EV.IN, FLAG.REARM), E.NO_MEMORY, 'an fd handler is refused the same way');
  assert.is(x.fdHandlerSlot(3), -1);
  x.handlerRemove(last);
  assert.ok(x.timerAdd(ctx, 1e9, 0, 0) >= 0, 'a freed slot is reused without growing');
});

test.run();
