/* One epoll_wait turned into ring entries: the common step of the progress
 * thread and of evw_loop_poll. */
#ifndef EVW_HARVEST_H
#define EVW_HARVEST_H

#include <stdint.h>

#include "loop.h"

/* Upper bound of events fetched per epoll_wait (a stack array). */
#define HARVEST_MAX_EVENTS 256

/* Waits up to timeout_ms (-1: forever) for at most min(space, 256) events,
 * writes them as ring entries and publishes them (ringing the doorbell if
 * ring_bell). EINTR is retried (a few times, then -EINTR). Returns the
 * entries written or -errno. */
int harvest_events(evw_loop *loop, uint32_t space, int timeout_ms, int ring_bell);

#endif
