// Rewrites the README's performance section (between its bench markers) from a full run, so the
// tables, the chart and the status sentences always come from the same results.
import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:start (written by npm run bench) -->';
const END = '<!-- bench:end -->';

const LABELS = {
  timers: '**Timers: schedule + cancel** (intervals 1 s to 1 h, never firing).',
  precision: "**Timer precision** over 2 s: evwheel against its phase-kept schedule, `setInterval` as each interval's excess over 1 ms.",
  'round trip': '**Round trip**: a native thread writes one byte to a pipe and waits for the echo on a second pipe (`scripts/bench/native/pinger.c`, built on demand, not part of the package); the contender reads it and echoes it. `epoll (npm)` is the `epoll` package, a dev dependency built by node-gyp (its rows say "not available" when its addon did not build). Distribution: [docs/bench/roundtrip.svg](docs/bench/roundtrip.svg).',
  throughput: "**Throughput**: a native thread sprays single bytes round-robin across 1,000 pipes for 1 s; the callbacks drain them, like libuv, with one `read` per readiness unless it fills the 64 KiB buffer (evwheel's and the epoll package's through koffi, libuv's in C).",
  'scale and memory': '**Scale and memory** (100k fds cannot be opened on this machine: its fd limit is 20,000).',
};

function status(byName) {
  const t = Object.fromEntries(byName.timers.results.map((r) => [r.n, r]));
  const rt = Object.fromEntries(byName['round trip'].results.map((r) => [r.name, r]));
  const tp = Object.fromEntries(byName.throughput.results.map((r) => [r.name, r]));
  const d = byName['scale and memory'].results.deliveries;
  const x = (v, digits = 1) => `${v.toFixed(digits)}×`;
  return [
    `Where it stands (a baseline; the targets are not met yet): evwheel schedules and cancels timers`,
    `${x(t[1e4].speedup)}, ${x(t[1e5].speedup)} and ${x(t[1e6].speedup)} as fast as Node at 1e4, 1e5 and 1e6 (target 5× at 1e5 and 1e6), and`,
    `${x(t[1e3].speedup, 2)} at 1e3, where removing a context's last timer stops and joins its progress thread and`,
    `the next first timer starts one again (DESIGN's lifecycle). Its 0.1 ms timer keeps its rate, which`,
    `\`setInterval\` cannot do at all. In a round trip, poll mode (spinning) is at ${x(rt['evwheel poll'].vsLibuv, 2)} libuv's p50,`,
    `signal mode ${x(rt['evwheel signal'].vsLibuv)} (target 1.1×) and thread mode ${x(rt['evwheel thread'].vsLibuv)} (target 1.5×): it pays a second`,
    `thread wake-up per delivery and the doorbell's stream machinery. Under a flood of writes to 1,000`,
    `pipes, thread mode delivers ${x(tp['evwheel thread'].vsLibuv, 2)} and signal mode ${x(tp['evwheel signal'].vsLibuv, 2)} libuv's callbacks (signal mode: one`,
    `signal per readiness, but each still interrupts the JS thread). The dispatch path allocates`,
    `nothing: the JS heap is flat across ${d.count.toLocaleString('en')} deliveries.`,
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
