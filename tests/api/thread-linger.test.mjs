// An idle progress thread stays for a grace period before it is joined, so a handler that comes
// and goes (a timeout set and cleared per request) does not start and join a thread each time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncContext } from 'evwheel';
import { progressThreadIds, until } from './support.mjs';

const test = suite('progress thread grace period');
const noop = () => {};

test('right after the last removal the thread still runs, and a new handler reuses it', () => {
  const ctx = AsyncContext.create({ mode: 'thread' });
  ctx.addTimer(1000, noop).remove();
  const running = progressThreadIds();
  assert.ok(running.length >= 1, 'still running after the last removal');
  const again = ctx.addTimer(1000, noop);
  assert.equal(progressThreadIds(), running, 'no thread started or joined');
  again.remove();
  ctx.close();
});

test('a handler re-added within the grace period is served by the lingering thread', async () => {
  const ctx = AsyncContext.create({ mode: 'thread' });
  ctx.addTimer(1000, noop).remove();
  let fired = 0;
  const t = ctx.addTimer(1, () => { fired++; });
  await until(() => fired >= 3, { ms: 5000 });
  t.remove();
  ctx.close();
});

test('once the grace period is over, the idle thread is stopped and joined', async () => {
  const ctx = AsyncContext.create({ mode: 'thread' });
  ctx.addTimer(1000, noop).remove();
  ctx.close();
  await until(() => progressThreadIds().length === 0, { ms: 5000 });
});

test('an idle lingering thread does not keep the process alive', async () => {
  const { spawnSync } = await import('node:child_process');
  const script = "import('evwheel').then(({ AsyncContext }) => { const c = AsyncContext.create(); c.addTimer(1000, () => {}).remove(); })";
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 20000, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.ok(Date.now() - started < 15000, 'exited by itself');
});

test.run();
