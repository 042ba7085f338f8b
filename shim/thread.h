/* The progress "thread" of a threaded loop: its body, progress_step, is
 * shared; what runs it is per platform (thread_linux.c: a pthread looping on
 * it; sim/scheduler.c: sim_run calling it with timeout 0). */
#ifndef EVW_THREAD_H
#define EVW_THREAD_H

#include "loop.h"

/* 1 while the loop's progress thread runs (it is then the ring's only
 * producer). */
int thread_is_running(const evw_loop *loop);

/* One iteration of the progress loop (progress.c): retries failed re-arms,
 * then waits up to timeout_ms (-1: forever) for events into the ring, or,
 * with the ring full, for a wake-up. Returns the entries written (0 after
 * EINTR, a spurious wake-up or a wait for space) or a fatal -errno (the
 * epoll fd is unusable). */
int progress_step(evw_loop *loop, int timeout_ms);

/* The same without ever sleeping: retries failed re-arms, then fetches what
 * is ready now, unless JS is not done with the last batch or the ring is
 * full; if it published, rings the doorbell unless ring_bell is 0 (the
 * caller wakes JS itself: ring_take_bell). What a woken Node loop
 * (direct.h) runs. Same returns as progress_step. */
int progress_poll(evw_loop *loop, int ring_bell);

/* Platform: start / stop (and join) the progress thread of a threaded loop.
 * Idempotent. Start: -ESHUTDOWN once process exit began. */
int progress_thread_start(evw_loop *loop);
int progress_thread_stop(evw_loop *loop);

#endif
