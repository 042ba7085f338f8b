/* The producer side of the event ring (layout and protocol: docs/INTERNALS.md,
 * "The event ring"). One producer per ring: the progress thread, or the JS
 * thread inside evw_loop_poll, never both at once; for a signal loop the
 * signal handler or the owning thread, whichever holds the producer section
 * (sigdefer.h). */
#ifndef EVW_RING_H
#define EVW_RING_H

#include <stdint.h>

#define RING_OFF_HEAD 0
#define RING_OFF_TAIL 64
#define RING_OFF_BELL_ARMED 128
#define RING_OFF_CAPACITY 132
#define RING_OFF_PRODUCER_WAITING 136
#define RING_OFF_RESCAN_REQUESTED 140 /* signal loops: the ring was full */
#define RING_OFF_PRODUCER_NOW 144
#define RING_OFF_FINISHED 152 /* the consumer is done with every entry before this */
#define RING_HEADER_BYTES 192
#define RING_ENTRY_BYTES 16
/* The event bits an FD entry carries: IN PRI OUT ERR HUP, epoll's and poll's values alike. */
#define RING_EVENT_BITS 0x1fu

/* Upper bound for the capacity read at attach time, so that the region size
 * (192 + 16 * capacity) can never overflow. */
#define RING_MAX_CAPACITY (1u << 26)

enum ring_entry_kind { RING_KIND_FD = 0, RING_KIND_TIMER = 1, RING_KIND_RESCAN = 2 };

struct ring {
  uint8_t *mem;      /* the core's memory (mem.h: a pointer, or in the sim an offset) */
  uint32_t base;     /* R: offset of the ring header in it */
  uint32_t capacity; /* copied once at attach; the header is never trusted again */
  int bell_fd;       /* write end of the doorbell pipe, -1 for none */
};

/* Validates the header at mem + base (alignment, capacity a power of two)
 * and copies the capacity. Returns 0 or -EINVAL. All accesses go through
 * mem.h. */
int ring_attach(struct ring *ring, uint8_t *mem, uint32_t base, int bell_fd);

/* Entries the producer may write now (capacity - (head - tail)). */
uint32_t ring_free_space(const struct ring *ring);

/* Writes the index-th unpublished entry (at head + index); publishing is
 * separate so that one batch costs one release store and at most one
 * doorbell byte. */
void ring_put(struct ring *ring, uint32_t index, int32_t fd, uint32_t seq,
              uint32_t bits, uint32_t kind);

/* The consumer armed the bell (it waits for one): disarms it and returns 1,
 * for a producer that wakes the consumer some other way than the doorbell
 * byte (napi_bell.h). */
int ring_take_bell(struct ring *ring);

/* Makes count entries visible, stores producerNow, and if ring_bell is set
 * and the consumer armed the bell, writes the doorbell byte. */
void ring_publish(struct ring *ring, uint32_t count, int ring_bell);

/* A signal loop's producer found the ring full: sets rescanRequested (the
 * core takes it and has the loop rescanned), then rings the doorbell if the
 * consumer armed it. Async-signal-safe, as is ring_publish. */
void ring_request_rescan(struct ring *ring);

/* The full-ring handshake: sets producerWaiting, then re-checks the space
 * (the consumer may have advanced tail just before). Returns the free space
 * seen after setting the flag: 0 means the producer must sleep until woken. */
uint32_t ring_announce_waiting(struct ring *ring);

/* Whether the consumer is done with everything published: every callback
 * of it has run (the core's loopBatchDone stores finished = tail). */
int ring_all_finished(const struct ring *ring);

/* The gate's handshake, like ring_announce_waiting: sets producerWaiting,
 * then re-checks finished. 0 means the producer must sleep until woken. */
int ring_announce_finish_wait(struct ring *ring);

#endif
