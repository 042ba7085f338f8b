import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MODES } from './support.mjs';

const fixture = fileURLToPath(new URL('./fixtures/lifetime.mjs', import.meta.url));

/** Runs the fixture; resolves with its exit code, output and lifetime, killing it after `limit` ms. */
function runChild(args, limit) {
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(process.execPath, [fixture, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const killer = setTimeout(() => child.kill('SIGKILL'), limit);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, out, err, ms: Date.now() - start });
    });
  });
}

for (const mode of MODES) {
  const test = suite(`process lifetime (${mode})`);

  test('a process whose handlers are all unref\'d exits by itself', async () => {
    const r = await runChild([mode, 'unref'], 20000);
    assert.is(r.signal, null, `killed: still alive after 20 s\n${r.err}`);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /registered/);
  });

  test('a ref\'d handler keeps the process alive until close()', async () => {
    const r = await runChild([mode, 'ref-until-close', '700'], 20000);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /closed/);
    assert.ok(r.ms >= 650, `exited after ${r.ms} ms, before close()`);
  });

  test('a timer group with timers keeps the process alive until clear()', async () => {
    const r = await runChild([mode, 'group-until-clear', '700'], 20000);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /cleared/);
    assert.ok(r.ms >= 650, `exited after ${r.ms} ms, before clear()`);
  });

  test('without close(), a ref\'d handler keeps it alive', async () => {
    const r = await runChild([mode, 'ref-until-close', '100000'], 1500);
    assert.is(r.signal, 'SIGKILL', 'it should still have been running');
  });

  test('process.exit() while events flow exits cleanly', async () => {
    const r = await runChild([mode, 'exit-while-flowing', '300'], 20000);
    assert.is(r.signal, null, `hung or crashed: ${r.signal}\n${r.err}`);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /exiting after \d+ bytes/);
    assert.not.match(r.out, /exiting after 0 bytes/);
  });

  test('once evwheel has shut down for exit, registering (a group timer too) says ERR_CONTEXT_CLOSED; remove() is still a no-op', async () => {
    const r = await runChild([mode, 'register-at-exit'], 20000);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, 'ERR_CONTEXT_CLOSED ERR_CONTEXT_CLOSED ERR_CONTEXT_CLOSED ERR_CONTEXT_CLOSED ERR_CONTEXT_CLOSED ok');
  });

  test.run();
}
