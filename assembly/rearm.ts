// Arming fds in the kernel, and re-arming them after a batch in one shim call.
//
// A level-triggered (REARM) fd must not report again while JS has not run its callback, or a
// producer on another thread would fetch it over and over. Two ways, per loop:
// - One-shot (every loop but a gated one): the fd is armed EPOLLONESHOT, and every dispatched
//   REARM handler is re-armed after the batch (one epoll_ctl, or a poll(2) check in signal mode).
// - Gated (thread loops, loopSetGated): the producer fetches nothing until JS is done with the
//   batch it published (loopBatchDone), so the fd stays armed level-triggered and costs no call
//   per event. It is armed one-shot only while it must stay quiet: while its event waits in a
//   missed queue (a blocked context would otherwise be handed the same readiness again and
//   again), and while it is paused (interest 0, where epoll still reports ERR and HUP).
//
// Invariant: STATE_ONESHOT_ARMED says how the kernel was last asked to hold the fd (fdAdd,
// modify, or a batch re-arm); on a loop that is not gated it is set for every REARM handler.

import { FLAG_EDGE, FLAG_ONCE, FLAG_REARM, EV_ALL, EPOLLET, EPOLLONESHOT, STATE_IN_MISSED, STATE_IN_REARM, STATE_LIVE, STATE_ONESHOT_ARMED } from './constants';
import { Handler, handlerAt, setFdArmedAt } from './handlers';
import { RING_FINISHED, ringHead, ringTail, takeProducerWaiting } from './ring';
import { contextAt } from './contexts';
import { Loop, loopAt, growEntries12 } from './loops';

function loopOf(h: Handler): Loop {
  return loopAt(contextAt(h.ctx).loop);
}

/** Whether the kernel should hold this fd handler one-shot now. */
function wantsOneShot(h: Handler): bool {
  if (h.flags & FLAG_ONCE) return true;
  if (!(h.flags & FLAG_REARM)) return false;
  if (loopOf(h).gated == 0) return true;
  return (h.flags & STATE_IN_MISSED) != 0 || h.interest == 0;
}

/** What to hand epoll for this handler: interest, one-shot (see wantsOneShot), edge-triggered when asked. */
export function epollEvents(h: Handler): u32 {
  let events = <u32>(h.interest & EV_ALL);
  if (wantsOneShot(h)) events |= EPOLLONESHOT;
  if (h.flags & FLAG_EDGE) events |= EPOLLET;
  return events;
}

/**
 * The kernel is asked about the fd afresh right after this (evw_fd_add, evw_fd_mod, or the batch
 * re-arm): ring entries published before `position` are stale (see fdArmedAt), and the arming
 * is recorded.
 */
export function noteArmed(h: Handler, position: u32): void {
  setFdArmedAt(h, position);
  if (wantsOneShot(h)) h.flags |= STATE_ONESHOT_ARMED;
  else h.flags &= ~STATE_ONESHOT_ARMED;
}

/** A dispatched REARM handler armed one-shot has used its arming: it is armed again after the batch. */
export function rearmAfterDispatch(slot: i32): void {
  const h = handlerAt(slot);
  if ((h.flags & (FLAG_REARM | FLAG_ONCE | STATE_ONESHOT_ARMED)) == (FLAG_REARM | STATE_ONESHOT_ARMED)) rememberRearm(slot);
}

/**
 * A REARM handler of a gated loop entered or left a missed queue without a dispatch: its arming
 * may have to change (quiet while it waits, level-triggered again after). finishBatch decides.
 */
export function rearmOnMissedChange(slot: i32): void {
  const h = handlerAt(slot);
  if ((h.flags & (FLAG_REARM | FLAG_ONCE)) == FLAG_REARM && loopOf(h).gated != 0) rememberRearm(slot);
}

/**
 * Remembers a REARM handler whose arming may change after the batch (once per batch:
 * STATE_IN_REARM dedupes). The entry keeps the id and seq, so a slot reused or re-registered
 * before the batch ends is recognised and skipped.
 */
export function rememberRearm(slot: i32): void {
  const h = handlerAt(slot);
  if (h.flags & STATE_IN_REARM) return;
  h.flags |= STATE_IN_REARM;
  const l = loopOf(h);
  if (l.rearmPendingCount == l.rearmPendingCapacity) {
    l.rearmPendingCapacity = growEntries12(changetype<usize>(l) + offsetof<Loop>('rearmPending'),
      l.rearmPendingCapacity, l.rearmPendingCount + 1);
  }
  const entry = l.rearmPending + <usize>l.rearmPendingCount * 12;
  store<i32>(entry, slot, 0);
  store<i32>(entry, h.gen, 4);
  store<u32>(entry, h.seq, 8);
  l.rearmPendingCount++;
}

/** Whether a remembered handler must be armed again, and so appear in the rearm list. */
function needsArming(l: Loop, h: Handler): bool {
  if (h.flags & FLAG_ONCE) return false; // TS removes it
  // Gated: only a change between level-triggered and one-shot (quiet) needs a call.
  if (l.gated != 0) return wantsOneShot(h) != ((h.flags & STATE_ONESHOT_ARMED) != 0);
  // One-shot: re-armed unless it waits in a missed queue (re-armed when that entry is finally
  // dispatched) or is paused (modify re-arms it).
  return !(h.flags & STATE_IN_MISSED) && h.interest != 0;
}

/**
 * Writes {fd, epollEvents, seq} for every remembered handler that must be armed again and is
 * still the same live registration. Returns the count.
 */
export function finishBatch(loop: i32): i32 {
  const l = loopAt(loop);
  if (l.rearmOutCapacity < l.rearmPendingCount) {
    l.rearmOutCapacity = growEntries12(changetype<usize>(l) + offsetof<Loop>('rearmOut'),
      l.rearmOutCapacity, l.rearmPendingCount);
  }
  let count = 0;
  const position = ringHead(l.ring); // TS re-arms these in the shim right after this
  for (let i = 0; i < l.rearmPendingCount; i++) {
    const entry = l.rearmPending + <usize>i * 12;
    const h = handlerAt(load<i32>(entry, 0));
    if (!(h.flags & STATE_LIVE) || h.gen != load<i32>(entry, 4)) continue; // removed meanwhile
    h.flags &= ~STATE_IN_REARM;
    if (h.seq != load<u32>(entry, 8) || !needsArming(l, h)) continue;
    noteArmed(h, position);
    const out = l.rearmOut + <usize>count * 12;
    store<i32>(out, h.fd, 0);
    store<u32>(out, epollEvents(h), 4);
    store<u32>(out, h.seq, 8);
    count++;
  }
  l.rearmPendingCount = 0;
  return count;
}

/**
 * Every callback of what was drained has run and the re-arms are with the shim: a gated producer
 * may fetch again (it waits until `finished` reaches head). Returns 1 if the producer waits (for
 * this, or for ring space) and must be woken.
 */
export function batchDone(loop: i32): i32 {
  const l = loopAt(loop);
  const tail = ringTail(l.ring);
  // Sequentially consistent against the producer's "set producerWaiting, then load finished":
  // either it sees the new value, or the flag is seen here.
  atomic.store<u32>(l.ring + RING_FINISHED, tail);
  if (tail == ringHead(l.ring) && takeProducerWaiting(l.ring)) l.producerWaitingReported = 1;
  const waiting = l.producerWaitingReported;
  l.producerWaitingReported = 0;
  return waiting;
}
