// The handler table: one 64-byte record per slot, in one block grown by doubling, and beside it
// the wheel's list links, 8 bytes per slot in a block of their own grown with it.
// A slot is reused through a free list; its generation is what tells a new occupant from an old
// one (a generational index, as in a slab): TS turns (slot, gen) into the public id, so finding a
// handler by id is an array index, not a map lookup.

import { NONE, STATE_LIVE, STATE_TIMER, EV_ERR, EV_HUP, EV_ALL } from './constants';
import { growBlock, nextCapacity, surelyFits } from './memory';

/**
 * One handler (fd handler or timer). Lives at `handlerBase + slot * sizeof<Handler>`.
 * Invariants:
 * - `flags & STATE_LIVE` ⇔ the slot is in use; a free slot keeps its last `gen`, and its wheel
 *   `next` link (wheelNextOf) links the free list.
 * - `gen` is in [1, GEN_LIMIT) and changes every time the slot is handed out: (slot, gen) names one registration.
 * - `wheelBucket != NONE` ⇔ STATE_IN_WHEEL ⇔ the timer sits in a wheel slot list (its links).
 * - STATE_IN_MISSED ⇔ the handler is linked into its context's missed queue (missedPrev/missedNext),
 *   and then `missedValue` holds the coalesced value (fd bits OR-ed, or timer expirations summed).
 */
@unmanaged export class Handler {
  deadline: i64;      // timers: absolute ns of the next expiration; fd handlers: dispatch mark (dispatch.ts)
  interval: i64;      // timers: period in ns (> 0); fd handlers: ring position when last armed (armedAt)
  gen: i32;           // generation of this slot's current (or last) occupant; 0 = never used
  ctx: i32;           // owning context index
  fd: i32;            // fd handlers: the fd; timers: -1
  seq: u32;           // fd handlers: registration sequence from the shim (0 until fdSetSeq)
  interest: i32;      // fd handlers: requested epoll bits (0 = paused)
  flags: i32;         // public FLAG_* | internal STATE_*
  wheelBucket: i32;   // level * 64 + slot index in the wheel, NONE when not in the wheel
  missedPrev: i32;
  missedNext: i32;
  missedValue: i32;
  // 8 bytes unused: records stay 64 bytes apart (handlerAt shifts by 6).
}

/**
 * TS's public id is `gen * 2^24 + slot` (ts/core.ts publicId), an exact JS number while gen stays
 * below 2^29. Slots stay below 2^24 by themselves: 2^24 records of 64 bytes are the core's whole
 * maximum memory (1 GiB).
 */
const GEN_LIMIT: i32 = 1 << 29;

/**
 * The generation a slot's first occupant gets. JS threads start theirs apart (setGenerationBase),
 * so that the first handlers of two threads do not share an id: an id taken to the wrong thread
 * then names nothing there, unless its slot has been reused about a million times.
 */
let generationBase: i32 = 1;

/** `base` in [1, GEN_LIMIT); anything else is ignored. Call before the first handler. */
export function setGenerationBase(base: i32): void {
  if (base >= 1 && base < GEN_LIMIT) generationBase = base;
}

let handlerBase: usize = 0;
/**
 * The wheel's doubly linked slot lists, [prev, next] per slot, apart from the records: linking a
 * timer in or out writes its neighbours' links, and neighbours in a bucket are timers scheduled at
 * unrelated times, anywhere in the table. A million records (64 MiB) do not stay in cache; their
 * links (8 MiB) do, which saves a miss to memory on every insert and cancel.
 */
let linkBase: usize = 0;
let handlerCapacity: i32 = 0;
/** Slots [0, handlerHighMark) have been used at least once; the rest were never handed out. */
let handlerHighMark: i32 = 0;
let freeHead: i32 = NONE;

/** fd → slot of the live fd handler owning it (NONE if none), for the whole core. */
let fdMapBase: usize = 0;
let fdMapCapacity: i32 = 0;

// @ts-ignore: decorator
@inline export function handlerAt(slot: i32): Handler {
  return changetype<Handler>(handlerBase + (<usize>slot << 6));
}

// @ts-ignore: decorator
@inline export function wheelPrevOf(slot: i32): i32 {
  return load<i32>(linkBase + (<usize>slot << 3));
}

// @ts-ignore: decorator
@inline export function wheelNextOf(slot: i32): i32 {
  return load<i32>(linkBase + (<usize>slot << 3), 4);
}

// @ts-ignore: decorator
@inline export function setWheelPrev(slot: i32, prev: i32): void {
  store<i32>(linkBase + (<usize>slot << 3), prev);
}

