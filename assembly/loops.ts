// Loops: one delivery group = one ring + one timer wheel + one rearm list (see docs/INTERNALS.md).

import { NONE, E_INVALID } from './constants';
import { growBlock, nextCapacity } from './memory';
import { ringAllocate, ringBaseOf, ringCapacityFor } from './ring';
import { wheelCreate, wheelFree } from './wheel';

/**
 * One loop. Invariants:
 * - `ring` is fixed from loopCreate to loopDestroy (the shim holds its address).
 * - `armedDeadline` is what the timerfd was last asked to fire at, -1 when nothing is armed or
 *   the armed expiry was consumed from the ring (a TIMER entry).
 * - `gated` is set once, before any handler: its level-triggered fds stay armed (rearm.ts).
 * - `globalCtx` is the first global context created on it (NONE if none): it owns the counters
 *   that no handler can be charged with (ring entries for fds no live handler has).
 */
@unmanaged export class Loop {
  staleDropped: f64;        // ring entries with no matching handler, while no global ctx exists
  armedDeadline: i64;
  ringRaw: usize;           // allocation to free
  ring: usize;              // 64-byte aligned ring base inside it
  capacity: u32;
  ringHighWater: u32;       // largest head - tail seen
  wheel: usize;
  rearmPending: usize;      // {i32 slot, i32 id, u32 seq} of REARM handlers dispatched since the last finish
  rearmPendingCount: i32;
  rearmPendingCapacity: i32;
  rearmOut: usize;          // {i32 fd, u32 epollEvents, u32 seq}: what loopFinishBatch hands the shim
  rearmOutCapacity: i32;
  globalCtx: i32;
  pending: i32;             // 1: the last drain stopped at its batch limit with entries left
  producerWaitingReported: i32;
  rescan: i32;              // 1: a RESCAN entry or rescanRequested was seen; TS must call evw_loop_rescan
  gated: i32;               // 1: its producer fetches nothing until a batch is done (loopSetGated)
  live: i32;
  nextFree: i32;
}

const LOOP_SIZE: usize = offsetof<Loop>();

let loopBase: usize = 0;
let loopCapacity: i32 = 0;
let loopHighMark: i32 = 0;
let loopFreeHead: i32 = NONE;

/** True when a timer due at `deadline` would have to be armed (see loopTimerToArm). */
export function earlierThanArmed(l: Loop, deadline: i64): bool {
  return l.armedDeadline < 0 || deadline < l.armedDeadline;
}

// @ts-ignore: decorator
@inline export function loopAt(loop: i32): Loop {
  return changetype<Loop>(loopBase + <usize>loop * LOOP_SIZE);
}

export function isLiveLoop(loop: i32): bool {
  return loop >= 0 && loop < loopHighMark && loopAt(loop).live != 0;
}

export function createLoop(ringCapacity: i32): i32 {
  const capacity = ringCapacityFor(ringCapacity);
  if (capacity == 0) return E_INVALID;
  let loop = loopFreeHead;
  if (loop != NONE) {
    loopFreeHead = loopAt(loop).nextFree;
  } else {
    if (loopHighMark == loopCapacity) {
      const grown = nextCapacity(loopCapacity, loopHighMark + 1, 8);
      loopBase = growBlock(loopBase, <usize>loopCapacity * LOOP_SIZE, <usize>grown * LOOP_SIZE);
      loopCapacity = grown;
    }
    loop = loopHighMark++;
  }
  const l = loopAt(loop);
  memory.fill(changetype<usize>(l), 0, LOOP_SIZE);
  l.armedDeadline = -1;
  l.ringRaw = ringAllocate(capacity);
  l.ring = ringBaseOf(l.ringRaw);
  l.capacity = capacity;
  l.wheel = wheelCreate();
  l.globalCtx = NONE;
  l.nextFree = NONE;
  l.live = 1;
  return loop;
}

/** Precondition: every context of the loop was destroyed (so no handler refers to it). */
export function destroyLoop(loop: i32): void {
  if (!isLiveLoop(loop)) return;
  const l = loopAt(loop);
  heap.free(l.ringRaw);
  wheelFree(l.wheel);
  if (l.rearmPending != 0) heap.free(l.rearmPending);
  if (l.rearmOut != 0) heap.free(l.rearmOut);
  memory.fill(changetype<usize>(l), 0, LOOP_SIZE);
  l.nextFree = loopFreeHead;
  loopFreeHead = loop;
}

export function noteContextCreated(loop: i32, ctx: i32, global: bool): void {
  const l = loopAt(loop);
  if (global && l.globalCtx == NONE) l.globalCtx = ctx;
}

export function noteContextDestroyed(loop: i32, ctx: i32): void {
  const l = loopAt(loop);
  if (l.globalCtx == ctx) l.globalCtx = NONE;
}

/** Grows a loop's buffer of 12-byte entries to hold `needed`; returns the new capacity. */
export function growEntries12(ptrField: usize, capacity: i32, needed: i32): i32 {
  const grown = nextCapacity(capacity, needed, 64);
  store<usize>(ptrField, growBlock(load<usize>(ptrField), <usize>capacity * 12, <usize>grown * 12));
  return grown;
}
