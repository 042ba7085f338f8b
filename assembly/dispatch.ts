// The dispatch list: what TS must call, in order. 12-byte entries {i32 slot, i32 id, i32 value}.
// One list per core; nested dispatch appends after the current batch; TS resets it when the
// outermost dispatch loop is done. It grows by doubling and may move (dispatchBase changes).

import { handlerAt, isTimer } from './handlers';
import { contextAt } from './contexts';
import { growBlock, nextCapacity } from './memory';
import { rearmAfterDispatch } from './rearm';

const ENTRY_SIZE: usize = 12;

let listBase: usize = 0;
let listCapacity: i32 = 0;
let listEnd: i32 = 0;

/**
 * Drains are numbered (from 1). An fd handler appended during drain E at index i is marked
 * (E << 32 | i), in its record's otherwise unused `deadline`. A second event for it in the same
 * drain is merged into that entry: TS has not run any entry of the current drain yet (it
 * dispatches after drain returns, and a nested drain only appends after it), so nothing is lost
 * and the callback is not called twice in one batch for one readiness.
 */
let drainEpoch: i64 = 0;

export function beginDrain(): void {
  drainEpoch++;
}

/** ORs `bits` into the entry this drain already made for fd handler `slot`; false if there is none. */
export function mergeIntoPending(slot: i32, bits: i32): bool {
  const mark = handlerAt(slot).deadline;
  if ((mark >> 32) != drainEpoch) return false;
  const entry = listBase + <usize>(<i32>(mark & 0xffffffff)) * ENTRY_SIZE;
  store<i32>(entry, load<i32>(entry, 8) | bits, 8);
  return true;
}

export function dispatchListBase(): usize {
  return listBase;
}

export function dispatchListEnd(): i32 {
  return listEnd;
}

export function resetDispatchList(): void {
  listEnd = 0;
}

/** Appends a delivery for `slot`, counts it, and remembers one-shot-armed fds for re-arming. */
export function appendDispatch(slot: i32, value: i32): void {
  if (listEnd == listCapacity) {
    const grown = nextCapacity(listCapacity, listEnd + 1, 1024);
    listBase = growBlock(listBase, <usize>listCapacity * ENTRY_SIZE, <usize>grown * ENTRY_SIZE);
    listCapacity = grown;
  }
  const h = handlerAt(slot);
  const entry = listBase + <usize>listEnd * ENTRY_SIZE;
  store<i32>(entry, slot, 0);
  store<i32>(entry, h.gen, 4);
  store<i32>(entry, value, 8);
  if (!isTimer(h)) h.deadline = (drainEpoch << 32) | <i64>listEnd;
  listEnd++;
  contextAt(h.ctx).dispatched += 1;
  if (!isTimer(h)) rearmAfterDispatch(slot);
}
