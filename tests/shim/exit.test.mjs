// process.exit() while a progress thread runs: the shim's exit handler stops
// and joins it, so the process exits 0, promptly, without a crash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const child = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'exit-child.mjs');

function runChild(mode) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [child, mode], { encoding: 'utf8', timeout: 15000 });
  return { ...r, ms: Date.now() - started };
}

test('exit while events flow: status 0, no signal, prompt', () => {
  const r = runChild('flowing');
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  assert.ok(r.ms < 10000);
  const stats = JSON.parse(r.stdout);
  assert.ok(stats.consumed > 0, 'events were flowing');
  assert.ok(stats.rings > 0, 'the doorbell woke Node');
});

test('exit while the thread waits on a full ring: status 0, prompt', () => {
  const r = runChild('full');
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).pending, 64, 'the ring was full');
});

test.run();
