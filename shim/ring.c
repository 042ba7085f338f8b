#include <errno.h>

#include "clock.h"
#include "doorbell.h"
#include "mem.h"
#include "ring.h"

static uint32_t ring_load(const struct ring *ring, uint32_t offset) {
  return mem_load_u32(ring->mem, ring->base + offset);
}

int ring_attach(struct ring *ring, uint8_t *mem, uint32_t base, int bell_fd) {
  /* producerNow is an i64 accessed atomically: it needs 8-byte alignment,
   * and so does the whole header since its offsets are multiples of 8. */
  if (!mem_base_valid(mem) || (((uintptr_t)mem + base) & 7) != 0)
    return -EINVAL;
  uint32_t capacity = mem_load_u32(mem, base + RING_OFF_CAPACITY);
  if (capacity == 0 || capacity > RING_MAX_CAPACITY || (capacity & (capacity - 1)) != 0)
    return -EINVAL;
  ring->mem = mem;
  ring->base = base;
  ring->capacity = capacity;
  ring->bell_fd = bell_fd;
  return 0;
}

uint32_t ring_free_space(const struct ring *ring) {
  /* head is ours, but reading it back from memory keeps no shadow copy that
   * could drift; tail is read sequentially consistent so that the
   * consumer's reads of the slots it freed happen before we overwrite them. */
  uint32_t head = mem_load_u32_relaxed(ring->mem, ring->base + RING_OFF_HEAD);
  uint32_t tail = ring_load(ring, RING_OFF_TAIL);
  uint32_t used = head - tail; /* both wrap at 2^32 */
  /* A consumer bug could make used exceed capacity: then write nothing
   * rather than overwrite unconsumed entries. */
  return used >= ring->capacity ? 0 : ring->capacity - used;
}

void ring_put(struct ring *ring, uint32_t index, int32_t fd, uint32_t seq,
              uint32_t bits, uint32_t kind) {
  uint32_t head = mem_load_u32_relaxed(ring->mem, ring->base + RING_OFF_HEAD);
  uint32_t slot = (head + index) & (ring->capacity - 1);
  uint32_t entry = ring->base + RING_HEADER_BYTES + slot * RING_ENTRY_BYTES;
  /* The consumer reads this slot only after the store of head that
   * publishes it. Little endian, as the ring. */
  mem_store_u32_relaxed(ring->mem, entry, (uint32_t)fd);
  mem_store_u32_relaxed(ring->mem, entry + 4, seq);
  mem_store_u32_relaxed(ring->mem, entry + 8, bits);
  mem_store_u32_relaxed(ring->mem, entry + 12, kind);
}

/* The exchange pairs with the consumer's "bellArmed = 1, then re-check
 * head": either it sees our head, or we see its 1 and ring. Only one byte
 * per idle period, however many batches follow. */
int ring_take_bell(struct ring *ring) {
  return ring->bell_fd >= 0 && mem_xchg_u32(ring->mem, ring->base + RING_OFF_BELL_ARMED, 0) == 1;
}

static void ring_bell_if_armed(struct ring *ring) {
  if (ring_take_bell(ring))
    doorbell_ring(ring->bell_fd);
}

void ring_publish(struct ring *ring, uint32_t count, int ring_bell) {
  if (count == 0)
    return;
  uint32_t head = mem_load_u32_relaxed(ring->mem, ring->base + RING_OFF_HEAD);
  mem_store_u32(ring->mem, ring->base + RING_OFF_HEAD, head + count);
  mem_store_i64(ring->mem, ring->base + RING_OFF_PRODUCER_NOW, clock_since_epoch_ns());
  if (ring_bell)
    ring_bell_if_armed(ring);
}

void ring_request_rescan(struct ring *ring) {
  mem_store_u32(ring->mem, ring->base + RING_OFF_RESCAN_REQUESTED, 1);
  ring_bell_if_armed(ring);
}

int ring_all_finished(const struct ring *ring) {
  uint32_t head = mem_load_u32_relaxed(ring->mem, ring->base + RING_OFF_HEAD);
  return ring_load(ring, RING_OFF_FINISHED) == head;
}

int ring_announce_finish_wait(struct ring *ring) {
  /* Sequentially consistent against the core's "store finished, then take
   * producerWaiting" (batchDone). */
  mem_store_u32(ring->mem, ring->base + RING_OFF_PRODUCER_WAITING, 1);
  return ring_all_finished(ring);
}

uint32_t ring_announce_waiting(struct ring *ring) {
  /* Sequentially consistent against the consumer's "store tail, then load
   * producerWaiting": either it sees our 1 and has us woken, or we see its
   * new tail here and do not sleep. */
  mem_store_u32(ring->mem, ring->base + RING_OFF_PRODUCER_WAITING, 1);
  return ring_free_space(ring);
}
