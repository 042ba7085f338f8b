// The round trip's measuring loop, shared by the round-trip benchmark and its signal-floor child
// (sigfloor.mjs): rounds interleave the contenders; each round gives each contender fresh pipes,
// `count` pings from the native pinger, and the process's CPU time they took.
import { nativePeers, whenDone } from './native.mjs';

/**
 * `echoes`: name → (inFd, outFd) => stop, for a contender reading inFd and echoing to outFd.
 * `closesIn(name)`: whether its stop() closes inFd itself (a net.Socket does). Returns the
 * samples (µs) and the CPU time (µs) per contender.
 */
export async function pingRounds(echoes, { rounds, count, gapUs, closesIn = () => false }) {
  const n = nativePeers();
  const samples = Object.fromEntries(Object.keys(echoes).map((k) => [k, []]));
  // CPU time of the whole process (pinger, JS thread, any progress thread) per round trip: what a
  // contender costs besides its latency. The pinger sleeps through its gap (usleep), so busy
  // threads show.
  const cpuUs = Object.fromEntries(Object.keys(echoes).map((k) => [k, 0]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, start] of Object.entries(echoes)) {
      const [toJs, fromPinger] = n.pipe();
      const [toPinger, fromJs] = n.pipe();
      const stop = start(toJs, fromJs);
      const out = new Float64Array(new SharedArrayBuffer(8 * count));
      const cpu = process.cpuUsage();
      const run = n.pingStart(fromPinger, toPinger, count, gapUs, out);
      await whenDone(() => n.pingDone(run));
      n.pingJoin(run);
      const used = process.cpuUsage(cpu);
      cpuUs[name] += used.user + used.system;
      stop();
      for (const fd of closesIn(name) ? [fromPinger, toPinger, fromJs] : [toJs, fromPinger, toPinger, fromJs]) n.close(fd);
      for (const ns of out) if (ns > 0) samples[name].push(ns / 1000);
    }
  }
  return { samples, cpuUs };
}

export const NATIVE_ECHO = 'native echo thread (floor)';
export const SIGNAL_ECHO = 'native signal echo (floor of a signal wake-up)';

/** The two C echoes: woken by the fd itself (no JS at all), and by the fd's realtime signal. */
export function nativeFloors() {
  const n = nativePeers();
  return {
    [NATIVE_ECHO]: (inFd, outFd) => { const e = n.echoStart(inFd, outFd); return () => n.echoStop(e); },
    [SIGNAL_ECHO]: (inFd, outFd) => {
      const e = n.sigechoStart(inFd, outFd);
      if (!e) throw new Error('the native signal echo found no free realtime signal');
      return () => n.sigechoStop(e);
    },
  };
}
