// The `epoll` npm package (fivdi/epoll), a contender in the round-trip and throughput benchmarks.
// It is a devDependency built with node-gyp at install, so it may be missing (no build tools): loadEpoll()
// never throws; it returns { Epoll } or { reason } and the benchmarks then report the contender
// as not available instead of failing. Loaded on first use only: loading it starts the package's
// watcher thread (one for the whole process, parked in epoll_wait).
import { createRequire } from 'node:module';

export const EPOLL_NAME = 'epoll (npm)';

let loaded;

/** { Epoll } when the package loads, else { reason } (one short line, safe in a Markdown cell). */
export function loadEpoll() {
  if (loaded) return loaded;
  try {
    const { Epoll } = createRequire(import.meta.url)('epoll');
    if (typeof Epoll !== 'function') throw new Error('the package exports no Epoll (not Linux?)');
    loaded = { Epoll };
  } catch (err) {
    const message = String(err?.message ?? err);
    const first = message.split('\n')[0].replace(/\|/g, '/').trim();
    let reason = first.length > 100 ? `${first.slice(0, 99)}…` : first;
    if (err?.code === 'MODULE_NOT_FOUND' && /'epoll'/.test(message)) reason = 'package not installed';
    else if (message.startsWith('Could not locate the bindings file')) reason = 'its native addon was not built';
    loaded = { reason };
  }
  return loaded;
}

/** A contender's result row when the package did not load. */
export const notAvailable = (reason) => `not available (${reason})`;
