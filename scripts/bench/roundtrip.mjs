// Round trip: a native thread writes one byte to a pipe and waits for the echo on a second pipe;
// the contender reads it and echoes it. Contenders: a native echo thread (the floor: no JS), a
// native signal echo (the floor of a loop woken by the fd's signal instead of the fd: what signal
// mode cannot go below; measured in a process of its own, sigfloor.mjs), a native relay (an epoll thread ringing a doorbell for an echo thread:
// the floor of any design that hands an event from one thread to another; once more with its
// epoll thread busy-polling instead of sleeping),
// net.Socket (libuv; also with onread, its lightest JS path), the epoll npm package (its watcher thread hands each event to the loop
// through uv_async; skipped, with a 'not available' row, when the package did not
// build) and evwheel in thread, signal and poll mode (poll: a setImmediate loop). Rounds interleave
// the contenders; p50/p99 over all their samples, in µs, and the CPU time the whole process used
// per round trip.
import { spawnSync } from 'node:child_process';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AsyncContext, Events } from 'evwheel';
import { percentile, table } from './harness.mjs';
import { nativePeers } from './native.mjs';
import { NATIVE_ECHO, SIGNAL_ECHO, nativeFloors, pingRounds } from './pingpong.mjs';
import { EPOLL_NAME, loadEpoll, notAvailable } from './epoll-addon.mjs';

export async function roundtripBench({ quick }) {
  const n = nativePeers();
  const buf = new Uint8Array(64);
  // Many short rounds rather than a few long ones: this VM's speed drifts over seconds, and a long
  // round hands a whole drift to one contender. Six runs each, signal mode's p50 over libuv's
  // spread 0.87–1.22 in 5 rounds of 1,000 and 0.93–1.04 in 25 rounds of 200 (the same samples);
  // rounds of 100 slowed the native echo itself (37 µs against 11), each round's start weighing more.
  const rounds = quick ? 1 : 25;
  const count = quick ? 100 : 200;
  const gapUs = 50;

  /** Echo set-ups: each returns a stop function. The native signal echo runs in a child (below). */
  const echoes = {
    [NATIVE_ECHO]: nativeFloors()[NATIVE_ECHO],
    'native relay, two threads (floor of a thread hand-off)': (inFd, outFd) => { const r = n.relayStart(inFd, outFd, 0); return () => n.relayStop(r); },
    // Its epoll thread polls for 1 ms after each event instead of sleeping (the pinger writes
    // again within about 100 µs): what busy-polling the progress thread could gain at best.
    'native relay, busy-polling (floor of a spinning hand-off)': (inFd, outFd) => { const r = n.relayStart(inFd, outFd, 1000); return () => n.relayStop(r); },
    'net.Socket (libuv)': (inFd, outFd) => {
      const s = new Socket({ fd: inFd, readable: true, writable: false });
      s.on('data', (d) => n.write(outFd, d, d.length));
      return () => s.destroy(); // closes inFd
    },
    // The same without the stream: reads into one buffer, as evwheel's doorbell does. Not the
    // reference (users of net.Socket get 'data'), but the fastest JS path libuv offers.
    'net.Socket onread (libuv)': (inFd, outFd) => {
      const s = new Socket({
        fd: inFd, readable: true, writable: false,
        onread: { buffer: buf, callback: (got) => { n.write(outFd, buf, got); return true; } },
      });
      return () => s.destroy(); // closes inFd
    },
  };
  const { Epoll, reason: epollMissing } = loadEpoll();
  if (Epoll) {
    echoes[EPOLL_NAME] = (inFd, outFd) => {
      const ep = new Epoll((err) => {
        if (err) throw err;
        const got = n.read(inFd, buf, buf.length);
        if (got > 0) n.write(outFd, buf, got);
      });
      ep.add(inFd, Epoll.EPOLLIN); // level-triggered, like net.Socket
      return () => { ep.remove(inFd); ep.close(); }; // inFd stays open: closed below
    };
  }
  for (const mode of ['thread', 'signal', 'poll']) {
    echoes[`evwheel ${mode}`] = (inFd, outFd) => {
      const ctx = AsyncContext.create({ mode });
      ctx.setEventHandler(inFd, Events.IN, () => {
        const got = n.read(inFd, buf, buf.length);
        if (got > 0) n.write(outFd, buf, got);
      });
      let spinning = mode === 'poll';
      const spin = () => { if (!spinning) return; ctx.poll(); setImmediate(spin); };
      if (spinning) setImmediate(spin);
      return () => { spinning = false; ctx.close(); };
    };
  }

  const { samples, cpuUs } = await pingRounds(echoes, { rounds, count, gapUs, closesIn: (name) => name.startsWith('net.Socket') });
  // In a process of its own (sigfloor.mjs), after the rest: beside evwheel's signal loop here, its
  // signals would wake this JS thread as well. Its row goes after the native echo's.
  const child = spawnSync(process.execPath, [fileURLToPath(new URL('./sigfloor.mjs', import.meta.url)), rounds, count, gapUs], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the signal floor's process failed: ${child.stderr}`);
  const floor = JSON.parse(child.stdout);
  const ordered = (record, extra) => Object.fromEntries(Object.entries(record).flatMap(([k, v]) => k === NATIVE_ECHO ? [[k, v], [SIGNAL_ECHO, extra]] : [[k, v]]));
  const allSamples = ordered(samples, floor.samples[SIGNAL_ECHO]);
  const allCpuUs = ordered(cpuUs, floor.cpuUs[SIGNAL_ECHO]);
  const libuvP50 = percentile(samples['net.Socket (libuv)'], 0.5);
  // The distribution, for the chart: the latency at every percentile from 1 to 99, and p99.9.
  const fractions = [...Array.from({ length: 99 }, (_, i) => (i + 1) / 100), 0.999];
  const results = Object.entries(allSamples).map(([name, s]) => ({
    name, n: s.length, p50: percentile(s, 0.5), p99: percentile(s, 0.99), vsLibuv: percentile(s, 0.5) / libuvP50,
    cpuUsPerRoundTrip: s.length ? allCpuUs[name] / s.length : null,
    // The signal echo's own reference: the native echo measured beside it, in its process.
    ...(name === SIGNAL_ECHO ? { nativeEchoP50: percentile(floor.samples[NATIVE_ECHO], 0.5) } : {}),
    distribution: fractions.map((fraction) => ({ fraction, us: percentile(s, fraction) })),
  }));
  // A contender that could not run keeps its row, after net.Socket, with no numbers.
  if (epollMissing) {
    const at = results.findIndex((r) => r.name === 'net.Socket (libuv)') + 1;
    results.splice(at, 0, { name: EPOLL_NAME, available: false, reason: epollMissing,
      n: 0, p50: null, p99: null, vsLibuv: null, distribution: [] });
  }
  const md = table(['contender', 'round trips', 'p50 (µs)', 'p99 (µs)', 'p50 / libuv (targets: thread ≤ 1.5, signal ≤ 1.1)', 'CPU per round trip, all threads (µs)'],
    results.map((r) => r.available === false ? [r.name, notAvailable(r.reason), '—', '—', '—', '—']
      : [r.name, String(r.n), r.p50.toFixed(1), r.p99.toFixed(1), r.vsLibuv.toFixed(2), r.cpuUsPerRoundTrip.toFixed(0)]));
  return { name: 'round trip', results, md };
}
