// Hierarchical timing wheel, after Tokio's runtime/time/wheel (mod.rs, level.rs): 64 slots per
// level, an occupied bitmask per level, the next occupied slot found with rotr + ctz. Tick = 1 ns;
// 11 levels of 6 bits cover every non-negative i64 deadline, so no level ever wraps.
//
// Unlike Tokio, every slot also keeps the minimum deadline inserted into it, so the loop can sleep
// until the exact earliest deadline instead of the start of the slot holding it.
//
// Layout of one wheel (one per loop), in linear memory:
//   0   i64 elapsed
//   8   u64 occupied[LEVELS]
//   96  Bucket[LEVELS * 64]   { i32 head, i32 tail, i64 minDeadline }
//
// Invariants:
// 1. Every timer in the wheel has `deadline >= elapsed` (insert clamps; expire fires every timer
//    whose deadline it passes before moving `elapsed` beyond it).
// 2. A timer sits at level L = levelFor(elapsed at insertion, deadline), in slot
//    `(deadline >> 6L) & 63`. Because `elapsed` only advances to the start of the next slot due
//    (lowest level first) or to a time before it, a level-L timer stays in the current level-(L+1)
//    period, in a slot after elapsed's own for L >= 1 (at or after it for L = 0, where a slot is
//    a single tick and its start is the deadline itself).
// 3. Hence every timer at level L is due before every timer at a higher level, and within a level
//    slots come due in rotation order from elapsed's slot: the first occupied slot of the lowest
//    non-empty level holds the earliest timer.
// 4. Bit s of occupied[L] is set ⇔ bucket (L, s) is non-empty.
// 5. minDeadline of a bucket ≤ every deadline in it; it is exact unless the minimum was cancelled
//    (then it is a lower bound: the loop may wake early, but expiry compares real deadlines, so
//    nothing fires early). It is reset to NO_DEADLINE when the bucket empties or is processed.

import { NONE, STATE_IN_WHEEL } from './constants';
import { Handler, handlerAt, setWheelNext, setWheelPrev, wheelNextOf, wheelPrevOf } from './handlers';
import { allocZeroed } from './memory';

export const LEVELS: i32 = 11;
const SLOTS: i32 = 64;
const SLOT_BITS: i32 = 6;
const TOP_LEVEL: i32 = LEVELS - 1;
const OCCUPIED_OFFSET: usize = 8;
const BUCKETS_OFFSET: usize = 96;
const BUCKET_SIZE: usize = 16;
const WHEEL_SIZE: usize = BUCKETS_OFFSET + <usize>(LEVELS * SLOTS) * BUCKET_SIZE;
export const NO_DEADLINE: i64 = i64.MAX_VALUE;

export function wheelCreate(): usize {
  const w = allocZeroed(WHEEL_SIZE);
  for (let b = 0; b < LEVELS * SLOTS; b++) {
    const bucket = bucketAt(w, b);
    store<i32>(bucket, NONE, 0);
    store<i32>(bucket, NONE, 4);
    store<i64>(bucket, NO_DEADLINE, 8);
  }
  return w;
}

export function wheelFree(w: usize): void {
  heap.free(w);
}

export function wheelElapsed(w: usize): i64 {
  return load<i64>(w);
}

/** Inserts a timer at its `deadline`, first clamped to `elapsed` (invariant 1). */
export function wheelInsert(w: usize, slot: i32): void {
  const h = handlerAt(slot);
  const elapsed = load<i64>(w);
  if (h.deadline < elapsed) h.deadline = elapsed;
  const level = levelFor(elapsed, h.deadline);
  const index = <i32>((<u64>h.deadline >> (<u64>(level * SLOT_BITS))) & 63);
  const b = level * SLOTS + index;
  const bucket = bucketAt(w, b);
  const tail = load<i32>(bucket, 4);
  h.wheelBucket = b;
  setWheelPrev(slot, tail);
  setWheelNext(slot, NONE);
  if (tail == NONE) store<i32>(bucket, slot, 0);
  else setWheelNext(tail, slot);
  store<i32>(bucket, slot, 4);
  if (h.deadline < load<i64>(bucket, 8)) store<i64>(bucket, h.deadline, 8);
  setOccupied(w, level, index, true);
  h.flags |= STATE_IN_WHEEL;
}

