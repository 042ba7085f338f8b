// Per-context missed queues: intrusive doubly linked lists through handler slots, in the order
// handlers were first missed, one entry per handler. A second event for a queued handler merges
// into its entry (fd bits OR-ed, timer expirations summed), so nothing is lost and memory is bounded.

import { NONE, STATE_IN_MISSED, EV_ALL } from './constants';
import { handlerAt, isTimer, effectiveMask } from './handlers';
import { Context, contextAt } from './contexts';
import { mergeValues, queueDelivery } from './dispatch';
import { rearmOnMissedChange } from './rearm';

/** Queues (or merges) an event for `slot` in its context's missed queue and counts it. */
export function addMissed(slot: i32, value: i32): void {
  const h = handlerAt(slot);
  const c = contextAt(h.ctx);
  c.missed += 1;
  if (h.flags & STATE_IN_MISSED) {
    c.coalesced += 1;
    h.missedValue = mergeValues(h, h.missedValue, isTimer(h) ? value : value & EV_ALL);
    return;
  }
  h.flags |= STATE_IN_MISSED;
  if (!isTimer(h)) rearmOnMissedChange(slot);
  h.missedValue = isTimer(h) ? value : value & EV_ALL;
  h.missedNext = NONE;
  h.missedPrev = c.missedTail;
  if (c.missedTail == NONE) c.missedHead = slot;
  else handlerAt(c.missedTail).missedNext = slot;
  c.missedTail = slot;
  c.missedCount++;
}

/** Takes `slot` out of its context's missed queue (if queued), dropping its pending value. */
export function unlinkMissed(slot: i32): void {
  const h = handlerAt(slot);
  if (!(h.flags & STATE_IN_MISSED)) return;
  const c = contextAt(h.ctx);
  if (h.missedPrev == NONE) c.missedHead = h.missedNext;
  else handlerAt(h.missedPrev).missedNext = h.missedNext;
  if (h.missedNext == NONE) c.missedTail = h.missedPrev;
  else handlerAt(h.missedNext).missedPrev = h.missedPrev;
  h.missedPrev = NONE;
  h.missedNext = NONE;
  h.missedValue = 0;
  h.flags &= ~STATE_IN_MISSED;
  c.missedCount--;
}

/**
 * Moves the whole missed queue, in order, to the dispatch list. fd bits are filtered through the
 * handler's current effective mask (modify() may have dropped interest since): an entry left with
 * no bits is dropped as stale.
 */
export function flushMissed(c: Context): void {
  while (c.missedHead != NONE) {
    const slot = c.missedHead;
    const h = handlerAt(slot);
    let value = h.missedValue;
    unlinkMissed(slot);
    if (!isTimer(h)) value &= effectiveMask(h);
    if (value == 0) {
      c.staleDropped += 1;
      if (!isTimer(h)) rearmOnMissedChange(slot);
    } else if (queueDelivery(slot, value)) {
      c.coalesced += 1; // joined a delivery of it still to come
    }
  }
}
