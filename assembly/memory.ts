// Raw growable buffers in linear memory. Tables grow by doubling, so a steady state allocates nothing.

import { MAX_MEMORY_BYTES } from './constants';

/** Returns a block of `newBytes` holding the first `oldBytes` of `ptr` (0 = no block yet); the rest is zeroed. */
export function growBlock(ptr: usize, oldBytes: usize, newBytes: usize): usize {
  const grown = ptr == 0 ? heap.alloc(newBytes) : heap.realloc(ptr, newBytes);
  memory.fill(grown + oldBytes, 0, newBytes - oldBytes);
  return grown;
}

/**
 * Whether a block of `bytes` can surely be had, counting as if the heap had no free space left:
 * tables that grow with the handlers check it first, so that a full memory is an error code and
 * not an abort. Near the maximum it may refuse a little early, never too late.
 */
export function surelyFits(bytes: usize): bool {
  return (<u64>memory.size() << 16) + <u64>bytes <= MAX_MEMORY_BYTES;
}

/** A zeroed block. */
export function allocZeroed(bytes: usize): usize {
  const ptr = heap.alloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}

/** Next capacity when `needed` (at most 2^30) entries do not fit in `capacity` (doubling, at least `minimum`). */
export function nextCapacity(capacity: i32, needed: i32, minimum: i32): i32 {
  let next = capacity < minimum ? minimum : capacity;
  while (next < needed) next <<= 1;
  return next;
}
