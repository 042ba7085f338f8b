// Rewrites the README's performance section (between its bench markers) from a full run, so the
// tables, the chart and the status sentences always come from the same results.
import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:start (written by npm run bench) -->';
const END = '<!-- bench:end -->';

const LABELS = {
  timers: "**Timers: schedule + cancel** (intervals 1 s to 1 h, never firing). `addTimer` returns a Timer object per timer, as `setTimeout` does; a `TimerGroup` (`ctx.createTimerGroup(callback)`) names its timers by number instead, here kept in a `Float64Array`. \"The wheel alone\" calls the core's Wasm exports directly, without the JS API around them; \"a bare object\" allocates a plain object of a Timer's size per pair and keeps it the same way, with no clock or wheel: what V8 charges any API that returns an object per timer. \"A clock read\" is the \`performance.now()\` every addTimer makes. GC pauses are the collector's pauses on the JS thread (\`PerformanceObserver\` 'gc' entries) that fell inside each contender's samples, per pair, median over samples.",
  precision: "**Timer precision** over 2 s, the same measures for every timer. Lateness: each expiration against the schedule the timer was asked for (start + k × interval); a callback covering several coalesced expirations counts each, the oldest the latest; `setInterval` restarts each interval from its own callback, so its ticks drift behind that schedule, and lateness counts the drift. Jitter leaves drift out: each interval between callbacks against its nominal length. Callbacks and the expirations they covered, against the schedule's count.",
  'round trip': '**Round trip**: a native thread writes one byte to a pipe and waits for the echo on a second pipe (`scripts/bench/native/pinger.c`, built on demand, not part of the package); the contender reads it and echoes it. The reference is `net.Socket` with `\'data\'` events, as users write it; `onread` is its lightest JS path (no stream, one reused buffer); evwheel reads its doorbell in C and calls JS from there (`napi_make_callback`). `epoll (npm)` is the `epoll` package, a dev dependency built by node-gyp (its rows say "not available" when its addon did not build). 25 rounds of 200 round trips per contender, interleaved: this VM drifts in speed over seconds, and rounds of 1,000 handed whole drifts to one contender (six runs each: the ratio of signal mode to libuv spread 0.87–1.22 in 5 rounds of 1,000, 0.93–1.04 in 25 of 200). Distribution: [docs/bench/roundtrip.svg](docs/bench/roundtrip.svg).',
  throughput: "**Throughput**: a native thread sprays single bytes round-robin across 1,000 pipes for 1 s; the callbacks drain them, like libuv, with one `read` per readiness unless it fills the 64 KiB buffer (evwheel's and the epoll package's through koffi, libuv's in C).",
  'scale and memory': "**Scale and memory**: registering fd handlers (100k where the fd limit allows, one eventfd each; where it does not, the core alone registers 100k too) and a million timers (Timer objects, then a TimerGroup's), each kind in a fresh process, all sharing one callback. RSS and JS heap are the process's growth, settled by GC; the core's Wasm memory is that of the same registrations on a bare core (its memory's growth, allocator slack included). Allocation is the heap's growth between collections over 10,000 poll() calls at a time.",
};

/** A met/missed word for a measured value against its target. */
const verdict = (ok) => (ok ? 'met' : 'missed');

