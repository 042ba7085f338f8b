// `npm run fuzz [-- --runs N] [--mode thread|signal|poll] [--faults] [--seed S --path P]`:
// the model-based tests with fresh seeds and many more runs. A failure prints the seed, the path
// and the shrunk sequence; the same flags replay exactly that case.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), 'model-tests'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(1);

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5000' },
    mode: { type: 'string' },
    faults: { type: 'boolean', default: false },
    seed: { type: 'string' },
    path: { type: 'string' },
  },
});
const fc = (await import('fast-check')).default;
const { runScenario, scenarioArb } = await import(pathToFileURL(join(root, 'build/tests/model/runner.js')).href);

const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
for (const mode of values.mode ? [values.mode] : ['thread', 'signal', 'poll']) {
  for (const faulty of values.seed !== undefined ? [values.faults] : [false, true]) {
    const params = { seed, numRuns: Number(values.runs), ...(values.path ? { path: values.path } : {}) };
    console.log(`fuzz: mode ${mode}, faults ${faulty}, seed ${seed}, ${params.numRuns} runs`);
    const details = fc.check(fc.property(scenarioArb(faulty), (s) => runScenario(mode, s)), params);
    if (details.failed) {
      console.log(fc.defaultReportMessage(details));
      console.log(`\nreplay: npm run fuzz -- --mode ${mode}${faulty ? ' --faults' : ''} --seed ${details.seed} --path ${details.counterexamplePath} --runs 1`);
      process.exit(1);
    }
  }
}
console.log('fuzz: no counterexample');
