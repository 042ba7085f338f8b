/* Arming the one-shot fds of a signal loop (docs/INTERNALS.md, "Signal
 * loops"): which fds get O_ASYNC back after a batch, which are reported
 * from a poll instead, and which are kept disarmed and polled after the
 * next batch (the watch list). Also the handler's side of the one-shot. */
#ifndef EVW_SIGARM_H
#define EVW_SIGARM_H

#include <stdint.h>

#include "loop.h"

/* Batches an idle fd is watched (polled after each) before it is armed. */
#define SIGARM_IDLE_POLLS 2

/* evw_loop_rearm of a signal loop: the listed current registrations and the
 * watch list, polled; ready ones reported, idle ones watched or armed.
 * Returns 1 when fds are watched (the caller must call it again after the
 * next batch, with an empty list if need be), else 0 or the first -errno. */
int sigarm_rearm(evw_loop *loop, uint32_t list_off, int count);

/* Empties the watch list (every fd is being armed or disarmed). Call with
 * the signals blocked. */
void sigarm_forget_watch(evw_loop *loop);

/* The handler: 0 when a signal for this fd is stale — a one-shot fd that is
 * not armed was reported already or is watched, and the poll it gets next
 * sees whatever raised the signal. Async-signal-safe. */
static inline int sigarm_signal_wanted(const struct sig_fd *entry) {
  return !(entry->events & SYS_EPOLLONESHOT) || entry->armed;
}

/* The handler, after reporting the fd: O_ASYNC off for a one-shot fd until
 * it is armed again (one signal per readiness). Async-signal-safe. */
void sigarm_disarm_reported(struct sig_fd *entry);

#endif
