// evwheel core: the exports listed in docs/INTERNALS.md ("Core exports"), and nothing else but
// loopPending. Each is a thin, validating wrapper; the logic lives in the module named in the
// section comment.

import { E_INVALID, STAT_DISPATCHED, STAT_MISSED, STAT_COALESCED, STAT_STALE_DROPPED,
  STAT_HANDLERS, STAT_RING_HIGH_WATER, STAT_MISSED_PENDING } from './constants';
import { handlerAt, isLiveSlot, isTimer, fdOwner, setGenerationBase } from './handlers';
import { createLoop, destroyLoop, earlierThanArmed, isLiveLoop, loopAt } from './loops';
import { contextAt, createContext, destroyContext, blockContext, unblockContext, isLiveContext, mustDefer } from './contexts';
import { flushMissed } from './missed';
import { addFdHandler, addTimer, setSeq, removeHandler, modifyHandler } from './lifecycle';
import { drainLoop } from './drain';
import { deferDelivery } from './delivery';
import { beginRange, dispatchListBase, dispatchListEnd, resetDispatchList } from './dispatch';
import { finishBatch, batchDone, epollEvents } from './rearm';
import { wheelNextDeadline, NO_DEADLINE } from './wheel';

/** Nothing to set up eagerly: every table is created on first use. Kept for the contract. */
export function init(): void {}

// ---- loops (loops.ts, rearm.ts, wheel.ts) ----

export function loopCreate(ringCapacity: i32): i32 {
  return createLoop(ringCapacity);
}

export function loopRingOffset(loop: i32): usize {
  return isLiveLoop(loop) ? loopAt(loop).ring : 0;
}

export function loopDestroy(loop: i32): void {
  destroyLoop(loop);
}

export function loopFinishBatch(loop: i32): i32 {
  return isLiveLoop(loop) ? finishBatch(loop) : E_INVALID;
}

/** Read it after loopFinishBatch: the buffer can move when it grows. */
export function rearmBase(loop: i32): usize {
  return isLiveLoop(loop) ? loopAt(loop).rearmOut : 0;
}

export function loopNextDeadline(loop: i32): f64 {
  if (!isLiveLoop(loop)) return -1;
  const next = wheelNextDeadline(loopAt(loop).wheel);
  return next == NO_DEADLINE ? -1 : <f64>next;
}

/** The earliest deadline, if it is earlier than what the timerfd is armed at (or nothing is armed); else -1. */
export function loopTimerToArm(loop: i32): f64 {
  if (!isLiveLoop(loop)) return -1;
  const l = loopAt(loop);
  const next = wheelNextDeadline(l.wheel);
  if (next == NO_DEADLINE) return -1; // an armed timerfd that fires for nothing costs one empty drain
  if (!earlierThanArmed(l, next)) return -1;
  l.armedDeadline = next;
  return <f64>next;
}

/**
 * After loopFinishBatch and the re-arm: every callback of what was drained has run. 1 if the
 * producer waits (gated, or for ring space) and TS must wake it (evw_loop_wake).
 */
export function loopBatchDone(loop: i32): i32 {
  return isLiveLoop(loop) ? batchDone(loop) : 0;
}

/** Thread loops, right after loopCreate: level-triggered fds stay armed, the producer waits for each batch (rearm.ts). */
export function loopSetGated(loop: i32): void {
  if (isLiveLoop(loop)) loopAt(loop).gated = 1;
}

/** 1 once after a drain saw a RESCAN entry or rescanRequested: TS calls evw_loop_rescan, then drains again. */
export function loopTakeRescan(loop: i32): i32 {
  if (!isLiveLoop(loop)) return 0;
  const l = loopAt(loop);
  const rescan = l.rescan;
  l.rescan = 0;
  return rescan;
}

/** 1 if the last drain stopped at its batch limit with ring entries left: call drain again (no doorbell will come). */
export function loopPending(loop: i32): i32 {
  return isLiveLoop(loop) ? loopAt(loop).pending : 0;
}

// ---- contexts (contexts.ts, missed.ts) ----

export function ctxCreate(loop: i32, maxHandlers: i32): i32 {
  return createContext(loop, maxHandlers);
}

export function ctxDestroy(ctx: i32): void {
  destroyContext(ctx);
}

export function ctxBlock(ctx: i32): i32 {
  return blockContext(ctx);
}

export function ctxUnblock(ctx: i32): i32 {
  return unblockContext(ctx);
}

export function ctxBlockCount(ctx: i32): i32 {
  return isLiveContext(ctx) ? contextAt(ctx).blockCount : E_INVALID;
}

export function ctxMustDefer(ctx: i32): i32 {
  return isLiveContext(ctx) && mustDefer(contextAt(ctx)) ? 1 : 0;
}

export function ctxMissedCount(ctx: i32): i32 {
  return isLiveContext(ctx) ? contextAt(ctx).missedCount : E_INVALID;
}

