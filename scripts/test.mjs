// `npm test`: type-checks the API, then runs each suite folder in its own process (so a native
// thread or fd leaked by one suite cannot hide in another), and ends with one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** [folder, file pattern]: the model-based tests are TypeScript, bundled into build/tests/model. */
const suites = [
  ['tests/core', '\\.test\\.mjs$'],
  ['tests/shim', '\\.test\\.mjs$'],
  ['tests/api', '\\.test\\.mjs$'],
  ['tests/sim', '\\.test\\.mjs$'],
  ['tests/simulation', '\\.test\\.mjs$'],
  ['build/tests/model', '\\.test\\.js$'],
];

if (!['build/core.wasm', 'build/libevwheel.so', 'dist/index.js'].every((f) => existsSync(join(root, f)))) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}

const modelTests = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), 'model-tests'], { cwd: root, stdio: 'inherit' });
if (modelTests.status !== 0) process.exit(1);

const types = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit' });
let failed = types.status === 0 ? 0 : 1;
let passed = types.status === 0 ? 1 : 0;
let skipped = 0;

for (const [suite, pattern] of suites) {
  const r = spawnSync(process.execPath, [join(root, 'node_modules/uvu/bin.js'), suite, pattern], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 10 * 60 * 1000,
  });
  process.stdout.write(r.stdout ?? '');
  const count = (label) => Number((r.stdout ?? '').match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? 0);
  const total = count('Total');
  passed += count('Passed');
  skipped += count('Skipped');
  failed += total - count('Passed') - count('Skipped');
  if (r.status !== 0 && total === count('Passed') + count('Skipped')) failed += 1; // crashed or timed out
  if (total === 0) failed += 1;
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && skipped === 0 ? 0 : 1);
