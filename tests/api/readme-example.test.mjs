import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The README's example must run as written: take its first js block and run it in a child.
test('the README example runs as written', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const example = readme.split('## Example')[1].match(/```js\n([\s\S]*?)```/)[1];
  const file = fileURLToPath(new URL('./fixtures/readme-example.generated.mjs', import.meta.url));
  writeFileSync(file, example);
  try {
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 20000 });
    assert.is(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.is(lines[0], 'while blocked, 2 handlers had missed events');
    assert.is(lines[1], 'read "hello"');
    const ticks = Number(lines[2].match(/^(\d+) timer expirations, none lost$/)?.[1]);
    assert.ok(ticks >= 20, lines[2]);
  } finally {
    rmSync(file, { force: true });
  }
});

test.run();
