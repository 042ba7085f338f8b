import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/overflow.mjs', import.meta.url));

test('signal mode: a realtime-queue overflow loses no readiness (RLIMIT_SIGPENDING lowered)', () => {
  const r = spawnSync(process.execPath, [fixture, '8'], { encoding: 'utf8', timeout: 30000 });
  assert.is(r.status, 0, r.stderr);
  const { delivered, rescans } = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.is(delivered, 64, 'every handler was called');
  assert.ok(rescans >= 1, 'the overflow was seen and every fd polled again');
});

test.run();
