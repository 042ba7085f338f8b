// The add result area: what fdAdd / timerAdd leave beside the slot, so TS needs one call per add.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, EV } from './harness.mjs';

const test = suite('add result');

const addResult = ({ x, memory }) => new Int32Array(memory.buffer, x.addResultAddress(), 2);

test('it names the generation handlerGen gives, for timers and fds, also after a slot is reused', () => {
  const { core, x, global } = setup();
  const first = x.timerAdd(global, 1000, 0, 0);
  assert.is(addResult(core)[0], x.handlerGen(first));
  x.handlerRemove(first);
  const reused = x.fdAdd(global, 7, EV.IN, 0);
  assert.is(reused, first, 'the freed slot is reused');
  assert.is(addResult(core)[0], x.handlerGen(reused));
  assert.is.not(x.handlerGen(reused), 1);
});

test('mayArm is set exactly when loopTimerToArm has a deadline to give after the add', () => {
  const { core, x, loop, global } = setup();
  x.timerAdd(global, 5000, 0, 0);
  assert.is(addResult(core)[1], 1, 'nothing armed yet');
  assert.is(x.loopTimerToArm(loop), 5000);
  x.timerAdd(global, 9000, 0, 0);
  assert.is(addResult(core)[1], 0, 'later than the armed deadline');
  assert.is(x.loopTimerToArm(loop), -1);
  x.timerAdd(global, 2000, 0, 0);
  assert.is(addResult(core)[1], 1, 'earlier than the armed deadline');
  assert.is(x.loopTimerToArm(loop), 2000);
});

test('a failed add leaves the previous result alone', () => {
  const { core, x, global } = setup();
  const slot = x.timerAdd(global, 1000, 0, 0);
  const before = [...addResult(core)];
  assert.ok(x.timerAdd(global, -1, 0, 0) < 0);
  assert.equal([...addResult(core)], before);
  assert.is(before[0], x.handlerGen(slot));
});

test.run();
