// worker.terminate() runs no JS cleanup: the shim's cleanup hook must release everything the
// worker's evwheel held, the doorbell's write end included. Counted in /proc/self/fd.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { MODES, closeFd, pipe, progressThreads, sleep, writeBytes } from './support.mjs';

const script = new URL('./fixtures/bell-worker.mjs', import.meta.url);
const WORKERS = 8;

function openFds() {
  return readdirSync('/proc/self/fd').map(Number);
}

function describe(fds) {
  return fds.map((fd) => { try { return `${fd}→${readlinkSync(`/proc/self/fd/${fd}`)}`; } catch { return `${fd}→?`; } }).join(', ');
}

async function runAndTerminate(mode) {
  const [r, w] = pipe();
  writeBytes(w);
  const worker = new Worker(script, { workerData: { mode, fd: r } });
  let failure;
  worker.on('error', (e) => { failure = e; });
  await new Promise((resolve, reject) => {
    worker.on('message', (m) => { if (m.ready) resolve(); });
    worker.on('error', reject);
    worker.on('exit', () => reject(new Error('worker exited before it was ready')));
  });
  await worker.terminate();
  closeFd(r);
  closeFd(w);
  if (failure) throw failure;
}

/** Fds opened since `before` and still open, once things have had up to `ms` to settle. */
async function leakedSince(before, ms = 3000) {
  const end = Date.now() + ms;
  for (;;) {
    const extra = openFds().filter((fd) => !before.has(fd));
    if (extra.length === 0 || Date.now() > end) return extra;
    await sleep(20);
  }
}

const test = suite('terminated workers leave no fds behind');

for (const mode of MODES) {
  test(`${WORKERS} ${mode}-mode workers terminated: the fd count comes back`, async () => {
    const threadsBefore = progressThreads();
    await runAndTerminate(mode); // warm-up: whatever Node or koffi opens once per process
    await leakedSince(new Set(openFds()), 200);
    const before = new Set(openFds());
    for (let i = 0; i < WORKERS; i++) await runAndTerminate(mode);
    const extra = await leakedSince(before);
    // Generous for unrelated fds; a per-worker leak is WORKERS of them.
    assert.ok(extra.length < WORKERS / 4, `${before.size} fds before, ${openFds().length} after ${WORKERS} workers; new: ${describe(extra)}`);
    assert.ok(progressThreads() <= threadsBefore, 'no progress thread left');
  });
}

test.run();
