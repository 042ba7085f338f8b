// Periodic timers side by side for the same wall time, evwheel 1 ms and 0.1 ms (thread and
// signal mode) against setInterval(…, 1). Lateness in µs: for evwheel, each callback against
// the phase-kept schedule it promises (start + k·interval); for setInterval, which keeps no
// phase, each interval's excess over 1 ms. Node cannot go below 1 ms; the 0.1 ms rows say
// whether evwheel's rate holds. Because the two lateness measures differ (setInterval's hides a
// constant wake-up delay: it reschedules from its own late wake-up), every row also gets the same
// measure for all: jitter, each interval between callbacks against its nominal length (evwheel's
// intervals divided by the expirations they cover).
import { AsyncContext } from 'evwheel';
import { percentile, table } from './harness.mjs';

function track(start, intervalMs) {
  const late = [];
  const jitter = [];
  let k = 0;
  let previous = start;
  return {
    late,
    jitter,
    tick(n = 1) {
      const t = performance.now();
      k += n;
      late.push((t - (start + k * intervalMs)) * 1000);
      if (k > n) jitter.push(Math.abs((t - previous) / n - intervalMs) * 1000);
      previous = t;
    },
    get expirations() { return k; },
  };
}

export async function precisionBench({ quick }) {
  const durationMs = quick ? 300 : 2000;
  const rows = [];
  const results = [];
  for (const mode of ['thread', 'signal']) {
    const ctx = AsyncContext.create({ mode });
    // A first add runs cold code (lazy compilation, first calls) before it reads the clock: warm
    // it up, or a constant start-up delay would pass for lateness of every expiration after it.
    ctx.addTimer(1000, () => {}).remove();
    // Each schedule starts just before its own addTimer (the clock read inside comes a few µs
    // later, so lateness is if anything overstated).
    const ms1 = track(performance.now(), 1);
    ctx.addTimer(1, (n) => ms1.tick(n));
    const ms01 = track(performance.now(), 0.1);
    ctx.addTimer(0.1, (n) => ms01.tick(n));
    const start = performance.now();
    const node = track(start, 1);
    // setInterval does not count overruns: each callback is one expiration of its own schedule.
    let nodeCalls = 0;
    let previous = start;
    const iv = setInterval(() => {
      const t = performance.now();
      nodeCalls++;
      node.late.push((t - previous - 1) * 1000);
      if (nodeCalls > 1) node.jitter.push(Math.abs(t - previous - 1) * 1000);
      previous = t;
    }, 1);
    await new Promise((r) => setTimeout(r, durationMs));
    clearInterval(iv);
    ctx.close();
    const summary = (name, t, intervalMs, expirations) => {
      const r = {
        name, mode, p50: percentile(t.late, 0.5), p99: percentile(t.late, 0.99),
        jitterP50: percentile(t.jitter, 0.5), jitterP99: percentile(t.jitter, 0.99), rate: expirations / (durationMs / intervalMs),
      };
      results.push(r);
      const us = (v) => (Math.round(v) || 0).toFixed(0); // no "-0"
      rows.push([name, us(r.p50), us(r.p99), us(r.jitterP50), us(r.jitterP99), `${(r.rate * 100).toFixed(0)}%`]);
    };
    summary(`evwheel ${mode} 1 ms`, ms1, 1, ms1.expirations);
    summary(`evwheel ${mode} 0.1 ms`, ms01, 0.1, ms01.expirations);
    summary(`setInterval 1 ms (beside ${mode})`, node, 1, nodeCalls);
  }
  const md = table(['timer', 'lateness p50 (µs)', 'lateness p99 (µs)', 'jitter p50 (µs)', 'jitter p99 (µs)', 'rate kept'], rows);
  return { name: 'precision', results, md };
}
