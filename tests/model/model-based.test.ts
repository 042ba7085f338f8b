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
const RUNS = 250;

for (const mode of MODES) {
  const test = suite(`model-based (${mode})`);

  test('every delivery matches the model', () => {
    fc.assert(fc.property(scenarioArb(false), (s) => runScenario(mode, s)), { seed: 20261122, numRuns: RUNS });
  });

  test('with EINTR, ENOMEM, spurious wake-ups and a tiny signal queue: still every delivery', () => {
    fc.assert(fc.property(scenarioArb(true), (s) => runScenario(mode, s)), { seed: 7, numRuns: RUNS });
  });

  test.run();
}
