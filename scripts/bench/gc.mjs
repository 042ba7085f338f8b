// Garbage-collection pauses on the JS thread, attributed to time windows: how much of a sample
// was the collector's rather than the code measured. Entries reach the observer asynchronously,
// so windows are recorded as samples run and attributed once a task has let the entries in.
import { PerformanceObserver } from 'node:perf_hooks';

export function gcPauses() {
  const pauses = []; // [start, end] in performance.now() milliseconds
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push([e.startTime, e.startTime + e.duration]);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    /** Resolves once the entries of collections so far have been observed. */
    settle: () => new Promise((resolve) => setTimeout(resolve, 50)),
    /** Milliseconds of pauses inside [from, to] (performance.now() times). */
    within(from, to) {
      let ms = 0;
      for (const [start, end] of pauses) ms += Math.max(0, Math.min(end, to) - Math.max(start, from));
      return ms;
    },
    /** Whether any pause overlapped [from, to], even by an instant. */
    touches: (from, to) => pauses.some(([start, end]) => start <= to && end >= from),
    stop: () => observer.disconnect(),
  };
}