/** Appends the missed queue to the dispatch list (nothing while the context is blocked) → new end. */
export function ctxTakeMissed(ctx: i32): i32 {
  beginRange();
  if (isLiveContext(ctx)) {
    const c = contextAt(ctx);
    if (c.blockCount == 0) flushMissed(c);
  }
  return dispatchListEnd();
}

export function ctxStat(ctx: i32, which: i32): f64 {
  if (!isLiveContext(ctx)) return E_INVALID;
  const c = contextAt(ctx);
  const l = loopAt(c.loop);
  switch (which) {
    case STAT_DISPATCHED: return c.dispatched;
    case STAT_MISSED: return c.missed;
    case STAT_COALESCED: return c.coalesced;
    case STAT_STALE_DROPPED: return c.staleDropped + (l.globalCtx == ctx ? l.staleDropped : 0);
    case STAT_HANDLERS: return <f64>c.handlers;
    case STAT_RING_HIGH_WATER: return <f64>l.ringHighWater;
    case STAT_MISSED_PENDING: return <f64>c.missedCount;
  }
  return E_INVALID;
}

// ---- handlers (lifecycle.ts, handlers.ts) ----

/**
 * What an add returns besides the slot, so that adding costs one call, not three:
 * `i32 gen` (as handlerGen would say) and, for a timer, `i32 mayArm` = 1 when loopTimerToArm may
 * now have a deadline to give (the new one is earlier than the armed one, or nothing is armed).
 * TS reads it through a view; valid until the next add.
 */
const ADD_RESULT: usize = memory.data(8);

export function addResultAddress(): usize {
  return ADD_RESULT;
}

function reportAdd(slot: i32, mayArm: bool): i32 {
  if (slot >= 0) {
    store<i32>(ADD_RESULT, handlerAt(slot).gen);
    store<i32>(ADD_RESULT, mayArm ? 1 : 0, 4);
  }
  return slot;
}

export function fdAdd(ctx: i32, fd: i32, interest: i32, flags: i32): i32 {
  return reportAdd(addFdHandler(ctx, fd, interest, flags), false);
}

export function fdSetSeq(slot: i32, seq: u32): void {
  setSeq(slot, seq);
}

/** A live fd handler's registration sequence (what evw_fd_mod checks); 0 for any other slot. */
export function fdSeq(slot: i32): u32 {
  return isLiveSlot(slot) && !isTimer(handlerAt(slot)) ? handlerAt(slot).seq : 0;
}

/** The slot of the live fd handler owning `fd` in this core, or -1: the one place that map is kept. */
export function fdHandlerSlot(fd: i32): i32 {
  return fdOwner(fd);
}

export function timerAdd(ctx: i32, intervalNs: f64, nowNs: f64, flags: i32): i32 {
  const slot = addTimer(ctx, intervalNs, nowNs, flags);
  // After every add and drain TS asks loopTimerToArm, and removals only make the earliest deadline
  // later: so only a deadline before the armed one (or none armed) can give it something new.
  return reportAdd(slot, slot >= 0 && earlierThanArmed(loopAt(contextAt(ctx).loop), handlerAt(slot).deadline));
}

/** A live timer's period in ns (as scheduled, rounded to the nanosecond); -1 for any other slot. */
export function timerInterval(slot: i32): f64 {
  return isLiveSlot(slot) && isTimer(handlerAt(slot)) ? <f64>handlerAt(slot).interval : -1;
}

/** 0 for a free slot: a dispatch entry whose generation differs from handlerGen(slot) is stale. */
export function handlerGen(slot: i32): i32 {
  return isLiveSlot(slot) ? handlerAt(slot).gen : 0;
}

/** Where this core's generations start (ts/runtime.ts: apart per JS thread). Before the first add. */
export function handlerGenerationBase(base: i32): void {
  setGenerationBase(base);
}

export function handlerRemove(slot: i32): void {
  removeHandler(slot);
}

export function handlerModify(slot: i32, interest: i32): void {
  modifyHandler(slot, interest);
}

export function handlerEpollEvents(slot: i32): u32 {
  return isLiveSlot(slot) && !isTimer(handlerAt(slot)) ? epollEvents(handlerAt(slot)) : 0;
}

// ---- dispatch (drain.ts, dispatch.ts, delivery.ts) ----

export function drain(loop: i32, nowNs: f64): i32 {
  return isLiveLoop(loop) ? drainLoop(loop, nowNs) : dispatchListEnd();
}

export function drainStart(): i32 {
  return dispatchListEnd();
}

export function dispatchBase(): usize {
  return dispatchListBase();
}

export function dispatchReset(): void {
  resetDispatchList();
}

export function defer(slot: i32, gen: i32, value: i32): void {
  deferDelivery(slot, gen, value);
}
