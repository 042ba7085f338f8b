// Scale and memory: registering 100k fd handlers (as many as the fd limit allows) and 1M timers
// (Timer objects, and ids in a TimerGroup) — time, RSS, JS heap and the core's Wasm memory per handler — and the JS heap across a long run
// of deliveries (target: no allocation per event in steady state). Registrations are measured in
// a fresh process each (`node scale.mjs --registration fds|timers|group COUNT`), so that pages earlier
// sections left resident do not absorb their RSS; every handler shares one callback, so that the
// JS heap counts evwheel's objects and not the benchmark's closures.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { AsyncContext, Events } from 'evwheel';
import { bareCore } from './core.mjs';
import { gcPauses } from './gc.mjs';
import { median, table } from './harness.mjs';
import { nativePeers } from './native.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const settleHeap = () => { gc(); gc(); return process.memoryUsage(); };

/** Bytes per handler, unless the process gave back more than the handlers took (noise wins). */
const perHandlerCell = (perHandler) => (Number.isNaN(perHandler) ? '—' : perHandler >= 0 ? perHandler.toFixed(0) : 'n/a (fell: memory freed meanwhile)');

/** Room for the files the process keeps open besides the handlers' fds (stdio, libuv's, the doorbell, loops'). */
const OTHER_FILES = 500;

/**
 * The core's own records, per handler: the same registrations on a bare core, its memory's growth
 * over their count, and the time each took. The runtime's core does exactly this work, but its
 * memory is not the API's to show.
 */
function coreRegistration(count, add) {
  const { x, memory } = bareCore();
  const ctx = x.ctxCreate(x.loopCreate(64), count);
  const before = memory.buffer.byteLength;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) if (add(x, ctx, i) < 0) throw new Error(`core refused handler ${i}`);
  const nsPerHandler = Number(process.hrtime.bigint() - t0) / count;
  return { nsPerHandler, wasmPerHandler: (memory.buffer.byteLength - before) / count };
}

/** An fd handler on a bare core, fd numbers like a process's (the fd map is indexed by fd). */
const coreFdAdd = (x, ctx, i) => x.fdAdd(ctx, 20 + i, Events.IN, 0);

/** Registers `count` handlers with `register(i)`: ns, RSS, JS heap per handler. */
function measureRegistration(count, register) {
  const before = settleHeap();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) register(i);
  const ns = Number(process.hrtime.bigint() - t0) / count;
  const after = settleHeap();
  return { count, nsPerHandler: ns, rssPerHandler: (after.rss - before.rss) / count, heapPerHandler: (after.heapUsed - before.heapUsed) / count };
}

/** The core's memory grows in 64 KiB pages: a few handlers may fit what it already has. */
const wasmCell = (perHandler) => (perHandler > 0 ? perHandler.toFixed(0) : 'none: they fit its initial 1 MiB');

const noop = () => {};

/** `count` eventfd handlers in a thread context (never written: no event fires); measured here. */
function registerFds(wanted) {
  const n = nativePeers();
  const limit = n.raiseOpenFiles(wanted + OTHER_FILES);
  const fds = [];
  for (let i = 0, fd; i < Math.min(wanted, limit - OTHER_FILES) && (fd = n.eventfd()) >= 0; i++) fds.push(fd);
  const ctx = AsyncContext.create({ mode: 'thread', maxHandlers: fds.length });
  const result = measureRegistration(fds.length, (i) => ctx.setEventHandler(fds[i], Events.IN, noop));
  ctx.close();
  for (const fd of fds) n.close(fd);
  return { ...result, openFilesLimit: limit };
}

const timerInterval = (i) => 1000 + (i % 3_600_000);

/** `count` timers (1 s to 1 h: none fires) in a thread context; measured here. */
function registerTimers(count) {
  const ctx = AsyncContext.create({ mode: 'thread', maxHandlers: count });
  const handles = new Array(count);
  const result = measureRegistration(count, (i) => { handles[i] = ctx.addTimer(timerInterval(i), noop); });
  ctx.close();
  return result;
}

/** `count` timers of one TimerGroup, their ids kept unboxed; measured here. */
function registerGroupTimers(count) {
  const ctx = AsyncContext.create({ mode: 'thread', maxHandlers: count });
  const group = ctx.createTimerGroup(noop);
  const ids = new Float64Array(count);
  const result = measureRegistration(count, (i) => { ids[i] = group.add(timerInterval(i)); });
  ctx.close();
  return result;
}

const REGISTER = { fds: registerFds, timers: registerTimers, group: registerGroupTimers };