// @ts-ignore: decorator
@inline export function setWheelNext(slot: i32, next: i32): void {
  store<i32>(linkBase + (<usize>slot << 3), next, 4);
}

/** True if `slot` names a live handler. Safe for any i32 (TS may pass stale slots). */
export function isLiveSlot(slot: i32): bool {
  return slot >= 0 && slot < handlerHighMark && (handlerAt(slot).flags & STATE_LIVE) != 0;
}

/** Whether allocateHandler can succeed: a free slot, or room to grow the table. */
export function canAllocateHandler(): bool {
  if (freeHead != NONE || handlerHighMark < handlerCapacity) return true;
  const grown = <usize>nextCapacity(handlerCapacity, handlerHighMark + 1, 1024);
  return surelyFits((grown << 6) + (grown << 3));
}

/** A fresh live record in a free slot (canAllocateHandler() said so); the caller fills the kind-specific fields. */
export function allocateHandler(ctx: i32, flags: i32): i32 {
  let slot = freeHead;
  if (slot != NONE) {
    freeHead = wheelNextOf(slot);
  } else {
    if (handlerHighMark == handlerCapacity) {
      const grown = nextCapacity(handlerCapacity, handlerHighMark + 1, 1024);
      handlerBase = growBlock(handlerBase, <usize>handlerCapacity << 6, <usize>grown << 6);
      linkBase = growBlock(linkBase, <usize>handlerCapacity << 3, <usize>grown << 3);
      handlerCapacity = grown;
    }
    slot = handlerHighMark++;
  }
  const h = handlerAt(slot);
  h.deadline = 0;
  h.interval = 0;
  // A never-used slot reads 0 (growBlock zero-fills): it starts at this thread's base.
  h.gen = h.gen == 0 ? generationBase : h.gen + 1 < GEN_LIMIT ? h.gen + 1 : 1;
  h.ctx = ctx;
  h.fd = -1;
  h.seq = 0;
  h.interest = 0;
  h.flags = flags | STATE_LIVE;
  setWheelPrev(slot, NONE);
  setWheelNext(slot, NONE);
  h.wheelBucket = NONE;
  h.missedPrev = NONE;
  h.missedNext = NONE;
  h.missedValue = 0;
  return slot;
}

/** Returns the slot to the free list. The caller has unlinked it from the wheel, missed queue and fd map. */
export function releaseHandler(slot: i32): void {
  const h = handlerAt(slot);
  h.flags = 0;
  setWheelNext(slot, freeHead);
  freeHead = slot;
}

// ---- fd map ----

export function fdOwner(fd: i32): i32 {
  if (fd < 0 || fd >= fdMapCapacity) return NONE;
  return load<i32>(fdMapBase + (<usize>fd << 2));
}

/** Grows the fd map to cover `fd` (below FD_LIMIT); false, changing nothing, if memory cannot hold it. */
export function reserveFdOwner(fd: i32): bool {
  if (fd < fdMapCapacity) return true;
  const grown = nextCapacity(fdMapCapacity, fd + 1, 256);
  if (!surelyFits(<usize>grown << 2)) return false;
  fdMapBase = growBlock(fdMapBase, <usize>fdMapCapacity << 2, <usize>grown << 2);
  // NONE is -1: every byte 0xff.
  memory.fill(fdMapBase + (<usize>fdMapCapacity << 2), 0xff, <usize>(grown - fdMapCapacity) << 2);
  fdMapCapacity = grown;
  return true;
}

/** `fd` is covered by the map (reserveFdOwner, or it was set before). */
export function setFdOwner(fd: i32, slot: i32): void {
  store<i32>(fdMapBase + (<usize>fd << 2), slot);
}

// ---- interest ----

/**
 * The ring position (head) at which the kernel was last asked about this fd: registration,
 * modify, or the re-arm after a batch. Re-arming reports the fd's readiness afresh (epoll_ctl MOD,
 * or a poll(2) check in signal mode), so an entry published before it says nothing new: it may
 * describe readiness the callback has since drained. fd handlers have no interval; the field
 * holds this instead.
 */
// @ts-ignore: decorator
@inline export function fdArmedAt(h: Handler): u32 {
  return <u32>h.interval;
}

// @ts-ignore: decorator
@inline export function setFdArmedAt(h: Handler, position: u32): void {
  h.interval = <i64>position;
}

export function isTimer(h: Handler): bool {
  return (h.flags & STATE_TIMER) != 0;
}

/** The bits an fd handler accepts: its interest plus ERR/HUP (always reported), or nothing when paused. */
export function effectiveMask(h: Handler): i32 {
  return h.interest != 0 ? (h.interest | EV_ERR | EV_HUP) & EV_ALL : 0;
}
