// The dispatch list: what TS must call, in order. 12-byte entries {i32 slot, i32 gen, i32 value}.
// One list per core; nested dispatch appends after the current batch; TS resets it when the
// outermost dispatch loop is done. It grows by doubling and may move (dispatchBase changes).
//
// TS sets an entry's slot to NONE as it takes it (before the callback runs). An entry whose slot
// still names its handler is *pending*: its callback is still to come. Invariants:
// - A handler has at most one pending entry, and its dispatch mark (dispatchMark) is that entry's
//   index. A new event for it joins that delivery: merged in place if the entry is in the range
//   being made now (the current drain or missed-queue take, which TS runs after it returns), else
//   moved here with it — an entry of an outer batch would run after this range, behind events
//   newer than its own (a callback's nested poll() or checkMissed() made this range).
// - A pending entry holds only what its handler still wants: modify() masks it, removal drops it
//   (setting its slot to NONE as well). Both count the drop as stale and undo its `dispatched`.

import { NONE } from './constants';
import { Handler, effectiveMask, handlerAt, isTimer } from './handlers';
import { contextAt } from './contexts';
import { growBlock, nextCapacity } from './memory';
import { rearmAfterDispatch } from './rearm';

const ENTRY_SIZE: usize = 12;

let listBase: usize = 0;
let listCapacity: i32 = 0;
let listEnd: i32 = 0;
/** Where the range being made now began: entries from here on have not been run by TS. */
let rangeStart: i32 = 0;

/** A drain or a missed-queue take begins a new range. */
export function beginRange(): void {
  rangeStart = listEnd;
}

/**
 * The index of the handler's latest entry, in a field its kind leaves unused: an fd handler's
 * `deadline`, a timer's `seq`. Only trusted after pendingEntry() checks the entry names it.
 */
function dispatchMark(h: Handler): i32 {
  return isTimer(h) ? <i32>h.seq : <i32>h.deadline;
}

function setDispatchMark(h: Handler, index: i32): void {
  if (isTimer(h)) h.seq = <u32>index;
  else h.deadline = <i64>index;
}

/** The address of `slot`'s pending entry, or 0 if it has none. */
function pendingEntry(slot: i32): usize {
  const h = handlerAt(slot);
  const index = dispatchMark(h);
  if (index < 0 || index >= listEnd) return 0;
  const entry = listBase + <usize>index * ENTRY_SIZE;
  return load<i32>(entry) == slot && load<i32>(entry, 4) == h.gen ? entry : 0;
}

/**
 * Queues a delivery of `value` for `slot`. If the handler has a pending entry, the event joins it
 * (fd bits OR-ed, timer expirations summed): in place within the current range, else moved to
 * the end with it. Returns true when it joined one (the caller counts it as coalesced).
 */
export function queueDelivery(slot: i32, value: i32): bool {
  const entry = pendingEntry(slot);
  if (entry == 0) {
    appendDispatch(slot, value);
    return false;
  }
  const merged = mergeValues(handlerAt(slot), load<i32>(entry, 8), value);
  if (<i32>((entry - listBase) / ENTRY_SIZE) >= rangeStart) {
    store<i32>(entry, merged, 8);
  } else {
    store<i32>(entry, NONE); // TS skips it: the delivery now happens here
    contextAt(handlerAt(slot).ctx).dispatched -= 1;
    appendDispatch(slot, merged);
  }
  return true;
}

/** Two values for one handler as one: fd bits OR-ed, timer expirations summed (saturating). */
export function mergeValues(h: Handler, a: i32, b: i32): i32 {
  if (!isTimer(h)) return a | b;
  const sum = <i64>a + <i64>b;
  return sum > <i64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>sum;
}

/**
 * After modify(): the pending entry keeps only the bits the handler still wants; left with none,
 * it is dropped as stale.
 */
export function maskPending(slot: i32): void {
  const entry = pendingEntry(slot);
  if (entry == 0) return;
  const bits = load<i32>(entry, 8) & effectiveMask(handlerAt(slot));
  if (bits == 0) dropEntry(slot, entry);
  else store<i32>(entry, bits, 8);
}

/** Before removal: the pending entry, if any, is dropped as stale. */
export function dropPending(slot: i32): void {
  const entry = pendingEntry(slot);
  if (entry != 0) dropEntry(slot, entry);
}

function dropEntry(slot: i32, entry: usize): void {
  store<i32>(entry, NONE);
  const c = contextAt(handlerAt(slot).ctx);
  c.dispatched -= 1;
  c.staleDropped += 1;
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
function appendDispatch(slot: i32, value: i32): void {
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
  setDispatchMark(h, listEnd);
  listEnd++;
  contextAt(h.ctx).dispatched += 1;
  if (!isTimer(h)) rearmAfterDispatch(slot);
}
