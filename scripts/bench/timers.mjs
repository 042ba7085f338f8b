// Schedule + cancel of N timers with random intervals: evwheel's addTimer/remove and its
// TimerGroup's add/remove (ids, no object per timer) against Node's setTimeout/clearTimeout,
// nanoseconds per pair (median of interleaved rounds). A round schedules all N, then cancels all N.
import { AsyncContext } from 'evwheel';
import { bareCore } from './core.mjs';
import { gcPauses } from './gc.mjs';
import { interleave, median, table } from './harness.mjs';

function intervals(n, seed = 1) {
  let x = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return 1000 + (x % 3_600_000); // 1 s to 1 h: they never fire during the run
  });
}

/**
 * The wheel alone, through the core's exports (no Timer objects, no GC): whether the growth
 * with N is the wheel's or the objects' around it. A fresh core per size.
 */
function coreAlone(iv, n, reps, rounds) {
  const { x } = bareCore();
  const ctx = x.ctxCreate(x.loopCreate(64), n);
  const ivNs = iv.map((ms) => ms * 1e6);
  const slots = new Int32Array(n);
  const samples = [];
  for (let r = 0; r <= rounds; r++) { // round 0 warms up
    const t0 = process.hrtime.bigint();
    for (let rep = 0; rep < reps; rep++) {
      const now = performance.now() * 1e6;
      for (let i = 0; i < n; i++) slots[i] = x.timerAdd(ctx, ivNs[i], now, 0);
      for (let i = 0; i < n; i++) x.handlerRemove(slots[i]);
    }
    if (r > 0) samples.push(Number(process.hrtime.bigint() - t0) / (n * reps));
  }
  return median(samples);
}

/**
 * What V8 charges any API that hands out one object per timer: a class instance of the Timer's
 * size (four fields), kept in the same array and touched again to "cancel" it. No clock, no wheel.
 */
class BareHandle {
  constructor(place, state, gen, callback) {
    this.place = place;
    this.state = state;
    this.gen = gen;
    this.callback = callback;
  }
}

/**
 * The clock read every addTimer makes (its deadline counts from the call, not from the loop's
 * cached time as Node's timers do): performance.now() once per pair, stored into a typed array
 * so that only the read is counted.
 */
const clockCell = new Float64Array(1);
const perf = performance;

export async function timersBench({ quick }) {
  const sizes = quick ? [1e3, 1e4] : [1e3, 1e4, 1e5, 1e6];
  const rounds = quick ? 3 : 7;
  const noop = () => {};
  const results = [];
  const gc = gcPauses();
  coreAlone(intervals(1e4), 1e4, 10, 3); // lets V8 tier the wheel's Wasm up before the first size
  for (const n of sizes) {
    const iv = intervals(n);
    const ctx = AsyncContext.create({ mode: 'thread', maxHandlers: n });
    const group = ctx.createTimerGroup(noop);
    const handles = new Array(n);
    // A million ids kept as a user would: unboxed (most ids are beyond small-integer range).
    const ids = new Float64Array(n);
    // Every sample covers at least 1e5 pairs (small N: the N-cycle repeated), so that small sizes
    // are measured compiled and over more than a few hundred microseconds.
    const reps = Math.max(1, Math.round(1e5 / n));
    // After a sample (untimed) the handles are dropped: left in the shared array, one contender's
    // cancelled timers would stay reachable into the other's sample, whose scavenges would copy them.
    // Each sample's window is kept, the warm-up's included, to find its GC pauses afterwards.
    const windows = { node: [], evwheel: [], group: [] };
    const perPair = (fn, name) => () => {
      const from = perf.now();
      const t0 = process.hrtime.bigint();
      for (let rep = 0; rep < reps; rep++) fn();
      const ns = Number(process.hrtime.bigint() - t0) / (n * reps);
      windows[name]?.push([from, perf.now()]);
      handles.fill(undefined);
      return ns;
    };
    const r = await interleave({
      node: perPair(() => {
        for (let i = 0; i < n; i++) handles[i] = setTimeout(noop, iv[i]);
        for (let i = 0; i < n; i++) clearTimeout(handles[i]);
      }, 'node'),
      evwheel: perPair(() => {
        for (let i = 0; i < n; i++) handles[i] = ctx.addTimer(iv[i], noop);
        for (let i = 0; i < n; i++) handles[i].remove();
      }, 'evwheel'),
      group: perPair(() => {
        for (let i = 0; i < n; i++) ids[i] = group.add(iv[i]);
        for (let i = 0; i < n; i++) group.remove(ids[i]);
      }, 'group'),
      clock: perPair(() => {
        for (let i = 0; i < n; i++) clockCell[0] = perf.now();
      }),
      bare: perPair(() => {
        for (let i = 0; i < n; i++) handles[i] = new BareHandle(ctx, i, 1, noop);
        for (let i = 0; i < n; i++) handles[i].state |= 1 << 24;
      }),
    }, rounds);
    ctx.close();
    await gc.settle();
    const gcNs = (name) => median(windows[name].slice(1).map(([from, to]) => (gc.within(from, to) * 1e6) / (n * reps)));
    const coreNs = coreAlone(iv, n, reps, rounds);
    results.push({ n, nodeNs: r.node.median, evwheelNs: r.evwheel.median, speedup: r.node.median / r.evwheel.median,
      groupNs: r.group.median, groupSpeedup: r.node.median / r.group.median,
      nodeGcNs: gcNs('node'), evwheelGcNs: gcNs('evwheel'), groupGcNs: gcNs('group'), coreNs, clockNs: r.clock.median, bareNs: r.bare.median });
  }
  gc.stop();
  const md = table(
    ['timers', 'setTimeout + clearTimeout (ns/pair)', 'evwheel addTimer + remove (ns/pair)', 'evwheel TimerGroup add + remove (ns/pair)', 'speed-up, addTimer / TimerGroup (target ≥ 5× at 1e5, 1e6)', 'of which GC pauses, Node / addTimer / TimerGroup (ns/pair)', 'of which the wheel alone (ns/pair)', 'a clock read per pair (ns)', 'a bare object per pair (ns)'],
    results.map((r) => [r.n.toExponential(0).replace('+', ''), r.nodeNs.toFixed(0), r.evwheelNs.toFixed(0), r.groupNs.toFixed(0), `${r.speedup.toFixed(2)}× / ${r.groupSpeedup.toFixed(2)}×`, `${r.nodeGcNs.toFixed(0)} / ${r.evwheelGcNs.toFixed(0)} / ${r.groupGcNs.toFixed(0)}`, r.coreNs.toFixed(0), r.clockNs.toFixed(0), r.bareNs.toFixed(0)]),
  );
  return { name: 'timers', results, md };
}
