import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AsyncContext, Events, modifyHandler } from 'evwheel';
import { MODES, closeAll, drain, pipe, progressThreads as threads, sleep, until, writeBytes } from './support.mjs';

const script = new URL('./fixtures/worker.mjs', import.meta.url);

/** Starts a worker on `fds`; resolves once it has registered them. */
function startWorker(mode, fds) {
  const worker = new Worker(script, { workerData: { mode, fds } });
  const state = { worker, bytes: 0, closed: false, error: undefined };
  worker.on('error', (e) => { state.error = e; });
  return new Promise((resolve, reject) => {
    worker.on('message', (m) => {
      if (m.ready) resolve(state);
      if (typeof m.bytes === 'number') state.bytes = m.bytes;
      if (m.closed) state.closed = true;
    });
    worker.on('error', reject);
  });
}

const test = suite('worker threads');
test.after.each(() => closeAll());

for (const mode of MODES) {
  test(`eight workers, each with its own ${mode} context, receive what the main thread writes`, async () => {
    const before = threads();
    const lanes = Array.from({ length: 8 }, () => [pipe(), pipe()]);
    const workers = await Promise.all(lanes.map((pipes) => startWorker(mode, pipes.map(([r]) => r))));
    for (let round = 1; round <= 5; round++) {
      for (const pipes of lanes) for (const [, w] of pipes) writeBytes(w, 7);
      await until(() => workers.every((s) => s.bytes === round * 14), { ms: 10000 });
    }
    for (const s of workers) s.worker.postMessage('close');
    await until(() => workers.every((s) => s.closed), { ms: 10000 });
    await Promise.all(workers.map((s) => s.worker.terminate()));
    assert.ok(workers.every((s) => !s.error), String(workers.find((s) => s.error)?.error));
    await until(() => threads() <= before, { ms: 10000 });
  });

  test(`a ${mode} worker terminated mid-stream releases its thread, timer, signals and fds; the others go on`, async () => {
    const before = threads();
    const [victimPipe, survivorPipe] = [pipe(), pipe()];
    const victim = await startWorker(mode, [victimPipe[0]]);
    const survivor = await startWorker(mode, [survivorPipe[0]]);
    const writer = setInterval(() => { writeBytes(victimPipe[1], 1); writeBytes(survivorPipe[1], 1); }, 1);
    try {
      await until(() => victim.bytes > 10 && survivor.bytes > 10, { ms: 10000 });
      await victim.worker.terminate();
      const at = survivor.bytes;
      await until(() => survivor.bytes > at + 10, { ms: 10000 });
    } finally {
      clearInterval(writer);
    }
    // The victim's fd is free again: one handler per fd, and its registration is gone.
    const ctx = AsyncContext.create({ mode });
    const h = ctx.setEventHandler(victimPipe[0], Events.IN, () => drain(victimPipe[0]));
    h.remove();
    ctx.close();
    survivor.worker.postMessage('close');
    await until(() => survivor.closed, { ms: 10000 });
    await survivor.worker.terminate();
    await until(() => threads() <= before, { ms: 10000 });
  });
}

for (const mode of ['thread', 'signal']) {
  // The shim calls the callback from C (napi_make_callback): terminating the worker must end that
  // call, and the worker, like any other JS.
  test(`a ${mode} worker terminated inside a callback ends cleanly, with its thread`, async () => {
    const before = threads();
    const [r, w] = pipe();
    const worker = new Worker(new URL('./fixtures/stuck-worker.mjs', import.meta.url), { workerData: { mode, fd: r } });
    const seen = [];
    worker.on('message', (m) => seen.push(m));
    await until(() => seen.includes('ready'), { ms: 10000 });
    writeBytes(w, 1);
    await until(() => seen.includes('running'), { ms: 10000 });
    assert.is(await worker.terminate(), 1, 'terminated');
    await until(() => threads() <= before, { ms: 10000 });
  });
}

test('modifyHandler from another thread throws ERR_WRONG_THREAD', async () => {
  const [r] = pipe();
  const s = await startWorker('thread', [r]);
  try {
    assert.throws(() => modifyHandler(r, Events.OUT), (e) => e.code === 'ERR_WRONG_THREAD');
  } finally {
    await s.worker.terminate();
  }
  await sleep(10);
});

for (const mode of MODES) {
  test(`an fd another thread watches (${mode}): ERR_HANDLER_EXISTS, naming no system call (the shim's registry refuses it)`, async () => {
    const [r] = pipe();
    const ctx = AsyncContext.create({ mode });
    ctx.setEventHandler(r, Events.IN, () => {});
    const worker = new Worker(`
      const { parentPort, workerData: { mode, fd } } = require('node:worker_threads');
      import('evwheel').then(({ setEventHandler }) => {
        try {
          setEventHandler(mode, fd, 1, () => {}).remove();
          parentPort.postMessage({ code: 'none' });
        } catch (e) {
          parentPort.postMessage({ code: e.code, errno: e.errno, syscall: e.syscall ?? 'none' });
        }
      });
    `, { eval: true, workerData: { mode, fd: r } });
    try {
      const got = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
      assert.equal(got, { code: 'ERR_HANDLER_EXISTS', errno: 17, syscall: 'none' });
      assert.is(ctx.stats().handlers, 1, 'this thread keeps its handler');
    } finally {
      await worker.terminate();
      ctx.close();
    }
  });
}

// In a fresh process, so that both threads' first handlers sit in slot 0 of their cores.
test('an id from another thread names nothing here: ERR_HANDLER_NOT_FOUND, and this thread\'s handlers stay', () => {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('./fixtures/foreign-id.mjs', import.meta.url))], { encoding: 'utf8', timeout: 20000 });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'ERR_HANDLER_NOT_FOUND, still active: true');
});

test.run();
