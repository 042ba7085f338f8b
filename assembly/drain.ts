// drain(loop, now): consume the loop's ring, then expire its timers; everything lands in the
// dispatch list or in missed queues. Bounded per call so one busy producer cannot starve JS.

import { NONE, KIND_FD, KIND_TIMER, KIND_RESCAN, FLAG_ONCE, FLAG_REARM, STATE_TIMER } from './constants';
import { handlerAt, fdOwner, effectiveMask, fdArmedAt } from './handlers';
import { contextAt } from './contexts';
import { Loop, loopAt } from './loops';
import { deliver } from './delivery';
import { beginRange, dispatchListEnd } from './dispatch';
import { rememberRearm } from './rearm';
import { wheelAdvance, wheelInsert } from './wheel';
import {
  ringHead, ringTail, setRingTail, ringEntry, armBell, takeProducerWaiting, takeRescanRequested, producerNow,
} from './ring';

/** Ring entries consumed by one drain at most; the rest waits for the next call (loopPending). */
export const DRAIN_BATCH: u32 = 4096;

export function drainLoop(loop: i32, nowNs: f64): i32 {
  beginRange();
  const l = loopAt(loop);
  const consumed = consumeRing(loop, l);
  if (consumed > 0 && takeProducerWaiting(l.ring)) l.producerWaitingReported = 1;
  if (takeRescanRequested(l.ring)) requestRescan(l);
  const producerTime = producerNow(l.ring);
  // Async loops publish the exact time (producerNow) with a timer's expiry: it decides there.
  let now: i64 = nowNs >= 0 && nowNs < 9.0e18 ? <i64>nowNs : 0;
  if (producerTime > now) now = producerTime;
  expiringLoop = l;
  expiringNow = now;
  wheelAdvance(l.wheel, now, timerExpired);
  return dispatchListEnd();
}

/** Consumes up to DRAIN_BATCH entries; re-arms the doorbell only when it leaves the ring empty. */
function consumeRing(loop: i32, l: Loop): u32 {
  const ring = l.ring;
  let tail = ringTail(ring);
  let consumed: u32 = 0;
  l.pending = 0;
  for (;;) {
    const head = ringHead(ring);
    const available = head - tail; // u32 arithmetic: correct across the 2^32 wrap
    if (available > l.ringHighWater) l.ringHighWater = available;
    if (available == 0) {
      // Idle: ask for a doorbell, then look once more — a producer that published just before
      // saw bellArmed == 0 and did not ring.
      armBell(ring);
      if (ringHead(ring) == tail) break;
      continue;
    }
    if (consumed == DRAIN_BATCH) {
      l.pending = 1; // bell stays unarmed: TS drains again without waiting for one
      break;
    }
    const budget = DRAIN_BATCH - consumed;
    const take = available < budget ? available : budget;
    for (let i: u32 = 0; i < take; i++) consumeEntry(loop, l, ringEntry(ring, l.capacity, tail + i), tail + i);
    tail += take;
    consumed += take;
    setRingTail(ring, tail);
  }
  return consumed;
}

function consumeEntry(loop: i32, l: Loop, entry: usize, position: u32): void {
  const kind = atomic.load<u32>(entry, 12);
  if (kind == KIND_TIMER) {
    l.armedDeadline = -1; // the armed expiry happened: loopTimerToArm must arm the next one
    return;
  }
  if (kind == KIND_RESCAN) {
    requestRescan(l);
    return;
  }
  if (kind != KIND_FD) return;
  const fd = atomic.load<i32>(entry, 0);
  const seq = atomic.load<u32>(entry, 4);
  const bits = <i32>atomic.load<u32>(entry, 8);
  const slot = fdOwner(fd);
  if (slot == NONE) {
    countUnattributedStale(l);
    return;
  }
  const h = handlerAt(slot);
  // seq 0: a signal handler, which cannot know the seq, reporting the fd's current registration.
  if ((seq != 0 && h.seq != seq) || (h.flags & STATE_TIMER) || contextAt(h.ctx).loop != loop) {
    countUnattributedStale(l);
    return;
  }
  // Level-triggered: the re-arm since this entry asked the kernel again (see fdArmedAt). A signal
  // handler, which has no one-shot arming, can leave such entries behind; epoll cannot.
  if ((h.flags & FLAG_REARM) && <i32>(position - fdArmedAt(h)) < 0) {
    contextAt(h.ctx).staleDropped += 1;
    return;
  }
  const value = bits & effectiveMask(h);
  if (value == 0) {
    // Bits the handler does not want: dropped, but the fd is re-armed all the same — a signal
    // loop disarmed it when it reported them (epoll never reports unrequested bits).
    contextAt(h.ctx).staleDropped += 1;
    if (h.flags & FLAG_REARM) rememberRearm(slot);
    return;
  }
  deliver(slot, value);
}

/**
 * The realtime signal queue overflowed, or the ring was full for a signal handler: readiness may
 * have been lost, so TS has every fd polled (evw_loop_rescan). Timers too: the armed expiry may be
 * among what was lost, so the timer is armed afresh.
 */
function requestRescan(l: Loop): void {
  l.rescan = 1;
  l.armedDeadline = -1;
}

/** A ring entry for an fd no live handler of this loop has (removed, or re-added: other seq). */
function countUnattributedStale(l: Loop): void {
  if (l.globalCtx != NONE) contextAt(l.globalCtx).staleDropped += 1;
  else l.staleDropped += 1;
}

// ---- timers ----

/** The loop and time of the wheelAdvance in progress (the wheel's callback takes only a slot). */
let expiringLoop: Loop = changetype<Loop>(0);
let expiringNow: i64 = 0;

/**
 * A timer whose deadline D ≤ now. Periodic timers keep their phase: the k = 1 + ⌊(now − D)/I⌋
 * expirations up to now are coalesced into one delivery of value k, the next deadline is D + k·I
 * (> now). One-shot timers leave the wheel (TS removes them after delivery).
 */
function timerExpired(slot: i32): void {
  const h = handlerAt(slot);
  let count: i64 = 1;
  if (!(h.flags & FLAG_ONCE)) {
    count = 1 + (expiringNow - h.deadline) / h.interval;
    const step = count * h.interval;
    h.deadline = h.deadline > i64.MAX_VALUE - step ? i64.MAX_VALUE : h.deadline + step;
    wheelInsert(expiringLoop.wheel, slot);
  }
  deliver(slot, count > <i64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>count);
}
