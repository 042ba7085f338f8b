// Throughput: a native thread sprays single bytes round-robin across many pipes for a fixed time;
// the contender's callbacks drain them. Events (callbacks) per second delivered to JS, and bytes
// per second drained. Contenders: net.Socket on every pipe (libuv), the epoll npm package (one
// Epoll watching every pipe; skipped, with a 'not available' row, when the optional package did
// not build), evwheel thread and signal.
import { Socket } from 'node:net';
import { AsyncContext, Events } from 'evwheel';
import { median, table } from './harness.mjs';
import { nativePeers, whenDone } from './native.mjs';
import { EPOLL_NAME, loadEpoll, notAvailable } from './epoll-addon.mjs';

export async function throughputBench({ quick }) {
  const n = nativePeers();
  const pipes = quick ? 100 : 1000;
  const durationMs = quick ? 200 : 1000;
  const rounds = quick ? 1 : 3;
  const buf = new Uint8Array(65536);
  // Like libuv's uv__read: one read per readiness, another only while reads fill the buffer
  // (what is left makes the level-triggered fd report again).
  const drain = (fd) => {
    let total = 0;
    for (let r; (r = n.read(fd, buf, buf.length)) > 0;) {
      total += r;
      if (r < buf.length) break;
    }
    return total;
  };

  const contenders = {
    'net.Socket (libuv)': (readFds, count) => {
      const sockets = readFds.map((fd) => {
        const s = new Socket({ fd, readable: true, writable: false });
        s.on('data', (d) => count(d.length));
        return s;
      });
      return { stop: () => sockets.forEach((s) => s.destroy()), ownsReadFds: true };
    },
  };
  const { Epoll, reason: epollMissing } = loadEpoll();
  if (Epoll) {
    contenders[EPOLL_NAME] = (readFds, count) => {
      const ep = new Epoll((err, fd) => {
        if (err) throw err;
        count(drain(fd));
      });
      for (const fd of readFds) ep.add(fd, Epoll.EPOLLIN); // level-triggered
      return { stop: () => ep.close(), ownsReadFds: false }; // close() removes every fd first
    };
  }
  for (const mode of ['thread', 'signal']) {
    contenders[`evwheel ${mode}`] = (readFds, count) => {
      const ctx = AsyncContext.create({ mode, maxHandlers: readFds.length });
      for (const fd of readFds) ctx.setEventHandler(fd, Events.IN, () => count(drain(fd)));
      return { stop: () => ctx.close(), ownsReadFds: false };
    };
  }

  const perSecond = Object.fromEntries(Object.keys(contenders).map((k) => [k, { events: [], bytes: [], written: [] }]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, start] of Object.entries(contenders)) {
      const pairs = Array.from({ length: pipes }, () => n.pipe());
      let events = 0;
      let bytes = 0;
      const c = start(pairs.map(([rd]) => rd), (b) => { events++; bytes += b; });
      const writeFds = new Int32Array(new SharedArrayBuffer(4 * pipes));
      pairs.forEach(([, w], i) => { writeFds[i] = w; });
      const run = n.sprayStart(writeFds, pipes, durationMs);
      await whenDone(() => n.sprayDone(run));
      const written = n.sprayJoin(run);
      await new Promise((res) => setTimeout(res, 50)); // let the contender drain what is left
      c.stop();
      for (const [rd, w] of pairs) { if (!c.ownsReadFds) n.close(rd); n.close(w); }
      const seconds = durationMs / 1000;
      perSecond[name].events.push(events / seconds);
      perSecond[name].bytes.push(bytes / seconds);
      perSecond[name].written.push(written / seconds);
    }
  }
  const libuv = median(perSecond['net.Socket (libuv)'].events);
  const epoll = perSecond[EPOLL_NAME] ? median(perSecond[EPOLL_NAME].events) : null;
  const results = Object.entries(perSecond).map(([name, v]) => ({
    name, eventsPerSecond: median(v.events), bytesPerSecond: median(v.bytes), writtenPerSecond: median(v.written),
    vsLibuv: median(v.events) / libuv, vsEpoll: epoll === null ? null : median(v.events) / epoll,
  }));
  // A contender that could not run keeps its row, after net.Socket, with no numbers.
  if (epollMissing) {
    const at = results.findIndex((r) => r.name === 'net.Socket (libuv)') + 1;
    results.splice(at, 0, { name: EPOLL_NAME, available: false, reason: epollMissing,
      eventsPerSecond: null, bytesPerSecond: null, writtenPerSecond: null, vsLibuv: null, vsEpoll: null });
  }
  const k = (x) => `${(x / 1000).toFixed(0)}k`;
  const ratio = (x) => (x === null ? '—' : `${x.toFixed(2)}×`);
  const md = table([`contender (${pipes} pipes)`, 'callbacks/s', 'bytes drained/s', 'bytes written/s by the sprayer',
    'callbacks vs libuv (target ≥ 1.5)', `vs ${EPOLL_NAME}`],
  results.map((r) => r.available === false ? [r.name, notAvailable(r.reason), '—', '—', '—', '—']
    : [r.name, k(r.eventsPerSecond), k(r.bytesPerSecond), k(r.writtenPerSecond), ratio(r.vsLibuv), ratio(r.vsEpoll)]));
  return { name: 'throughput', results, md };
}
