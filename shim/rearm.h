/* Re-arming one-shot fds of epoll loops (evw_loop_rearm), and the per-loop
 * list of re-arms waiting to be applied: kept after a transient epoll_ctl
 * failure (ENOMEM), so that no readiness is lost, or handed to the progress
 * thread, which applies a large batch off the JS thread. */
#ifndef EVW_REARM_H
#define EVW_REARM_H

#include "loop.h"

/* Applies the waiting re-arms (kept after a failure or handed over);
 * returns how many are still kept after a transient failure. */
int rearm_retry_pending(evw_loop *loop);

/* Batches of more re-arms than this go to a running progress thread. */
#define REARM_INLINE_MAX 8

/* Drops a kept re-arm of fd (evw_fd_mod, evw_fd_del: the registration
 * changed). */
void rearm_forget(evw_loop *loop, int fd);

/* epoll_ctl MOD with new events; only if it succeeds is a kept re-arm of the
 * fd forgotten (it would overwrite them). If it fails, the kept re-arm stays:
 * the fd must not be left disarmed. Atomic with the retries. */
int rearm_modify(evw_loop *loop, int fd, uint32_t events, uint32_t seq);

/* epoll_ctl(MOD) for a loop's user fd, EINTR retried. */
int rearm_epoll_ctl(const evw_loop *loop, int op, int fd, uint32_t events, uint32_t seq);

/* Reads the rearm list entry at off in the core's memory (mem.h). */
void rearm_read_entry(const evw_loop *loop, uint32_t off, struct rearm_entry *entry);

/* Frees the list (loop destruction). */
void rearm_release(evw_loop *loop);

#endif