/** Unlinks a timer in O(1). A cancelled minimum leaves minDeadline as a lower bound (invariant 5). */
export function wheelRemove(w: usize, slot: i32): void {
  const h = handlerAt(slot);
  if (!(h.flags & STATE_IN_WHEEL)) return;
  const b = h.wheelBucket;
  const bucket = bucketAt(w, b);
  const prev = wheelPrevOf(slot);
  const next = wheelNextOf(slot);
  if (prev == NONE) store<i32>(bucket, next, 0);
  else setWheelNext(prev, next);
  if (next == NONE) store<i32>(bucket, prev, 4);
  else setWheelPrev(next, prev);
  if (load<i32>(bucket, 0) == NONE) {
    store<i64>(bucket, NO_DEADLINE, 8);
    setOccupied(w, b / SLOTS, b % SLOTS, false);
  }
  detach(slot, h);
}

/**
 * The earliest deadline in the wheel (exact, or a lower bound after a cancel: invariant 5),
 * NO_DEADLINE if the wheel is empty. O(LEVELS).
 */
export function wheelNextDeadline(w: usize): i64 {
  const level = findNextBucket(w);
  if (level < 0) return NO_DEADLINE;
  const min = load<i64>(bucketAt(w, level * SLOTS + foundSlot), 8);
  return min > foundStart ? min : foundStart;
}

/**
 * Advances the wheel to `now`, calling `expired(slot)` for every timer whose deadline is ≤ now,
 * in deadline order. A due bucket above level 0 is cascaded: its timers are re-inserted relative
 * to the bucket's start, which lands them in lower levels. `expired` receives a timer already
 * detached from the wheel and may re-insert it (periodic timers) with a deadline > now.
 */
export function wheelAdvance(w: usize, now: i64, expired: (slot: i32) => void): void {
  for (;;) {
    const level = findNextBucket(w);
    if (level < 0 || foundStart > now) break;
    const b = level * SLOTS + foundSlot;
    const bucket = bucketAt(w, b);
    // Take the whole list first: a re-inserted timer may land in this very bucket again.
    let slot = load<i32>(bucket, 0);
    store<i32>(bucket, NONE, 0);
    store<i32>(bucket, NONE, 4);
    store<i64>(bucket, NO_DEADLINE, 8);
    setOccupied(w, level, foundSlot, false);
    if (foundStart > load<i64>(w)) store<i64>(w, foundStart);
    while (slot != NONE) {
      const h = handlerAt(slot);
      const next = wheelNextOf(slot);
      detach(slot, h);
      // Level 0: the bucket is one tick, deadline == foundStart <= now. Higher: cascade, so
      // timers of one bucket still fire in deadline order.
      if (level == 0) expired(slot);
      else wheelInsert(w, slot);
      slot = next;
    }
  }
  if (now > load<i64>(w)) store<i64>(w, now);
}

// ---- internals ----

/** Scratch results of findNextBucket (no allocation per call). */
let foundSlot: i32 = 0;
let foundStart: i64 = 0;

/** Level of the next bucket due (lowest non-empty level, invariant 3), or -1; sets foundSlot/foundStart. */
function findNextBucket(w: usize): i32 {
  const elapsed = <u64>load<i64>(w);
  for (let level = 0; level < LEVELS; level++) {
    const occupied = load<u64>(w + OCCUPIED_OFFSET + (<usize>level << 3));
    if (occupied == 0) continue;
    const shift = <u64>(level * SLOT_BITS);
    const elapsedSlot = (elapsed >> shift) & 63;
    const slot = (ctz<u64>(rotr<u64>(occupied, elapsedSlot)) + elapsedSlot) & 63;
    // The top level spans all of u64 time: its period starts at 0.
    const levelStart = level == TOP_LEVEL ? <u64>0 : elapsed & ~((<u64>1 << (shift + 6)) - 1);
    foundSlot = <i32>slot;
    foundStart = <i64>(levelStart + (slot << shift));
    return level;
  }
  return -1;
}

/** The level a deadline belongs to, seen from `elapsed`: the 6-bit digit of their highest differing bit. */
function levelFor(elapsed: i64, deadline: i64): i32 {
  const masked = (<u64>elapsed ^ <u64>deadline) | 63;
  return (63 - <i32>clz<u64>(masked)) / SLOT_BITS;
}

// @ts-ignore: decorator
@inline function bucketAt(w: usize, b: i32): usize {
  return w + BUCKETS_OFFSET + <usize>b * BUCKET_SIZE;
}

function setOccupied(w: usize, level: i32, index: i32, on: bool): void {
  const ptr = w + OCCUPIED_OFFSET + (<usize>level << 3);
  const bit = <u64>1 << <u64>index;
  store<u64>(ptr, on ? load<u64>(ptr) | bit : load<u64>(ptr) & ~bit);
}

function detach(slot: i32, h: Handler): void {
  setWheelPrev(slot, NONE);
  setWheelNext(slot, NONE);
  h.wheelBucket = NONE;
  h.flags &= ~STATE_IN_WHEEL;
}
