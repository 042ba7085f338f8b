// The event ring consumer (docs/INTERNALS.md, "The event ring"). One producer (the shim's
// progress thread or signal handler), one consumer (drain, on the JS thread). Every shared field
// is accessed with atomics, which in Wasm are sequentially consistent (at least acquire/release).

import { allocZeroed } from './memory';

export const RING_HEAD: usize = 0;
export const RING_TAIL: usize = 64;
export const RING_BELL_ARMED: usize = 128;
export const RING_CAPACITY: usize = 132;
export const RING_PRODUCER_WAITING: usize = 136;
export const RING_RESCAN_REQUESTED: usize = 140;
export const RING_PRODUCER_NOW: usize = 144;
export const RING_FINISHED: usize = 152;
export const RING_ENTRIES: usize = 192;
export const ENTRY_SIZE: usize = 16;
const ALIGN: usize = 64; // head, tail and the flags live on separate cache lines

export const MAX_RING_CAPACITY: i32 = 1 << 24;

/** Capacity rounded up to a power of two (at least 16), or 0 if out of range. */
export function ringCapacityFor(requested: i32): u32 {
  if (requested <= 0 || requested > MAX_RING_CAPACITY) return 0;
  let capacity: u32 = 16;
  while (capacity < <u32>requested) capacity <<= 1;
  return capacity;
}

/** Allocates a zeroed ring block; returns the raw allocation (to free) — the ring starts at ringBaseOf(raw). */
export function ringAllocate(capacity: u32): usize {
  const raw = allocZeroed(RING_ENTRIES + <usize>capacity * ENTRY_SIZE + ALIGN);
  const ring = ringBaseOf(raw);
  atomic.store<u32>(ring + RING_CAPACITY, capacity);
  atomic.store<u32>(ring + RING_BELL_ARMED, 1); // idle: the first publication rings the doorbell
  return raw;
}

export function ringBaseOf(raw: usize): usize {
  return (raw + ALIGN - 1) & ~(ALIGN - 1);
}

// @ts-ignore: decorator
@inline export function ringHead(ring: usize): u32 {
  return atomic.load<u32>(ring + RING_HEAD);
}

// @ts-ignore: decorator
@inline export function ringTail(ring: usize): u32 {
  return atomic.load<u32>(ring + RING_TAIL);
}

// @ts-ignore: decorator
@inline export function setRingTail(ring: usize, tail: u32): void {
  atomic.store<u32>(ring + RING_TAIL, tail);
}

/** Address of entry number `index` (a free-running counter, wraps at 2^32 like head and tail). */
// @ts-ignore: decorator
@inline export function ringEntry(ring: usize, capacity: u32, index: u32): usize {
  return ring + RING_ENTRIES + <usize>(index & (capacity - 1)) * ENTRY_SIZE;
}

/** Tells the producer we are idle: its next publication must ring the doorbell. */
export function armBell(ring: usize): void {
  atomic.store<u32>(ring + RING_BELL_ARMED, 1);
}

/** If the producer found the ring full and sleeps, clears the flag and returns true (TS must wake it). */
export function takeProducerWaiting(ring: usize): bool {
  if (atomic.load<u32>(ring + RING_PRODUCER_WAITING) == 0) return false;
  atomic.store<u32>(ring + RING_PRODUCER_WAITING, 0);
  return true;
}

/** A signal handler found the ring full and dropped an entry: every fd must be polled again. */
export function takeRescanRequested(ring: usize): bool {
  return atomic.xchg<u32>(ring + RING_RESCAN_REQUESTED, 0) != 0;
}

export function producerNow(ring: usize): i64 {
  return atomic.load<i64>(ring + RING_PRODUCER_NOW);
}
