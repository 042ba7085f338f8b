/* Re-arming one-shot fds of epoll loops (evw_loop_rearm), and the per-loop
 * retry list that makes a transient epoll_ctl failure (ENOMEM) lose no
 * readiness: the fd is kept and re-armed on the next progress step, rearm
 * or poll call. */
#ifndef EVW_REARM_H
#define EVW_REARM_H

#include "loop.h"

/* Retries the kept re-arms; returns how many are still kept. */
int rearm_retry_pending(evw_loop *loop);

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
