// Scale and memory: registering 100k fd handlers (as many as the fd limit allows) and 1M timers
// — time, RSS, JS heap and the core's Wasm memory per handler — and the JS heap across a long run
// of deliveries (target: no allocation per event in steady state).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AsyncContext, Events } from 'evwheel';
import { bareCore } from './core.mjs';
import { table } from './harness.mjs';
import { nativePeers } from './native.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const settleHeap = () => { gc(); gc(); return process.memoryUsage(); };

/** Bytes per handler, unless the process gave back more than the handlers took (noise wins). */
const perHandlerCell = (perHandler) => (perHandler >= 0 ? perHandler.toFixed(0) : 'n/a (fell: memory freed meanwhile)');

/** Room for the files the process keeps open besides the handlers' fds (stdio, libuv's, the doorbell, loops'). */
const OTHER_FILES = 500;

/**
 * The Wasm memory the core's own records take per handler: the same registrations on a bare
 * core, its memory's growth over their count. The runtime's core does exactly this work, but
 * its memory is not the API's to show.
 */
function wasmBytesPerHandler(count, add) {
  const { x, memory } = bareCore();
  const ctx = x.ctxCreate(x.loopCreate(64), count);
  const before = memory.buffer.byteLength;
  for (let i = 0; i < count; i++) if (add(x, ctx, i) < 0) throw new Error(`core refused handler ${i}`);
  return (memory.buffer.byteLength - before) / count;
}

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

const row = (label, r) => [label, r.nsPerHandler.toFixed(0), perHandlerCell(r.rssPerHandler), perHandlerCell(r.heapPerHandler), wasmCell(r.wasmPerHandler)];

export async function scaleBench({ quick }) {
  const n = nativePeers();
  const rows = [];
  const results = {};

  // fd handlers, one eventfd each (never written: no event fires). 100k need the fd limit raised,
  // which takes CAP_SYS_RESOURCE beyond the hard limit; without it, as many as the limit allows.
  const wanted = quick ? 1000 : 100_000;
  const limit = n.raiseOpenFiles(wanted + OTHER_FILES);
  const fds = [];
  for (let i = 0, fd; i < Math.min(wanted, limit - OTHER_FILES) && (fd = n.eventfd()) >= 0; i++) fds.push(fd);
  const ctxFd = AsyncContext.create({ mode: 'thread', maxHandlers: fds.length });
  results.fds = measureRegistration(fds.length, (i) => ctxFd.setEventHandler(fds[i], Events.IN, () => {}));
  ctxFd.close();
  results.fds.wasmPerHandler = wasmBytesPerHandler(fds.length, (x, ctx, i) => x.fdAdd(ctx, fds[i], Events.IN, 0));
  results.fds.openFilesLimit = limit;
  const short = fds.length < wanted ? `, of ${wanted.toLocaleString('en')}: the fd limit is ${limit}` : '';
  rows.push([`${fds.length} fd handlers (eventfds${short})`, results.fds]);
  for (const fd of fds) n.close(fd);

  // timers
  const timers = quick ? 100_000 : 1_000_000;
  const interval = (i) => 1000 + (i % 3_600_000);
  const ctxT = AsyncContext.create({ mode: 'thread', maxHandlers: timers });
  const handles = new Array(timers);
  results.timers = measureRegistration(timers, (i) => { handles[i] = ctxT.addTimer(interval(i), () => {}); });
  ctxT.close();
  results.timers.wasmPerHandler = wasmBytesPerHandler(timers, (x, ctx, i) => x.timerAdd(ctx, interval(i) * 1e6, 0, 0));
  rows.push([`${timers} timers`, results.timers]);

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

  const md = [
    table(['registered', 'ns per registration', 'RSS bytes per handler', 'JS heap bytes per handler', 'core Wasm memory bytes per handler'],
      rows.map(([label, r]) => row(label, r))),
    '',
    `JS heap across ${delivered} deliveries (poll mode, one per poll(), ${nsPerPoll.toFixed(0)} ns per poll() including epoll_wait and the re-arm; after GC, warmed up): ${results.deliveries.heapGrowth >= 0 ? '+' : ''}${results.deliveries.heapGrowth} bytes, ${results.deliveries.perDelivery.toFixed(4)} bytes per delivery.`,
  ].join('\n');
  return { name: 'scale and memory', results, md };
}
