import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

// What a TypeScript user compiles against: the published declarations, reached through the
// package's own exports map ('evwheel', 'evwheel/sim'), in a strict NodeNext project.
test('the published types carry the public API and nothing of the runtime', () => {
  const r = spawnSync(process.execPath, [
    'node_modules/typescript/bin/tsc', '--noEmit', '--strict', '--skipLibCheck', '--target', 'ES2022',
    '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node',
    'tests/api/fixtures/consumer.ts',
  ], { cwd: root, encoding: 'utf8', timeout: 60000 });
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test.run();
