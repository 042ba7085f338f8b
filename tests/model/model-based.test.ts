/**
 * Model-based tests: fast-check generates sequences of operations (handlers, interest sets,
 * blocking, writes, timers, virtual time, faults) that run against the simulation in every mode;
 * each run compares every delivery with the reference model. Fixed seeds here; `npm run fuzz`
 * runs longer with fresh ones and prints how to replay a failure.
 */
import fc from 'fast-check';
import { suite } from 'uvu';
import { runScenario, scenarioArb } from './runner.js';
import type { Mode } from './model.js';

const MODES: Mode[] = ['thread', 'signal', 'poll'];
const RUNS = 400;

/** Like fc.assert, but a failure also says the one command that replays the shrunk case. */
function check(mode: Mode, faulty: boolean, seed: number): void {
  const details = fc.check(fc.property(scenarioArb(faulty), (s) => runScenario(mode, s)), { seed, numRuns: RUNS });
  if (!details.failed) return;
  throw new Error(`${fc.defaultReportMessage(details)}\n\nreplay: npm run fuzz -- --mode ${mode}${faulty ? ' --faults' : ''} --seed ${details.seed} --path ${details.counterexamplePath} --runs 1`);
}

for (const mode of MODES) {
  const test = suite(`model-based (${mode})`);

  test('every delivery matches the model', () => check(mode, false, 20261122));

  test('with EINTR, ENOMEM, spurious wake-ups and a tiny signal queue: still every delivery', () => check(mode, true, 7));

  test.run();
}

/** Cases the generator once shrank to, kept so the bugs behind them stay fixed. */
const regressions = suite('model-based: regressions');

regressions('a modify refused with ENOMEM does not leave the fd disarmed (the kept re-arm survives)', () => {
  runScenario('poll', {
    seed: 911378652,
    faults: { eintr: 0, enomem: 0.3, spurious: 0, signalQueue: 0 },
    ops: [
      { op: 'add', p: 0, interest: 0 }, { op: 'modify', p: 0, interest: 1 }, { op: 'write', p: 0, n: 1 },
      { op: 'add', p: 1, interest: 0 }, { op: 'modify', p: 1, interest: 0 }, { op: 'advance', ms: 0 },
      { op: 'write', p: 0, n: 1 }, { op: 'advance', ms: 0 }, { op: 'modify', p: 0, interest: 0 },
      { op: 'write', p: 0, n: 1 },
    ],
  });
});

regressions('signal mode: a signal queued before checkMissed() drained the fd calls nobody', () => {
  runScenario('signal', {
    seed: 0,
    faults: { eintr: 0, enomem: 0, spurious: 0, signalQueue: 0 },
    ops: [
      { op: 'add', p: 1, interest: 1 }, { op: 'write', p: 1, n: 1 }, { op: 'block' }, { op: 'advance', ms: 0 },
      { op: 'write', p: 1, n: 1 }, { op: 'unblock' }, { op: 'checkMissed' }, { op: 'advance', ms: 0 },
    ],
  });
});

regressions('signal mode, edge-triggered: a modify while blocked reports the ready fd again; its bytes come once', () => {
  runScenario('signal', {
    seed: 0,
    faults: { eintr: 0, enomem: 0, spurious: 0, signalQueue: 0 },
    ops: [
      { op: 'add', p: 0, interest: 0, edge: true }, { op: 'block' }, { op: 'modify', p: 0, interest: 1 },
      { op: 'write', p: 0, n: 1 }, { op: 'advance', ms: 0 }, { op: 'modify', p: 0, interest: 1 }, { op: 'unblock' },
      { op: 'checkMissed' }, { op: 'advance', ms: 0 },
    ],
  });
});

regressions('signal mode, edge-triggered: a redundant report reads a byte written after it, early and once', () => {
  runScenario('signal', {
    seed: 0,
    faults: { eintr: 0, enomem: 0, spurious: 0, signalQueue: 0 },
    ops: [
      { op: 'add', p: 0, interest: 0, edge: true }, { op: 'block' }, { op: 'write', p: 0, n: 1 },
      { op: 'modify', p: 0, interest: 1 }, { op: 'advance', ms: 0 }, { op: 'modify', p: 0, interest: 1 },
      { op: 'unblock' }, { op: 'checkMissed' }, { op: 'block' }, { op: 'advance', ms: 0 }, { op: 'unblock' },
      { op: 'write', p: 0, n: 1 }, { op: 'checkMissed' },
    ],
  });
});

regressions.run();
