// Periodic timers side by side for the same wall time, evwheel 1 ms and 0.1 ms (thread and
// signal mode) against setInterval(…, 1). The same two measures for every timer:
// - lateness, in µs: each expiration against the schedule the timer was asked for (start +
//   k·interval). A callback covering n coalesced expirations contributes all n, the oldest the
//   latest. setInterval restarts each interval from its own callback, so its ticks drift behind
//   that schedule, and this measure counts the drift;
// - jitter: each interval between callbacks against its nominal length (evwheel's divided by the
//   expirations it covers), which leaves drift out.
// And how many callbacks ran, and how many expirations they covered, against the schedule's count.
import { AsyncContext } from 'evwheel';
import { percentile, table } from './harness.mjs';

function track(start, intervalMs) {
  const late = [];
  const jitter = [];
  let expirations = 0;
  let callbacks = 0;
  let previous = start;
  return {
    late,
    jitter,
    /** A callback now, covering `n` expirations (setInterval: always 1). */
    tick(n = 1) {
      const t = performance.now();
      for (let j = 1; j <= n; j++) late.push((t - (start + (expirations + j) * intervalMs)) * 1000);
      if (callbacks > 0) jitter.push(Math.abs((t - previous) / n - intervalMs) * 1000);
      expirations += n;
      callbacks++;
      previous = t;
    },
    get expirations() { return expirations; },
    get callbacks() { return callbacks; },
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
    const node = track(performance.now(), 1);
    const iv = setInterval(() => node.tick(), 1);
    await new Promise((r) => setTimeout(r, durationMs));
    clearInterval(iv);
    ctx.close();
    const summary = (name, t, intervalMs) => {
      const expected = durationMs / intervalMs;
      const r = {
        name, mode, p50: percentile(t.late, 0.5), p99: percentile(t.late, 0.99),
        jitterP50: percentile(t.jitter, 0.5), jitterP99: percentile(t.jitter, 0.99),
        callbacks: t.callbacks / expected, rate: t.expirations / expected,
      };
      results.push(r);
      const us = (v) => (Math.round(v) || 0).toFixed(0); // no "-0"
      const pct = (v) => `${(v * 100).toFixed(0)}%`;
      rows.push([name, us(r.p50), us(r.p99), us(r.jitterP50), us(r.jitterP99), pct(r.callbacks), pct(r.rate)]);
    };
    summary(`evwheel ${mode} 1 ms`, ms1, 1);
    summary(`evwheel ${mode} 0.1 ms`, ms01, 0.1);
    summary(`setInterval 1 ms (beside ${mode})`, node, 1);
  }
  const md = table(['timer', 'lateness p50 (µs)', 'lateness p99 (µs)', 'jitter p50 (µs)', 'jitter p99 (µs)', 'callbacks / schedule', 'expirations / schedule'], rows);
  return { name: 'precision', results, md };
}
