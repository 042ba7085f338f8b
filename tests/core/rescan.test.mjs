// Signal loops: the handler cannot know seqs and cannot wait for space, so the core accepts seq 0
// as "the current registration" and turns RESCAN entries / rescanRequested into loopTakeRescan.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, addFd, drainNew, EV, KIND } from './harness.mjs';

const test = suite('rescan and seq 0');

test('an FD entry with seq 0 is delivered to the fd\'s current handler', () => {
  const { core, x, loop, global, producer } = setup();
  addFd(x, global, 5, EV.IN);
  producer.fd(5, 0, EV.IN);
  const got = drainNew(core, loop);
  assert.is(got.length, 1);
  assert.is(got[0].value, EV.IN);
});

test('a RESCAN entry is reported once by loopTakeRescan', () => {
  const { core, x, loop, producer } = setup();
  assert.is(x.loopTakeRescan(loop), 0);
  producer.publish([{ fd: 0, kind: KIND.RESCAN }]);
  drainNew(core, loop);
  assert.is(x.loopTakeRescan(loop), 1);
  assert.is(x.loopTakeRescan(loop), 0);
});

test('rescanRequested in the header is taken (and cleared) by the next drain', () => {
  const { core, x, loop, producer } = setup();
  producer.setField('rescanRequested', 1);
  drainNew(core, loop);
  assert.is(producer.field('rescanRequested'), 0);
  assert.is(x.loopTakeRescan(loop), 1);
});

test('a rescan forgets the armed deadline, so the timer is armed afresh', () => {
  const { core, x, loop, global, producer } = setup();
  x.timerAdd(global, 1000, 0, 0);
  assert.is(x.loopTimerToArm(loop), 1000);
  assert.is(x.loopTimerToArm(loop), -1, 'already armed');
  producer.publish([{ fd: 0, kind: KIND.RESCAN }]);
  drainNew(core, loop, 10);
  assert.is(x.loopTimerToArm(loop), 1000);
});

test.run();