function status(byName) {
  const t = Object.fromEntries(byName.timers.results.map((r) => [r.n, r]));
  const p = Object.fromEntries(byName.precision.results.map((r) => [r.name, r]));
  const rt = Object.fromEntries(byName['round trip'].results.map((r) => [r.name, r]));
  const tp = Object.fromEntries(byName.throughput.results.map((r) => [r.name, r]));
  const s = byName['scale and memory'].results;
  const d = s.deliveries;
  const x = (v, digits = 1) => `${v.toFixed(digits)}×`;
  const us = (v) => `${Math.round(v)} µs`;
  const relay = rt['native relay, two threads (floor of a thread hand-off)'];
  const spinning = rt['native relay, busy-polling (floor of a spinning hand-off)'];
  const epoll = rt['epoll (npm)'];
  const us1 = (v) => `${v.toFixed(1)} µs`;
  const sigFloor = rt['native signal echo (floor of a signal wake-up)'];
  const sigFloorCost = sigFloor.p50 - (sigFloor.nativeEchoP50 ?? rt['native echo thread (floor)'].p50);
  const signalCost = rt['evwheel signal'].p50 - rt['net.Socket (libuv)'].p50;
  const allowance = rt['net.Socket (libuv)'].p50 * 0.1;
  const cpu = (r) => `${Math.round(r.cpuUsPerRoundTrip)} µs`;
  const scaleRatio = t[1e6].evwheelNs / t[1e3].evwheelNs;
  const groupScaleRatio = t[1e6].groupNs / t[1e3].groupNs;
  const gcFreeRatio = (t[1e6].evwheelNs - t[1e6].evwheelGcNs) / (t[1e3].evwheelNs - t[1e3].evwheelGcNs);
  const p99Half = (mode) => p[`evwheel ${mode} 1 ms`].p99 <= p[`setInterval 1 ms (beside ${mode})`].p99 / 2;
  const beside = (mode) => p[`setInterval 1 ms (beside ${mode})`];
  const alloc = (ready) => s.allocation.find((a) => a.ready === ready);
  /** How evwheel's 1 ms jitter p99 compares with setInterval's, in both modes. */
  const jitterWord = () => {
    const ratios = ['thread', 'signal'].map((mode) => p[`evwheel ${mode} 1 ms`].jitterP99 / beside(mode).jitterP99);
    if (ratios.every((r) => r <= 0.5)) return 'half or less';
    if (ratios.every((r) => r < 1)) return 'lower, though not half';
    return 'no better in both modes';
  };
  return [
    `Where it stands against the targets of this run:`,
    '',
    `- Timers: addTimer is ${x(t[1e5].speedup)} and ${x(t[1e6].speedup)} as fast as Node at 1e5 and 1e6, a TimerGroup ${x(t[1e5].groupSpeedup)} and`,
    `  ${x(t[1e6].groupSpeedup)} (target 5×: ${verdict(t[1e5].speedup >= 5)} and ${verdict(t[1e6].speedup >= 5)} with Timer objects, ${verdict(t[1e5].groupSpeedup >= 5)} and ${verdict(t[1e6].groupSpeedup >= 5)} with a TimerGroup). Per`,
    `  pair, 1e6 costs ${x(groupScaleRatio, 2)} what 1e3 does in a TimerGroup, ${x(scaleRatio, 2)} with Timer objects (target 1.5×: ${verdict(groupScaleRatio <= 1.5)}`,
    `  with a TimerGroup, ${verdict(scaleRatio <= 1.5)} with Timer objects). Alone, the wheel's O(1) work costs ${Math.round(t[1e3].coreNs)} ns per pair at 1e3 and ${Math.round(t[1e6].coreNs)}`,
    `  at 1e6: its list links live apart from the 64-byte handler records since 2026-11-22, 8 bytes per timer, so`,
    `  that linking a timer in or out of a bucket touches its neighbours' links (8 MiB for a million, in cache)`,
    `  instead of their records (64 MiB, not in cache); with the links in the records, the wheel alone went from`,
    `  about 55 to 140 ns per pair between 1e3 and 1e6 on this machine.`,
    `  What separates the two APIs at 1e6 is the garbage collector: its pauses come to ${Math.round(t[1e6].evwheelGcNs)} ns per pair for addTimer`,
    `  (${Math.round(t[1e3].evwheelGcNs)} at 1e3; Node's ${Math.round(t[1e3].nodeGcNs)} and ${Math.round(t[1e6].nodeGcNs)}) and ${Math.round(t[1e6].groupGcNs)} for a TimerGroup; without them, addTimer's 1e6 costs`,
    `  ${x(gcFreeRatio, 2)} its 1e3. The collector moves a million live objects, which any API that returns one per timer`,
    `  pays: a bare four-field object, kept the same way, goes from ${Math.round(t[1e3].bareNs)} to ${Math.round(t[1e6].bareNs)} ns per pair (Node's own cost`,
    `  grows ${x(t[1e6].nodeNs / t[1e3].nodeNs, 2)}). A Timer is that 56-byte object and nothing else on the JS heap (its interval lives in the`,
    `  core); object literals, which V8 can allocate straight into the old generation, were tried for Timers and were no`,
    `  faster. A TimerGroup's timers are core records and an 8-byte slot of the runtime's table, nothing for the`,
    `  collector to move. ${Math.round(t[1e3].clockNs)} ns of each pair is the clock read (\`performance.now()\` on this VM), which makes a`,
    `  deadline exact from the call where Node's count from the loop's cached time. It allocates too: Node 20`,
    `  returns that number boxed (16 bytes), so an addTimer allocates 72 bytes, the Timer's 56 and the clock's 16, which`,
    `  dies young; \`process.hrtime()\` (32 bytes), \`process.hrtime.bigint()\` (56) and \`Date.now()\` (16, in whole`,
    `  milliseconds) allocate as well (measured between collections, 2026-11-22).`,
    `- Precision: the 1 ms timer's lateness p99 is ${us(p['evwheel thread 1 ms'].p99)} (thread) and ${us(p['evwheel signal 1 ms'].p99)} (signal) against`,
    `  \`setInterval\`'s ${us(beside('thread').p99)} and ${us(beside('signal').p99)} (target half: ${verdict(p99Half('thread'))} in thread mode, ${verdict(p99Half('signal'))} in signal mode), most of`,
    `  \`setInterval\`'s being drift (p50 ${us(beside('thread').p50)} and ${us(beside('signal').p50)}). Without drift, on jitter, evwheel's p99 is`,
    `  ${us(p['evwheel thread 1 ms'].jitterP99)} and ${us(p['evwheel signal 1 ms'].jitterP99)} against \`setInterval\`'s ${us(beside('thread').jitterP99)} and ${us(beside('signal').jitterP99)}: ${jitterWord()} at the tail. This`,
    `  VM's wake-ups are the floor: in C, a thread blocked on a timerfd wakes about 37 µs late (p50) at 1 ms periods,`,
    `  and a second thread it wakes through a pipe about 51 µs (thread mode took both hops until Node's loop watched its`,
    `  epoll set; a timer now wakes the JS thread directly). Waking 150 µs early`,
    `  and busy-waiting on the JS thread (tried, not shipped) took the p50 to about 6 µs, but the p99 stayed at`,
    `  95–180 µs in thread mode and the busy JS thread made \`setInterval\` beside it later. Waking the progress`,
    `  thread 100 µs early and spinning there instead (tried, not shipped) took a lone 1 ms timer's p50 from 94 to`,
    `  40 µs, what is left being the JS thread's wake-up, but cost 10% of a CPU per 1 kHz timer. The 0.1 ms timer`,
    `  (thread mode) ran ${Math.round(p['evwheel thread 0.1 ms'].callbacks * 100)}% of its schedule's callbacks and covered ${Math.round(p['evwheel thread 0.1 ms'].rate * 100)}% of its expirations, the rest coalesced`,
    `  into them and counted; \`setInterval\` cannot go below 1 ms.`,
    `- Round trip, p50 against libuv: poll mode (spinning) ${x(rt['evwheel poll'].vsLibuv, 2)}, signal mode ${x(rt['evwheel signal'].vsLibuv, 2)} (target 1.1×:`,
    `  ${verdict(rt['evwheel signal'].vsLibuv <= 1.1)}), thread mode ${x(rt['evwheel thread'].vsLibuv, 2)} (target 1.5×: ${verdict(rt['evwheel thread'].vsLibuv <= 1.5)}), using ${cpu(rt['evwheel thread'])} of CPU per round trip`,
    `  (libuv ${cpu(rt['net.Socket (libuv)'])}). Thread mode hands nothing from thread to thread any more: Node's own loop watches`,
    `  its epoll set and the JS thread fetches in C and calls JS from there, so an event costs one wake-up, as libuv's do,`,
    `  and no doorbell (reading it through a \`net.Socket\` cost 3–6 µs more per round trip). A hand-off has a`,
    `  floor of its own: the native relay (C only, no JS) is ${x(relay.vsLibuv, 2)} libuv here, because on this VM every wake-up of a`,
    `  thread on another CPU costs about 25 µs${epoll?.p50 ? `; the epoll package, which hands off that way, is at ${x(epoll.vsLibuv, 2)}` : ''}, and thread mode, handing off`,
    `  through its progress thread, was 3.26× (2026-11-22). Busy-polling lowers that floor (the relay with its epoll`,
    `  thread spinning for 1 ms after each event: ${x(spinning.vsLibuv, 2)} libuv, at ${cpu(spinning)} of CPU per round trip) but not below one wake-up.`,
    `  The libuv reference's p50 moves between runs (17–29 µs), and with it the ratios. Since 2026-11-22 (evening) Node's`,
    `  loop watches a signal loop's signalfd, its signal blocked on the JS thread, which takes the queued signals itself:`,
    `  no handler frame, no doorbell byte, no epoll_wait left with EINTR and called again, and running JS is no longer`,
    `  interrupted. In eight processes alternating with the handler's path (same build otherwise, p50 over libuv's`,
    `  in each), signal mode went from 0.92–1.32× (median 1.22×) to 0.89–1.19× (median 1.04×), about 4 µs less per`,
    `  round trip. The watch is for the process's only signal loop: the kernel wakes every signalfd watcher of a`,
    `  process for any signal of that process (a watching main thread woke 9,700 times a second beside a worker's`,
    `  0.1 ms signal timer), so a second signal loop makes both take the handler's path. Signal mode has a floor of`,
    `  its own: the native signal echo (C only, in a process of its own: a thread asleep in epoll_wait is woken by`,
    `  the fd's realtime signal, whose handler rings a doorbell, epoll_wait being left with EINTR) takes`,
    `  ${us1(sigFloorCost)} more per round trip (p50) than the native echo thread woken by the fd itself. Signal mode takes`,
    `  ${us1(signalCost)} more than libuv, ${signalCost <= sigFloorCost ? 'no more than' : 'above'} what the signal costs the native echo; the 1.1× target leaves`,
    `  ${us1(allowance)}${sigFloorCost > allowance ? ", less than the signal alone: it is met only in runs where the rest of evwheel's path undercuts libuv's by the difference" : ''}.`,
    `  Counted with strace, signal mode makes three system calls more per round trip than libuv's (epoll_wait, read,`,
    `  write): the signalfd's read, a poll of the fd (a signal queued before the fd was drained reports nothing, and a`,
    `  closed writer is HUP, not the signal's IN), and the re-arm's poll after the batch (an fd the callback left`,
    `  readable must be reported again, and no new signal would say so). A native echo woken by \`sigtimedwait\` (no`,
    `  handler, no doorbell) measured about 4 µs above the native echo thread: the rest of the time goes to raising`,
    `  the signal and waking on it. The shim's own code is not where it goes: callgrind counted about 500 of its`,
    `  instructions per round trip in thread mode and 1,100 in signal mode, by the handler (well under a microsecond).`,
    `- Throughput under a flood over 1,000 pipes: thread mode ${x(tp['evwheel thread'].vsLibuv, 2)} libuv's callbacks (target 1.5×:`,
    `  ${verdict(tp['evwheel thread'].vsLibuv >= 1.5)})${tp['evwheel thread'].vsEpoll ? ` and ${x(tp['evwheel thread'].vsEpoll, 2)} the epoll package's` : ''}: nothing is fetched until JS is done with each`,
    `  batch, so level-triggered fds stay armed and cost no \`epoll_ctl\` per event (re-arming each one used half a CPU`,
    `  that the JS thread lacked). Signal mode ${x(tp['evwheel signal'].vsLibuv, 2)} (${verdict(tp['evwheel signal'].vsLibuv >= 1.5)}): under load an fd drained by its callback is`,
    `  polled after the next batch rather than armed, so few signals are raised.`,
    `- Memory: nothing is retained across ${d.count.toLocaleString('en')} deliveries, and what is allocated is per poll() call, not per`,
    `  event: ${Math.round(alloc(0).bytesPerPoll)} bytes with nothing ready, ${Math.round(alloc(1).bytesPerPoll)} delivering one event, ${Math.round(alloc(10).bytesPerPoll)} delivering ten (an`,
    `  iterator made on every delivery, 120 bytes, was found and removed by this measure). The 16-byte steps are`,
    `  the clock: Node 20's \`performance.now()\` returns its number boxed unless V8 inlines it, which it does not`,
    `  in a loop as large as the delivery's (one read per round of it). A handler`,
    `  costs about ${Math.round(s.fds.heapPerHandler)} bytes of JS heap and ${Math.round(s.fds.wasmPerHandler)} of core memory (an fd), ${Math.round(s.timers.heapPerHandler)} and ${Math.round(s.timers.wasmPerHandler)} (a timer),`,
    `  ${Math.round(s.groupTimers.heapPerHandler)} and ${Math.round(s.groupTimers.wasmPerHandler)} (a timer of a TimerGroup).`,
    ...(s.fds.count < 100_000 ? [
      `  Only ${s.fds.count.toLocaleString('en')} of the 100,000 fd handlers could be registered: the fd limit is ${s.fds.openFilesLimit.toLocaleString('en')}, and`,
      `  raising it takes a privilege (CAP_SYS_RESOURCE) this machine does not give. The core alone takes all 100,000:`,
      `  ${Math.round(s.coreFds.nsPerHandler)} ns and ${Math.round(s.coreFds.wasmPerHandler)} bytes of its memory per fd handler, against ${Math.round(s.fds.coreNsPerHandler)} ns and ${Math.round(s.fds.wasmPerHandler)} bytes at`,
      `  ${s.fds.count.toLocaleString('en')}; the rest of a registration is the kernel's and the API's.`,
    ] : []),
  ].join('\n');
}

export function updateReadme(readmePath, machine, sections) {
  const byName = Object.fromEntries(sections.map((s) => [s.name, s]));
  const body = [
    START,
    `Results of one run on ${machine} (also \`docs/bench/results.md\` and \`.json\`):`,
    '',
    ...sections.flatMap((s) => [LABELS[s.name] ?? `**${s.name}**`, '', s.md, '']),
    status(byName),
    END,
  ].join('\n');
  const readme = readFileSync(readmePath, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < 0) throw new Error(`README has no ${START} … ${END} section`);
  writeFileSync(readmePath, readme.slice(0, a) + body + readme.slice(b + END.length));
}
