// A load to profile under: `pipes` pipes, `rounds` rounds of one byte written to each, read by
// an evwheel callback per readiness. Meant to run under a profiler (docs/INTERNALS.md,
// "Profiling"), not to time anything: with pipes=1 it is the round trip of the benchmark.
//   node scripts/profile/echo-load.mjs [thread|signal|poll] [rounds] [pipes]
import { AsyncContext, Events } from 'evwheel';
import { nativePeers } from '../bench/native.mjs';

const [mode = 'thread', rounds = 2000, pipes = 1] = process.argv.slice(2).map((a, i) => (i === 0 ? a : Number(a)));
const n = nativePeers();
const buf = new Uint8Array(64);
const one = new Uint8Array([1]);
const ctx = AsyncContext.create({ mode, maxHandlers: pipes });
const ends = Array.from({ length: pipes }, () => n.pipe());
let delivered = 0;
for (const [r] of ends) ctx.setEventHandler(r, Events.IN, () => { if (n.read(r, buf, buf.length) > 0) delivered++; });
const turn = () => new Promise((resolve) => setImmediate(() => { if (mode === 'poll') ctx.poll(); resolve(); }));
for (let round = 0; round < rounds; round++) {
  const want = delivered + pipes;
  for (const [, w] of ends) n.write(w, one, 1);
  while (delivered < want) await turn();
}
ctx.close();
for (const [r, w] of ends) { n.close(r); n.close(w); }
console.log(`${mode}: ${delivered} deliveries over ${pipes} pipe(s)`);
