// Handler ids: a counter of positive i32s. It practically never wraps (2^31 registrations), but
// when it does, ids still live at that moment must not be handed out again: they are collected
// once, sorted, and skipped while the counter climbs again. Amortised O(1) per id.

import { STATE_LIVE } from './constants';
import { handlerAt, usedSlotCount } from './handlers';

const ID_LIMIT: i32 = 0x7fffffff; // never handed out; reaching it triggers the wrap

let nextId: i32 = 1;
/** Sorted ids that were live when the counter last wrapped (0 = never wrapped). */
let liveAtWrap: usize = 0;
let liveAtWrapCount: i32 = 0;
/** liveAtWrap[cursor] is the first one not below nextId. */
let cursor: i32 = 0;

export function allocateId(): i32 {
  for (;;) {
    if (nextId >= ID_LIMIT) wrapAround();
    while (cursor < liveAtWrapCount && idAt(cursor) < nextId) cursor++;
    if (cursor < liveAtWrapCount && idAt(cursor) == nextId) {
      nextId++;
      continue;
    }
    return nextId++;
  }
}

/** Test hook: jump the counter (e.g. close to the wrap). Ids below it stay valid. */
export function setNextId(id: i32): void {
  nextId = id < 1 ? 1 : id;
}

// @ts-ignore: decorator
@inline function idAt(index: i32): i32 {
  return load<i32>(liveAtWrap + (<usize>index << 2));
}

function wrapAround(): void {
  if (liveAtWrap != 0) heap.free(liveAtWrap);
  const used = usedSlotCount();
  liveAtWrap = heap.alloc(<usize>max<i32>(used, 1) << 2);
  let count = 0;
  for (let slot = 0; slot < used; slot++) {
    const h = handlerAt(slot);
    if (!(h.flags & STATE_LIVE)) continue;
    store<i32>(liveAtWrap + (<usize>count << 2), h.id);
    count++;
  }
  liveAtWrapCount = count;
  heapSort(liveAtWrap, count);
  cursor = 0;
  nextId = 1;
}

/** In-place ascending heap sort of `count` i32s: no extra memory, O(n log n), once per wrap. */
function heapSort(base: usize, count: i32): void {
  for (let root = (count >> 1) - 1; root >= 0; root--) siftDown(base, root, count);
  for (let end = count - 1; end > 0; end--) {
    swap(base, 0, end);
    siftDown(base, 0, end);
  }
}

function siftDown(base: usize, root: i32, end: i32): void {
  for (;;) {
    let child = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && at(base, child + 1) > at(base, child)) child++;
    if (at(base, root) >= at(base, child)) return;
    swap(base, root, child);
    root = child;
  }
}

// @ts-ignore: decorator
@inline function at(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

function swap(base: usize, i: i32, j: i32): void {
  const t = at(base, i);
  store<i32>(base + (<usize>i << 2), at(base, j));
  store<i32>(base + (<usize>j << 2), t);
}
