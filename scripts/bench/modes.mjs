// Measures what the README's "which mode" advice rests on, all modes in one run:
//   1. timer lateness of a periodic 1 ms and 0.1 ms timer (p50/p99 µs);
//   2. fd wake latency: a worker thread writes a byte, stamped, the handler reads it (p50/p99 µs);
//   3. interference: how much slower CPU-bound JS runs while another thread writes to a watched
//      pipe every ~0.1 ms.
// `node scripts/bench/modes.mjs [--quick] [--json out.json]`
import { Worker } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
import { AsyncContext, Events } from 'evwheel';
import { drain, pipe, closeAll } from '../../tests/api/support.mjs';

const quick = process.argv.includes('--quick');
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : undefined;
const MODES = ['thread', 'signal', 'poll'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

/** Poll mode gets a tight poller (setImmediate) so it is measured at its best. */
function driver(ctx) {
  if (ctx.mode !== 'poll') return () => {};
  let on = true;
  const spin = () => { if (!on) return; ctx.poll(); setImmediate(spin); };
  setImmediate(spin);
  return () => { on = false; };
}

async function timerLateness(mode, intervalMs, durationMs) {
  const ctx = AsyncContext.create({ mode });
  // The mode's first handler sets it up (thread mode: the loop and its thread, 0.1–0.2 ms), and
  // that is not lateness: the measured timer comes second, on a mode already running.
  ctx.addTimer(3_600_000, () => {});
  const late = [];
  const start = performance.now();
  let k = 0;
  ctx.addTimer(intervalMs, (n) => {
    k += n;
    late.push((performance.now() - (start + k * intervalMs)) * 1000);
  });
  const stop = driver(ctx);
  await sleep(durationMs);
  stop();
  ctx.close();
  return { p50: pct(late, 0.5), p99: pct(late, 0.99), rate: k / (durationMs / intervalMs) };
}

async function fdLatency(mode, samples) {
  const [r, w] = pipe();
  const stamps = new Float64Array(new SharedArrayBuffer(8));
  const ctx = AsyncContext.create({ mode });
  const lat = [];
  ctx.setEventHandler(r, Events.IN, () => {
    const now = performance.timeOrigin + performance.now();
    drain(r);
    lat.push((now - stamps[0]) * 1000);
  });
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    const koffi = require(${JSON.stringify(new URL('../../node_modules/koffi/index.cjs', import.meta.url).pathname)});
    const write = koffi.load('libc.so.6').func('long write(int, const uint8_t *, size_t)');
    const stamp = workerData.stamps;
    const one = new Uint8Array([1]);
    let left = workerData.samples;
    const tick = () => {
      stamp[0] = performance.timeOrigin + performance.now(); // 2 ms apart: no torn read in practice
      write(workerData.fd, one, 1);
      if (--left > 0) setTimeout(tick, 2); else process.exit(0);
    };
    setTimeout(tick, 20);
  `, { eval: true, workerData: { fd: w, stamps, samples } });
  const stop = driver(ctx);
  await new Promise((res) => worker.on('exit', res));
  await sleep(20);
  stop();
  ctx.close();
  closeAll();
  return { p50: pct(lat, 0.5), p99: pct(lat, 0.99), n: lat.length };
}

function spinWork(ms) {
  // A fixed amount of CPU-bound JS, timed: iterations of an integer hash.
  let x = 1;
  const t0 = performance.now();
  for (let i = 0; i < ms * 200000; i++) x = Math.imul(x ^ i, 0x9e3779b1) >>> 0;
  return performance.now() - t0 + (x & 0); // x keeps the loop from being optimised away
}

/**
 * How much slower busy JS runs while another thread writes to a watched pipe every ~0.1 ms.
 * Thread and poll mode leave the JS thread alone until it yields; a signal interrupts it on
 * every write. Loaded and unloaded runs alternate; medians of each.
 */
async function interference(mode, ms, rounds) {
  const [r, w] = pipe();
  const ctx = AsyncContext.create({ mode });
  ctx.setEventHandler(r, Events.IN, () => drain(r));
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const base = [];
  const loaded = [];
  for (let i = 0; i < rounds; i++) {
    base.push(spinWork(ms));
    Atomics.store(stop, 0, 0);
    const writer = new Worker(`
      const { workerData } = require('node:worker_threads');
      const koffi = require(${JSON.stringify(new URL('../../node_modules/koffi/index.cjs', import.meta.url).pathname)});
      const write = koffi.load('libc.so.6').func('long write(int, const uint8_t *, size_t)');
      const one = new Uint8Array([1]);
      while (Atomics.load(workerData.stop, 0) === 0) {
        write(workerData.fd, one, 1);
        Atomics.wait(workerData.stop, 0, 0, 0.1);
      }
    `, { eval: true, workerData: { fd: w, stop } });
    await sleep(20);
    loaded.push(spinWork(ms));
    Atomics.store(stop, 0, 1);
    Atomics.notify(stop, 0);
    await new Promise((res) => writer.on('exit', res));
    ctx.poll(); // drain what queued up meanwhile
  }
  ctx.close();
  closeAll();
  return { slowdown: (pct(loaded, 0.5) / pct(base, 0.5) - 1) * 100 };
}

const duration = quick ? 200 : 2000;
const samples = quick ? 50 : 500;
const results = {};
for (const mode of MODES) {
  results[mode] = {
    timer1: await timerLateness(mode, 1, duration),
    timer01: await timerLateness(mode, 0.1, duration),
    fd: await fdLatency(mode, samples),
    interference: await interference(mode, quick ? 50 : 300, quick ? 2 : 5),
  };
}

const us = (v) => v.toFixed(0);
const lines = [
  '| mode | 1 ms timer lateness p50 / p99 (µs) | 0.1 ms timer lateness p50 / p99 (µs), rate kept | fd wake from another thread p50 / p99 (µs) | busy JS slowed by fd traffic every ~0.1 ms |',
  '|---|---|---|---|---|',
  ...MODES.map((m) => {
    const r = results[m];
    return `| ${m}${m === 'poll' ? ' (setImmediate poller)' : ''} | ${us(r.timer1.p50)} / ${us(r.timer1.p99)} | ${us(r.timer01.p50)} / ${us(r.timer01.p99)}, ${(r.timer01.rate * 100).toFixed(0)}% | ${us(r.fd.p50)} / ${us(r.fd.p99)} | ${r.interference.slowdown.toFixed(1)}% |`;
  }),
];
console.log(lines.join('\n'));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
