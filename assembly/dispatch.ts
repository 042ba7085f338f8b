// The dispatch list: what TS must call, in order. 12-byte entries {i32 slot, i32 id, i32 value}.
// One list per core; nested dispatch appends after the current batch; TS resets it when the
// outermost dispatch loop is done. It grows by doubling and may move (dispatchBase changes).

import { FLAG_REARM, FLAG_ONCE } from './constants';
import { handlerAt, isTimer } from './handlers';
import { contextAt } from './contexts';
import { growBlock, nextCapacity } from './memory';
import { rememberRearm } from './rearm';

const ENTRY_SIZE: usize = 12;

let listBase: usize = 0;
let listCapacity: i32 = 0;
let listEnd: i32 = 0;

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
  store<i32>(entry, h.id, 4);
  store<i32>(entry, value, 8);
  listEnd++;
  contextAt(h.ctx).dispatched += 1;
  if (!isTimer(h) && (h.flags & (FLAG_REARM | FLAG_ONCE)) == FLAG_REARM) rememberRearm(slot);
}
