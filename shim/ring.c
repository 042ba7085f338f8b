#include <errno.h>
#include <string.h>

#include "clock.h"
#include "doorbell.h"
#include "ring.h"

static uint32_t *ring_u32(const struct ring *ring, unsigned offset) {
  return (uint32_t *)(ring->base + offset);
}

int ring_attach(struct ring *ring, uint8_t *base, int bell_fd) {
  /* producerNow is an i64 accessed atomically: it needs 8-byte alignment,
   * and so does the whole header since its offsets are multiples of 8. */
  if (base == NULL || ((uintptr_t)base & 7) != 0)
    return -EINVAL;
  uint32_t capacity = __atomic_load_n((uint32_t *)(base + RING_OFF_CAPACITY), __ATOMIC_ACQUIRE);
  if (capacity == 0 || capacity > RING_MAX_CAPACITY || (capacity & (capacity - 1)) != 0)
    return -EINVAL;
  ring->base = base;
  ring->capacity = capacity;
  ring->bell_fd = bell_fd;
  return 0;
}

uint32_t ring_free_space(const struct ring *ring) {
  /* head is ours, but reading it back from memory keeps no shadow copy that
   * could drift; tail is acquired so that the consumer's reads of the slots
   * it freed happen before we overwrite them. */
  uint32_t head = __atomic_load_n(ring_u32(ring, RING_OFF_HEAD), __ATOMIC_RELAXED);
  uint32_t tail = __atomic_load_n(ring_u32(ring, RING_OFF_TAIL), __ATOMIC_SEQ_CST);
  uint32_t used = head - tail; /* both wrap at 2^32 */
  /* A consumer bug could make used exceed capacity: then write nothing
   * rather than overwrite unconsumed entries. */
  return used >= ring->capacity ? 0 : ring->capacity - used;
}

void ring_put(struct ring *ring, uint32_t index, int32_t fd, uint32_t seq,
              uint32_t bits, uint32_t kind) {
  uint32_t head = __atomic_load_n(ring_u32(ring, RING_OFF_HEAD), __ATOMIC_RELAXED);
  uint32_t slot = (head + index) & (ring->capacity - 1);
  uint8_t *entry = ring->base + RING_HEADER_BYTES + (size_t)slot * RING_ENTRY_BYTES;
  /* Plain stores: the consumer reads this slot only after the release store
   * of head that publishes it. The platform is little endian, as the ring. */
  uint32_t words[4] = {(uint32_t)fd, seq, bits, kind};
  memcpy(entry, words, sizeof words);
}

/* The exchange pairs with the consumer's "bellArmed = 1, then re-check
 * head": either it sees our head, or we see its 1 and ring. Only one byte
 * per idle period, however many batches follow. */
static void ring_bell_if_armed(struct ring *ring) {
  if (ring->bell_fd >= 0 &&
      __atomic_exchange_n(ring_u32(ring, RING_OFF_BELL_ARMED), 0, __ATOMIC_SEQ_CST) == 1)
    doorbell_ring(ring->bell_fd);
}

void ring_publish(struct ring *ring, uint32_t count, int ring_bell) {
  if (count == 0)
    return;
  uint32_t *head = ring_u32(ring, RING_OFF_HEAD);
  __atomic_store_n(head, __atomic_load_n(head, __ATOMIC_RELAXED) + count, __ATOMIC_RELEASE);
  __atomic_store_n((int64_t *)(ring->base + RING_OFF_PRODUCER_NOW), clock_since_epoch_ns(),
                   __ATOMIC_RELEASE);
  if (ring_bell)
    ring_bell_if_armed(ring);
}

void ring_request_rescan(struct ring *ring) {
  __atomic_store_n(ring_u32(ring, RING_OFF_RESCAN_REQUESTED), 1, __ATOMIC_SEQ_CST);
  ring_bell_if_armed(ring);
}

uint32_t ring_announce_waiting(struct ring *ring) {
  /* Sequentially consistent against the consumer's "store tail, then load
   * producerWaiting": either it sees our 1 and has us woken, or we see its
   * new tail here and do not sleep. */
  __atomic_store_n(ring_u32(ring, RING_OFF_PRODUCER_WAITING), 1, __ATOMIC_SEQ_CST);
  return ring_free_space(ring);
}
