// Re-arming one-shot fds after dispatch. Non-edge fd handlers are armed EPOLLONESHOT so a
// level-triggered fd that JS has not drained yet does not spin the progress thread; after a
// batch, every such handler that was dispatched is re-armed in one shim call.

import { FLAG_ONCE, STATE_IN_MISSED, STATE_IN_REARM, STATE_LIVE } from './constants';
import { handlerAt, epollEvents, setFdArmedAt } from './handlers';
import { ringHead } from './ring';
import { contextAt } from './contexts';
import { Loop, loopAt, growEntries12 } from './loops';

/**
 * Remembers a dispatched REARM handler (once per batch: STATE_IN_REARM dedupes). The entry keeps
 * the id and seq, so a slot reused or re-registered before the batch ends is recognised and skipped.
 */
export function rememberRearm(slot: i32): void {
  const h = handlerAt(slot);
  if (h.flags & STATE_IN_REARM) return;
  h.flags |= STATE_IN_REARM;
  const l = loopAt(contextAt(h.ctx).loop);
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

/**
 * Writes {fd, epollEvents, seq} for every remembered handler that should be armed again: still
 * the same live registration, not waiting in a missed queue (it is re-armed when that entry is
 * finally dispatched), not ONCE (TS removes it), not paused (modify re-arms it). Returns the count.
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
    if (h.seq != load<u32>(entry, 8) || (h.flags & (STATE_IN_MISSED | FLAG_ONCE)) || h.interest == 0) continue;
    setFdArmedAt(h, position);
    const out = l.rearmOut + <usize>count * 12;
    store<i32>(out, h.fd, 0);
    store<u32>(out, epollEvents(h), 4);
    store<u32>(out, h.seq, 8);
    count++;
  }
  l.rearmPendingCount = 0;
  return count;
}
