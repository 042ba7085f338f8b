#include <errno.h>

#include "loop.h"
#include "owner_table.h"
#include "sigarm.h"
#include "sighandler.h"
#include "sigfd.h"
#include "sigpoll.h"
#include "tid.h"

/* The bits of an fd signal: the fd's state now, as epoll would report it
 * (poll(2) is async-signal-safe). The kernel signals a pipe whose writer
 * closed with POLL_IN, where epoll (and the public contract) say HUP. 0 when
 * the fd is no longer ready (or was closed): the signal was queued before
 * someone drained it, and reporting it would call a callback for nothing —
 * new input raises a new signal. Only when poll(2) itself fails is si_band
 * all there is. */
static uint32_t sighandler_fd_bits(const struct sys_siginfo *info) {
  struct sys_pollfd fd = {.fd = info->fd, .events = SIGPOLL_EVENTS};
  int rc = sys_poll(&fd, 1, 0);
  if (rc < 0)
    return (uint32_t)info->band & RING_EVENT_BITS;
  if (rc == 0 || (fd.revents & SYS_POLLNVAL))
    return 0;
  return (uint32_t)fd.revents & RING_EVENT_BITS;
}

/* A kernel fd signal (si_code POLL_IN..POLL_HUP, all > 0, with si_fd and
 * si_band) of the loop's own signal. */
static int sighandler_is_fd_signal(const evw_loop *loop, const struct sys_siginfo *info) {
  return info->signo == loop->sig.signo && info->code > 0;
}

/* The ring entry one signal stands for. SIGIO means the realtime queue
 * overflowed; anything else that is not an fd signal or the timer's (kill,
 * sigqueue: si_code <= 0, or another loop's signal) tells nothing precise,
 * so it asks for a rescan. */
static void sighandler_record(evw_loop *loop, const struct sys_siginfo *info) {
  struct ring *ring = &loop->ring;
  struct sig_fd *entry = NULL;
  if (sighandler_is_fd_signal(loop, info)) {
    /* Checked before the ring space: a stale signal must not cost a rescan. */
    entry = sigfd_lookup(loop, info->fd);
    if (entry == NULL || !sigarm_signal_wanted(entry))
      return;
  }
  if (ring_free_space(ring) == 0) {
    ring_request_rescan(ring);
    return;
  }
  if (info->code == SYS_SI_TIMER) {
    ring_put(ring, 0, 0, 0, 0, RING_KIND_TIMER);
  } else if (entry == NULL) {
    ring_put(ring, 0, 0, 0, 0, RING_KIND_RESCAN);
  } else {
    uint32_t bits = sighandler_fd_bits(info);
    if (bits == 0)
      return; /* no longer ready: nothing to report */
    sigarm_disarm_reported(entry);
    ring_put(ring, 0, info->fd, 0, bits, RING_KIND_FD); /* seq 0: "the current registration" */
  }
  ring_publish(ring, 1, 1);
}

/* errno is saved and restored by the caller (sys_linux.c's trampoline). */
void sighandler_fn(const struct sys_siginfo *info) {
  /* A thread without a loop (a worker that never used signal mode, or one
   * whose loop is gone while a signal was still queued): ignored. */
  evw_loop *loop = owner_table_lookup(current_tid());
  if (loop != NULL)
    sighandler_record(loop, info);
}
