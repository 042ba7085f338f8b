// Where an event goes: the dispatch list now, or the context's missed queue. Missed events of a
// context always reach the dispatch list before any newer event of that context.

import { isLiveSlot, handlerAt } from './handlers';
import { contextAt, isBlocked } from './contexts';
import { addMissed, flushMissed } from './missed';
import { queueDelivery } from './dispatch';

/**
 * Routes one event (fd bits already masked, or a timer expiration count) for a live handler.
 * Only called while draining: an event for a handler whose callback is still to come joins that
 * delivery (coalesced).
 */
export function deliver(slot: i32, value: i32): void {
  const h = handlerAt(slot);
  const c = contextAt(h.ctx);
  if (isBlocked(c)) {
    addMissed(slot, value);
    return;
  }
  if (c.missedCount > 0) flushMissed(c);
  if (queueDelivery(slot, value)) c.coalesced += 1;
}

/** TS could not make a delivery (its context got blocked meanwhile): it becomes a missed event. */
export function deferDelivery(slot: i32, gen: i32, value: i32): void {
  if (!isLiveSlot(slot) || handlerAt(slot).gen != gen) return; // removed meanwhile: nothing to keep
  contextAt(handlerAt(slot).ctx).dispatched -= 1;
  addMissed(slot, value);
}
