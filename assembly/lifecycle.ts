// Adding, changing and removing handlers. A failed call changes nothing.

import { E_CONTEXT_FULL, E_FD_RANGE, E_HANDLER_EXISTS, E_INVALID, E_NO_MEMORY, FD_LIMIT, NONE, PUBLIC_FLAGS, STATE_IN_MISSED, STATE_TIMER, EV_ALL } from './constants';
import { allocateHandler, canAllocateHandler, releaseHandler, handlerAt, isLiveSlot, isTimer, fdOwner, reserveFdOwner, setFdOwner } from './handlers';
import { noteArmed } from './rearm';
import { ringHead } from './ring';
import { Context, contextAt, isLiveContext, isGlobalContext } from './contexts';
import { loopAt } from './loops';
import { unlinkMissed } from './missed';
import { dropPending, maskPending } from './dispatch';
import { latestNs } from './clock';
import { wheelInsert, wheelRemove } from './wheel';

function isFull(c: Context): bool {
  return !isGlobalContext(c) && c.handlers >= c.maxHandlers;
}

/**
 * → slot, or E_INVALID / E_FD_RANGE (fd ≥ FD_LIMIT) / E_HANDLER_EXISTS (any live fd handler of
 * this core has it) / E_CONTEXT_FULL / E_NO_MEMORY. Everything that can fail is checked (and the
 * fd map grown) before the handler is allocated.
 */
export function addFdHandler(ctx: i32, fd: i32, interest: i32, flags: i32): i32 {
  if (!isLiveContext(ctx) || fd < 0 || (interest & ~EV_ALL) != 0 || (flags & ~PUBLIC_FLAGS) != 0) return E_INVALID;
  if (fd >= FD_LIMIT) return E_FD_RANGE;
  if (fdOwner(fd) != NONE) return E_HANDLER_EXISTS;
  const c = contextAt(ctx);
  if (isFull(c)) return E_CONTEXT_FULL;
  if (!canAllocateHandler() || !reserveFdOwner(fd)) return E_NO_MEMORY;
  const slot = allocateHandler(ctx, flags);
  const h = handlerAt(slot);
  h.fd = fd;
  h.interest = interest;
  noteArmed(h, ringHead(loopAt(c.loop).ring)); // TS arms it (evw_fd_add) right after this
  setFdOwner(fd, slot);
  c.handlers++;
  return slot;
}

/** A timer first due at now + interval (at least the wheel's elapsed). → slot or E_INVALID / E_CONTEXT_FULL / E_NO_MEMORY. */
export function addTimer(ctx: i32, intervalNs: f64, nowNs: f64, flags: i32): i32 {
  // NaN fails every comparison: the negated forms reject it too.
  if (!isLiveContext(ctx) || !(intervalNs >= 1) || !(intervalNs < 9.0e18) || !(nowNs >= 0) || !(nowNs < 9.0e18)
    || (flags & ~PUBLIC_FLAGS) != 0) return E_INVALID;
  const interval = <i64>intervalNs;
  const now = latestNs(nowNs);
  if (now > i64.MAX_VALUE - interval) return E_INVALID;
  const c = contextAt(ctx);
  if (isFull(c)) return E_CONTEXT_FULL;
  if (!canAllocateHandler()) return E_NO_MEMORY;
  const slot = allocateHandler(ctx, flags | STATE_TIMER);
  const h = handlerAt(slot);
  h.interval = interval;
  h.deadline = now + interval;
  wheelInsert(loopAt(c.loop).wheel, slot);
  c.handlers++;
  return slot;
}

export function setSeq(slot: i32, seq: u32): void {
  if (isLiveSlot(slot) && !isTimer(handlerAt(slot))) handlerAt(slot).seq = seq;
}

/**
 * Forgets a handler everywhere it can be found by the core: wheel, missed queue, fd map, its
 * pending dispatch entry (the last two count as stale drops). Ring entries still naming it are
 * recognised later by seq and dropped.
 */
export function removeHandler(slot: i32): void {
  if (!isLiveSlot(slot)) return;
  const h = handlerAt(slot);
  const c = contextAt(h.ctx);
  if (isTimer(h)) wheelRemove(loopAt(c.loop).wheel, slot);
  else if (fdOwner(h.fd) == slot) setFdOwner(h.fd, NONE);
  if (h.flags & STATE_IN_MISSED) c.staleDropped += 1;
  unlinkMissed(slot);
  dropPending(slot);
  c.handlers--;
  releaseHandler(slot);
}

/**
 * New interest. Bits it no longer wants are dropped: now from its pending dispatch entry, when
 * its missed entry is delivered. TS re-arms the fd (evw_fd_mod) right after this: what the ring
 * holds from before is stale.
 */
export function modifyHandler(slot: i32, interest: i32): void {
  if (!isLiveSlot(slot) || isTimer(handlerAt(slot))) return;
  const h = handlerAt(slot);
  h.interest = interest & EV_ALL;
  maskPending(slot);
  noteArmed(h, ringHead(loopAt(contextAt(h.ctx).loop).ring));
}
