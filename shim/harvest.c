#include <errno.h>

#include "harvest.h"
#include "sys.h"
#include "timer.h"


/* EINTR is retried; after this many in a row the call gives up with
 * -EINTR (callers treat it as "nothing this time"). */
#define HARVEST_EINTR_TRIES 16

int harvest_events(evw_loop *loop, uint32_t space, int timeout_ms, int ring_bell) {
  struct sys_epoll_event events[HARVEST_MAX_EVENTS];
  /* Never fetch more events than free slots: each event yields at most one
   * entry, and what is not fetched stays pending in the kernel. */
  int max_events = space < HARVEST_MAX_EVENTS ? (int)space : HARVEST_MAX_EVENTS;
  int n, tries = 0;
  do {
    n = sys_epoll_wait(loop->epoll_fd, events, max_events, timeout_ms);
  } while (n == -EINTR && ++tries < HARVEST_EINTR_TRIES);
  if (n < 0)
    return n;

  uint32_t written = 0, fd_entries = 0;
  for (int i = 0; i < n; i++) {
    uint64_t data = events[i].data;
    if (data == LOOP_DATA_TIMER) {
      /* Emitted even if the read finds nothing (the JS thread re-armed the
       * timer meanwhile): a spurious TIMER entry costs one empty expiry
       * pass in the core, a missing one would delay timers. */
      timer_consume(loop->timer_fd);
      ring_put(&loop->ring, written++, 0, 0, 0, RING_KIND_TIMER);
    } else {
      ring_put(&loop->ring, written++, (int32_t)(uint32_t)data, (uint32_t)(data >> 32),
               events[i].events & RING_EVENT_BITS, RING_KIND_FD);
      fd_entries++;
    }
  }
  ring_publish(&loop->ring, written, ring_bell);
  if (fd_entries > 0)
    loop->awaiting_finish = 1;
  return (int)written;
}
