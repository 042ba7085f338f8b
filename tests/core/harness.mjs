// Test harness for build/core.wasm: a fresh core per call, plus helpers that play the shim's part
// (the ring producer, written exactly as docs/INTERNALS.md says) and read the core's lists.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const wasmPath = fileURLToPath(new URL('../../build/core.wasm', import.meta.url));
const module = new WebAssembly.Module(readFileSync(wasmPath));

export const E = { CONTEXT_FULL: -1, HANDLER_EXISTS: -2, NOT_FOUND: -3, NOT_BLOCKED: -4, INVALID: -5, FD_RANGE: -6, NO_MEMORY: -7 };
export const FLAG = { ONCE: 1, EDGE: 2, REARM: 4 };
export const EV = { IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10 };
export const KIND = { FD: 0, TIMER: 1, RESCAN: 2 };
export const STAT = { dispatched: 0, missed: 1, coalesced: 2, staleDropped: 3, handlers: 4, ringHighWater: 5, missedPending: 6 };
export const EPOLLONESHOT = 2 ** 30;
export const EPOLLET = 2 ** 31;

const RING = { head: 0, tail: 64, bellArmed: 128, capacity: 132, producerWaiting: 136, rescanRequested: 140, producerNow: 144, finished: 152, entries: 192 };

/** A fresh core on a fresh shared memory, initialised. */
export function loadCore() {
  const memory = new WebAssembly.Memory({ shared: true, initial: 16, maximum: 16384 });
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: (_msg, _file, line, col) => { throw new Error(`core abort at ${line}:${col}`); },
    },
  });
  const x = instance.exports;
  x.init();
  return { x, memory };
}

/** Views renewed on every use: the memory's buffer grows (never moves) when the core allocates. */
const u32 = (core) => new Uint32Array(core.memory.buffer);
const i32 = (core) => new Int32Array(core.memory.buffer);
const i64 = (core) => new BigInt64Array(core.memory.buffer);

/** Plays the shim: one producer for one loop's ring. */
export class Producer {
  constructor(core, loop) {
    this.core = core;
    this.R = core.x.loopRingOffset(loop);
    // The shim copies capacity once and never trusts the header again.
    this.capacity = Atomics.load(u32(core), (this.R + RING.capacity) >> 2);
    this.doorbells = 0;
  }

  field(name) { return Atomics.load(u32(this.core), (this.R + RING[name]) >> 2); }
  setField(name, value) { Atomics.store(u32(this.core), (this.R + RING[name]) >> 2, value >>> 0); }
  get head() { return this.field('head'); }
  get tail() { return this.field('tail'); }
  get free() { return this.capacity - ((this.head - this.tail) >>> 0); }

  /**
   * Publishes entries ({fd, seq, bits, kind}) as the shim does: write entries, release head,
   * store producerNow, ring the doorbell if the consumer armed it. Returns false (and sets
   * producerWaiting) when the ring is full.
   */
  publish(entries, nowNs = 0) {
    const view = u32(this.core);
    let head = this.head;
    for (const e of entries) {
      if (((head - this.tail) >>> 0) === this.capacity) {
        this.setField('producerWaiting', 1);
        this.finishPublish(head, nowNs);
        return false;
      }
      const at = (this.R + RING.entries + (head & (this.capacity - 1)) * 16) >> 2;
      Atomics.store(view, at, e.fd >>> 0);
      Atomics.store(view, at + 1, (e.seq ?? 0) >>> 0);
      Atomics.store(view, at + 2, (e.bits ?? 0) >>> 0);
      Atomics.store(view, at + 3, e.kind ?? KIND.FD);
      head = (head + 1) >>> 0;
    }
    this.finishPublish(head, nowNs);
    return true;
  }

  finishPublish(head, nowNs) {
    this.setField('head', head);
    Atomics.store(i64(this.core), (this.R + RING.producerNow) >> 3, BigInt(nowNs));
    if (Atomics.exchange(u32(this.core), (this.R + RING.bellArmed) >> 2, 0) === 1) this.doorbells++;
  }

  fd(fd, seq, bits) { return this.publish([{ fd, seq, bits, kind: KIND.FD }]); }
  timer(nowNs = 0) { return this.publish([{ fd: 0, kind: KIND.TIMER }], nowNs); }
}

/** Dispatch entries [from, to) as {slot, gen, value}. */
export function dispatched(core, from, to) {
  const base = core.x.dispatchBase() >> 2;
  const view = i32(core);
  const out = [];
  for (let i = from; i < to; i++) {
    const at = base + i * 3;
    out.push({ slot: view[at], gen: view[at + 1], value: view[at + 2] });
  }
  return out;
}

/** Takes entries [from, to) as TS does before running their callbacks: slot set to -1 (dispatch.ts). */
export function take(core, from, to) {
  const base = core.x.dispatchBase() >> 2;
  const view = i32(core);
  for (let i = from; i < to; i++) view[base + i * 3] = -1;
}

/** Drains and returns only the new dispatch entries, taken (their callbacks as good as run). */
export function drainNew(core, loop, nowNs = 0) {
  const start = core.x.drainStart();
  const end = core.x.drain(loop, nowNs);
  const entries = dispatched(core, start, end);
  take(core, start, end);
  return entries;
}

/** The rearm list of a loop after loopFinishBatch, as {fd, events, seq}. */
export function rearmList(core, loop) {
  const count = core.x.loopFinishBatch(loop);
  const base = core.x.rearmBase(loop) >> 2;
  const view = u32(core);
  const out = [];
  for (let i = 0; i < count; i++) out.push({ fd: view[base + i * 3] | 0, events: view[base + i * 3 + 1], seq: view[base + i * 3 + 2] });
  return out;
}

/** One loop with a global context and optionally a bounded context; `gated` as a thread loop is. */
export function setup({ ringCapacity = 64, maxHandlers = 16, gated = false } = {}) {
  const core = loadCore();
  const loop = core.x.loopCreate(ringCapacity);
  if (gated) core.x.loopSetGated(loop);
  const global = core.x.ctxCreate(loop, 0);
  const ctx = core.x.ctxCreate(loop, maxHandlers);
  return { core, x: core.x, loop, global, ctx, producer: new Producer(core, loop) };
}

/** Registers an fd handler and gives it a seq, as TS does after evw_fd_add. */
export function addFd(x, ctx, fd, interest, flags = FLAG.REARM, seq = fd * 10 + 1) {
  const slot = x.fdAdd(ctx, fd, interest, flags);
  if (slot >= 0) x.fdSetSeq(slot, seq);
  return { slot, seq, fd, gen: slot >= 0 ? x.handlerGen(slot) : 0 };
}

/**
 * n fd handlers on fds first..first+n-1: ring-mechanics tests give each entry its own fd, since
 * events for one fd within one drain are merged into one delivery.
 */
export function addFds(x, ctx, n, interest, first = 100) {
  return Array.from({ length: n }, (_, i) => addFd(x, ctx, first + i, interest));
}

/** One ring entry per handler, with `bits` (a number, or one per handler). */
export function entriesFor(handlers, bits) {
  return handlers.map((h, i) => ({ fd: h.fd, seq: h.seq, bits: Array.isArray(bits) ? bits[i] : bits }));
}

/** Deterministic PRNG (never Math.random in tests). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
