// Raw growable buffers in linear memory. Tables grow by doubling, so a steady state allocates nothing.

/** Returns a block of `newBytes` holding the first `oldBytes` of `ptr` (0 = no block yet); the rest is zeroed. */
export function growBlock(ptr: usize, oldBytes: usize, newBytes: usize): usize {
  const grown = ptr == 0 ? heap.alloc(newBytes) : heap.realloc(ptr, newBytes);
  memory.fill(grown + oldBytes, 0, newBytes - oldBytes);
  return grown;
}

/** A zeroed block. */
export function allocZeroed(bytes: usize): usize {
  const ptr = heap.alloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}

/** Next capacity when `needed` entries do not fit in `capacity` (doubling, at least `minimum`). */
export function nextCapacity(capacity: i32, needed: i32, minimum: i32): i32 {
  let next = capacity < minimum ? minimum : capacity;
  while (next < needed) next <<= 1;
  return next;
}
