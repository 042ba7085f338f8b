/* Node's own loop watching a loop's kernel object (evw_loop_watch), so that
 * an event that comes while JS sleeps wakes the JS thread itself, which
 * fetches it (in C, outside JS) and calls JS (napi_bell.h) or rings its own
 * doorbell:
 * - a threaded loop's epoll set: the JS thread fetches as the progress
 *   thread would (progress_poll). Without it, the progress thread wakes
 *   first and then wakes JS: two wake-ups in a row. While the watch lasts
 *   the JS thread is the ring's only producer; the thread applies
 *   handed-over re-arms and nothing else (progress.c).
 * - a signal loop's signalfd: signo and SIGIO stay blocked on the owning
 *   thread, and it takes the queued signals out of the signalfd and records
 *   them as the handler would (sighandler.h). Without it, a signal wakes
 *   the thread out of epoll_wait to run the handler, which writes the
 *   doorbell, and epoll_wait is called again to find that byte. A signal
 *   also no longer interrupts running JS. Only while the loop is the
 *   process's sole signal loop (loops.h). */
#ifndef EVW_DIRECT_H
#define EVW_DIRECT_H

#include "loop.h"

/* Starts the watch: 0 (or already watching), -EBUSY (a threaded loop whose
 * thread runs; another signal loop exists), -EINVAL, -ENOTSUP (no Node
 * loop here). */
EVW_EXPORT int evw_loop_watch(evw_loop *loop);

/* On the loop's JS thread: fetches what the watch would, into the ring,
 * without a doorbell; entries published, 0 when nothing watches, or
 * -errno. */
EVW_EXPORT int evw_loop_fetch(evw_loop *loop);

/* Stops and closes the watch, if any: on the loop's JS thread (libuv is not
 * thread-safe), before the epoll fd or the signalfd is closed, after the
 * thread stopped. A signal loop's signals stay blocked (sigloop_release
 * flushes them, then unblocks). */
void direct_unwatch(evw_loop *loop);

#endif
