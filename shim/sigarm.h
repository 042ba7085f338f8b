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

/* Passes that must find a bursty fd idle before the handler leaves it
 * armed after a report again (sigarm_reported). */
#define SIGARM_QUIET_PASSES 8

/* evw_loop_rearm of a signal loop: the listed current registrations and the
 * watch list, polled; ready ones reported, idle ones watched or armed.
 * Returns 1 when fds are watched (the caller must call it again after the
 * next batch, with an empty list if need be), else 0 or the first -errno. */
int sigarm_rearm(evw_loop *loop, uint32_t list_off, int count);

/* Empties the watch list (every fd is being armed or disarmed). Call with
 * the signals blocked. */
void sigarm_forget_watch(evw_loop *loop);

/* The handler: 0 when a signal for this fd is stale — a one-shot fd that is
 * not armed, or armed but reported, was reported already or is watched,
 * and the poll it gets next sees whatever raised the signal.
 * Async-signal-safe. */
static inline int sigarm_signal_wanted(const struct sig_fd *entry) {
  return !(entry->events & SYS_EPOLLONESHOT) || (entry->armed && !entry->reported);
}

/* The handler, for a stale signal: a one-shot fd reported with O_ASYNC left
 * on changed again before its pass. It is busy: O_ASYNC off until its pass,
 * no more signals for it meanwhile. Async-signal-safe. */
void sigarm_stale_signal(struct sig_fd *entry);

/* After an FD entry for a one-shot fd that is armed (one signal per
 * readiness): O_ASYNC off at once when `busy` (the ring holds other
 * entries: the JS thread is behind, and the fd is likely to change again
 * before its pass) or the fd is bursty (it did so lately), else left on
 * and the fd marked reported. Async-signal-safe. */
void sigarm_reported(struct sig_fd *entry, int busy);

#endif
