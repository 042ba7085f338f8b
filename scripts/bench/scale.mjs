// Scale and memory: registering many fd handlers (as many pipes as RLIMIT_NOFILE allows) and
// 1M timers — time and memory per handler — and the JS heap across a long run of deliveries
// (target: no allocation per event in steady state).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AsyncContext, Events } from 'evwheel';
import { table } from './harness.mjs';
import { nativePeers } from './native.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const settleHeap = () => { gc(); gc(); return process.memoryUsage(); };

/** RSS per handler, unless the process gave back more than the handlers took (noise wins). */
const rssCell = (perHandler) => (perHandler >= 0 ? perHandler.toFixed(0) : 'n/a (RSS fell: memory freed meanwhile)');

function openFilesLimit() {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line.split(/\s+/)[3]);
}

export async function scaleBench({ quick }) {
  const n = nativePeers();
  const rows = [];
  const results = {};

  // fd handlers: two fds per pipe, leaving room for everything else the process has open.
  const pipes = quick ? 1000 : Math.min(50_000, Math.floor((openFilesLimit() - 500) / 2));
  const pairs = Array.from({ length: pipes }, () => n.pipe());
  const ctxFd = AsyncContext.create({ mode: 'thread', maxHandlers: pipes });
  let before = settleHeap();
  let t0 = process.hrtime.bigint();
  for (const [r] of pairs) ctxFd.setEventHandler(r, Events.IN, () => {});
  let ns = Number(process.hrtime.bigint() - t0) / pipes;
  let after = settleHeap();
  results.fds = { count: pipes, nsPerHandler: ns, rssPerHandler: (after.rss - before.rss) / pipes, heapPerHandler: (after.heapUsed - before.heapUsed) / pipes };
  rows.push([`${pipes} fd handlers (RLIMIT_NOFILE ${openFilesLimit()})`, ns.toFixed(0), rssCell(results.fds.rssPerHandler), results.fds.heapPerHandler.toFixed(0)]);
  ctxFd.close();
  for (const [r, w] of pairs) { n.close(r); n.close(w); }

  // timers
  const timers = quick ? 100_000 : 1_000_000;
  const ctxT = AsyncContext.create({ mode: 'thread', maxHandlers: timers });
  const handles = new Array(timers);
  before = settleHeap();
  t0 = process.hrtime.bigint();
  for (let i = 0; i < timers; i++) handles[i] = ctxT.addTimer(1000 + (i % 3_600_000), () => {});
  ns = Number(process.hrtime.bigint() - t0) / timers;
  after = settleHeap();
  results.timers = { count: timers, nsPerHandler: ns, rssPerHandler: (after.rss - before.rss) / timers, heapPerHandler: (after.heapUsed - before.heapUsed) / timers };
  rows.push([`${timers} timers`, ns.toFixed(0), rssCell(results.timers.rssPerHandler), results.timers.heapPerHandler.toFixed(0)]);
  ctxT.close();

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
  before = settleHeap();
  const startDeliveries = deliveries;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < total; i++) ctxD.poll();
  const nsPerPoll = Number(process.hrtime.bigint() - t0) / total;
  after = settleHeap();
  const delivered = deliveries - startDeliveries;
  results.deliveries = { count: delivered, nsPerPoll, heapGrowth: after.heapUsed - before.heapUsed, perDelivery: (after.heapUsed - before.heapUsed) / delivered };
  ctxD.close();
  n.close(r);
  n.close(w);

  const md = [
    table(['registered', 'ns per registration', 'RSS bytes per handler', 'JS heap bytes per handler'], rows),
    '',
    `JS heap across ${delivered} deliveries (poll mode, one per poll(), ${nsPerPoll.toFixed(0)} ns per poll() including epoll_wait and the re-arm; after GC, warmed up): ${results.deliveries.heapGrowth >= 0 ? '+' : ''}${results.deliveries.heapGrowth} bytes, ${results.deliveries.perDelivery.toFixed(4)} bytes per delivery.`,
  ].join('\n');
  return { name: 'scale and memory', results, md };
}