/** A registration measurement in a fresh process of its own. */
function inFreshProcess(kind, count) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--registration', kind, String(count)],
    { encoding: 'utf8', timeout: 10 * 60 * 1000 });
  if (r.status !== 0) throw new Error(`scale: measuring ${kind} in a child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * JS bytes allocated per poll() call (garbage included): the heap's growth over a batch of calls,
 * for batches during which no collection ran (a PerformanceObserver reports every GC with its
 * time). Batches are long enough that V8's allocation buffers (the heap's size moves by one of
 * them at a time) blur the result by a few bytes at most. `ready` pipes are kept readable (written
 * once, never drained), so every poll() delivers each of them again.
 */
async function allocationPerPoll(n, ready, quick) {
  const pipes = Array.from({ length: ready }, () => n.pipe());
  const ctx = AsyncContext.create({ mode: 'poll', maxHandlers: ready + 1 });
  let deliveries = 0;
  const count = () => { deliveries++; };
  for (const [r, w] of pipes) { ctx.setEventHandler(r, Events.IN, count); n.write(w, new Uint8Array([1]), 1); }
  for (let i = 0; i < 20_000; i++) ctx.poll(); // warm up
  const collections = gcPauses();
  const used = () => getHeapStatistics().used_heap_size;
  const batches = [];
  const polls = 10_000;
  const start = deliveries;
  for (let b = 0; b < (quick ? 5 : 30); b++) {
    const t0 = performance.now();
    const before = used();
    for (let i = 0; i < polls; i++) ctx.poll();
    const after = used();
    batches.push({ t0, t1: performance.now(), bytes: (after - before) / polls });
  }
  const deliveriesPerPoll = (deliveries - start) / (batches.length * polls);
  await collections.settle();
  collections.stop();
  const clean = batches.filter(({ t0, t1 }) => !collections.touches(t0, t1)).map((b) => b.bytes);
  ctx.close();
  for (const [r, w] of pipes) { n.close(r); n.close(w); }
  return { ready, bytesPerPoll: clean.length ? median(clean) : NaN, cleanBatches: clean.length, deliveriesPerPoll };
}

const row = (label, r) => [label, r.nsPerHandler.toFixed(0), perHandlerCell(r.rssPerHandler), perHandlerCell(r.heapPerHandler), wasmCell(r.wasmPerHandler)];

export async function scaleBench({ quick }) {
  const n = nativePeers();
  const rows = [];
  const results = {};

  // fd handlers, one eventfd each. 100k need the fd limit raised, which takes CAP_SYS_RESOURCE
  // beyond the hard limit; without it, as many as the limit allows.
  const wanted = quick ? 1000 : 100_000;
  results.fds = inFreshProcess('fds', wanted);
  // The core's share, on a bare core.
  const coreShare = coreRegistration(results.fds.count, coreFdAdd);
  results.fds.wasmPerHandler = coreShare.wasmPerHandler;
  results.fds.coreNsPerHandler = coreShare.nsPerHandler;
  const short = results.fds.count < wanted ? `, of ${wanted.toLocaleString('en')}: the fd limit is ${results.fds.openFilesLimit}` : '';
  rows.push([`${results.fds.count} fd handlers (eventfds${short})`, results.fds]);
  // Where the kernel refuses that many fds, the core's share still goes to the full count: its
  // records and fd map at 100k, without the epoll_ctl, the registry or any JS.
  if (results.fds.count < wanted) {
    results.coreFds = { count: wanted, ...coreRegistration(wanted, coreFdAdd) };
    rows.push([`${wanted} fd handlers on the core alone (no kernel, no JS: its records and fd map)`,
      { ...results.coreFds, rssPerHandler: NaN, heapPerHandler: NaN }]);
  }

  const timers = quick ? 100_000 : 1_000_000;
  results.timers = inFreshProcess('timers', timers);
  results.timers.wasmPerHandler = coreRegistration(timers, (x, ctx, i) => x.timerAdd(ctx, timerInterval(i) * 1e6, 0, 0)).wasmPerHandler;
  rows.push([`${timers} timers (Timer objects)`, results.timers]);
  results.groupTimers = inFreshProcess('group', timers);
  results.groupTimers.wasmPerHandler = results.timers.wasmPerHandler; // the same core records
  rows.push([`${timers} timers of a TimerGroup (ids kept in a Float64Array)`, results.groupTimers]);

  // Heap across deliveries: a pipe that is never drained stays ready, so every poll() of a
  // poll-mode context delivers it once more (re-armed after each batch): the dispatch path alone,
  // a million times, with no thread competing for the two cores.
  const [r, w] = n.pipe();
  n.write(w, new Uint8Array([1]), 1);
  const ctxD = AsyncContext.create({ mode: 'poll' });
  let deliveries = 0;
  ctxD.setEventHandler(r, Events.IN, () => { deliveries++; });
  const total = quick ? 20_000 : 1_000_000;
  for (let i = 0; i < 10_000; i++) ctxD.poll(); // warm up (JIT, dispatch list)
  const before = settleHeap();
  const startDeliveries = deliveries;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total; i++) ctxD.poll();
  const nsPerPoll = Number(process.hrtime.bigint() - t0) / total;
  const after = settleHeap();
  const delivered = deliveries - startDeliveries;
  results.deliveries = { count: delivered, nsPerPoll, heapGrowth: after.heapUsed - before.heapUsed, perDelivery: (after.heapUsed - before.heapUsed) / delivered };
  ctxD.close();
  n.close(r);
  n.close(w);
  results.allocation = [];
  for (const ready of [0, 1, 10]) results.allocation.push(await allocationPerPoll(n, ready, quick));

  const md = [
    table(['registered', 'ns per registration', 'RSS bytes per handler', 'JS heap bytes per handler', 'core Wasm memory bytes per handler'],
      rows.map(([label, r]) => row(label, r))),
    '',
    `JS heap retained across ${delivered} deliveries (poll mode, one per poll(), ${nsPerPoll.toFixed(0)} ns per poll() including epoll_wait and the re-arm; after GC, warmed up): ${results.deliveries.heapGrowth >= 0 ? '+' : ''}${results.deliveries.heapGrowth} bytes, ${results.deliveries.perDelivery.toFixed(4)} bytes per delivery.`,
    '',
    `JS bytes allocated per poll() (garbage included, measured between collections): ${results.allocation.map((a) => `${a.bytesPerPoll.toFixed(0)} delivering ${a.deliveriesPerPoll.toFixed(0)} event${a.deliveriesPerPoll === 1 ? '' : 's'}`).join(', ')}.`,
  ].join('\n');
  return { name: 'scale and memory', results, md };
}

// The child of inFreshProcess: one registration measurement, its result as the last line.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--registration') {
  const [kind, count] = [process.argv[3], Number(process.argv[4])];
  const result = REGISTER[kind](count);
  console.log(JSON.stringify(result));
  process.exit(0);
}
