// Test harness for sim/evwheel-sim.wasm: instantiates the module directly with hand-written host
// imports over a plain shared WebAssembly.Memory that stands in for the core's memory, with rings
// and rearm lists laid out as docs/INTERNALS.md says (as the core would).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const simPath = join(root, 'sim', 'evwheel-sim.wasm');
const module = new WebAssembly.Module(readFileSync(simPath));

export const IN = 0x1, OUT = 0x4, ERR = 0x8, HUP = 0x10;
export const ONESHOT = 0x40000000, ET = 0x80000000;
export const KIND_FD = 0, KIND_TIMER = 1, KIND_RESCAN = 2;
export const errno = { EPERM: 1, ENOENT: 2, EINTR: 4, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EBUSY: 16, EEXIST: 17, EINVAL: 22, EPIPE: 32 };

const OFF = { head: 0, tail: 64, bellArmed: 128, capacity: 132, producerWaiting: 136, rescanRequested: 140, producerNow: 144, finished: 152 };

/** A fresh module instance (fresh kernel), initialised with sim_init. */
export function makeSim({ seed = 1, eintr = 0, enomem = 0, spurious = 0, signalQueue = 0, corePages = 4 } = {}) {
  const core = new WebAssembly.Memory({ initial: corePages, maximum: 64, shared: true });
  const u32 = new Uint32Array(core.buffer);
  const i64 = new BigInt64Array(core.buffer);
  const hostCalls = { xchg: 0 };
  const env = {
    evw_host_load_u32: (off) => Atomics.load(u32, off >>> 2),
    evw_host_store_u32: (off, v) => { Atomics.store(u32, off >>> 2, v); },
    evw_host_xchg_u32: (off, v) => { hostCalls.xchg++; return Atomics.exchange(u32, off >>> 2, v); },
    evw_host_store_i64: (off, lo, hi) => { Atomics.store(i64, off >>> 3, BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0))); },
    emscripten_notify_memory_growth: () => {},
  };
  const instance = new WebAssembly.Instance(module, { env });
  const x = instance.exports;
  x._initialize?.();
  x.sim_init(seed, eintr, enomem, spurious, signalQueue);
  const view = () => new DataView(x.memory.buffer);
  const scratch = x.malloc(64);
  const bytes = x.malloc(65536);
  let nextRing = 1024; // core memory: rings from 1 KiB, 64-byte aligned

  const sim = {
    x, core, u32, hostCalls,
    /** A ring of `capacity` entries in the core memory, initial state as the core leaves it. */
    makeRing(capacity = 64) {
      const base = nextRing;
      nextRing += 192 + 16 * capacity + 64;
      new Uint8Array(core.buffer, base, 192 + 16 * capacity).fill(0);
      u32[(base + OFF.bellArmed) >> 2] = 1;
      u32[(base + OFF.capacity) >> 2] = capacity;
      return base;
    },
    field(ring, name) { return Atomics.load(u32, (ring + OFF[name]) >> 2); },
    setField(ring, name, v) { Atomics.store(u32, (ring + OFF[name]) >> 2, v); },
    producerNow(ring) { return Number(Atomics.load(i64, (ring + OFF.producerNow) >> 3)); },
    /**
     * Consumes every published entry: [{ fd, seq, bits, kind }], and unless `done` is false is
     * done with them (loopBatchDone: a gated progress thread fetches again). Does not re-arm the bell.
     */
    drain(ring, { done = true } = {}) {
      const cap = sim.field(ring, 'capacity');
      const out = [];
      let tail = sim.field(ring, 'tail');
      const head = sim.field(ring, 'head');
      for (; tail !== head; tail = (tail + 1) >>> 0) {
        const e = (ring + 192 + 16 * (tail & (cap - 1))) >> 2;
        out.push({ fd: u32[e] | 0, seq: u32[e + 1], bits: u32[e + 2], kind: u32[e + 3] });
      }
      sim.setField(ring, 'tail', tail);
      if (done) sim.setField(ring, 'finished', tail);
      return out;
    },
    /** Writes a rearm list ([fd, events, seq] triples) at a free spot of the core memory → offset. */
    rearmList(entries) {
      const off = core.buffer.byteLength - 16384;
      entries.forEach(([fd, events, seq], i) => {
        u32[(off >> 2) + 3 * i] = fd; u32[(off >> 2) + 3 * i + 1] = events >>> 0; u32[(off >> 2) + 3 * i + 2] = seq;
      });
      return off;
    },
    loopNew(ring, bellFd = -1, threaded = 0) {
      const loop = x.evw_loop_new(0, ring, bellFd, threaded, scratch);
      return loop !== 0 ? loop : view().getInt32(scratch, true);
    },
    loopNewSignal(ring, bellFd, signo) {
      const loop = x.evw_loop_new_signal(0, ring, bellFd, signo, scratch);
      return loop !== 0 ? loop : view().getInt32(scratch, true);
    },
    pipe() {
      const rc = x.sim_pipe(scratch);
      if (rc !== 0) throw new Error(`sim_pipe: ${rc}`);
      return { r: view().getInt32(scratch, true), w: view().getInt32(scratch + 4, true) };
    },
    doorbell() {
      const rc = x.evw_doorbell_new(scratch);
      if (rc !== 0) throw new Error(`evw_doorbell_new: ${rc}`);
      return { r: view().getInt32(scratch, true), w: view().getInt32(scratch + 4, true) };
    },
    write(fd, n = 1) {
      new Uint8Array(x.memory.buffer, bytes, n).fill(0x78);
      return x.sim_write(fd, bytes, n);
    },
    /** Bytes read until EAGAIN/EOF (0 when nothing is pending), or -errno from the first read. */
    readAll(fd) {
      let total = 0;
      for (;;) {
        const n = x.sim_read(fd, bytes, 65536);
        if (n <= 0) return total === 0 && n < 0 && n !== -errno.EAGAIN ? n : total;
        total += n;
      }
    },
  };
  return sim;
}
