#include <errno.h>

#include "loop.h"
#include "owner_table.h"
#include "sigarm.h"
#include "sigdefer.h"
#include "sighandler.h"
#include "sigfd.h"
#include "sigpoll.h"

/* The bits of an fd signal: the fd's state now, as epoll would report it
 * (poll(2) is async-signal-safe). The kernel signals a pipe whose writer
 * closed with POLL_IN, where epoll (and the public contract) say HUP. 0 when
 * the fd is no longer ready (or was closed): the signal was queued before
 * someone drained it, and reporting it would call a callback for nothing —
 * new input raises a new signal. Only when poll(2) itself fails is si_band
 * all there is. */
static uint32_t sighandler_fd_bits(int fd, long band) {
  struct sys_pollfd polled = {.fd = fd, .events = SIGPOLL_EVENTS};
  int rc = sys_poll(&polled, 1, 0);
  if (rc < 0)
    return (uint32_t)band & RING_EVENT_BITS;
  if (rc == 0 || (polled.revents & SYS_POLLNVAL))
    return 0;
  return (uint32_t)polled.revents & RING_EVENT_BITS;
}

/* One entry published, or rescanRequested when the ring is full. */
static void sighandler_put(evw_loop *loop, int fd, uint32_t bits, uint32_t kind) {
  struct ring *ring = &loop->ring;
  if (ring_free_space(ring) == 0) {
    ring_request_rescan(ring);
    return;
  }
  ring_put(ring, 0, fd, 0, bits, kind); /* seq 0: "the current registration" */
  ring_publish(ring, 1, !loop->sig.quiet_bell);
}

void sighandler_fd(evw_loop *loop, int fd, long band) {
  /* Checked before the ring space: a stale signal must not cost a rescan. */
  struct sig_fd *entry = sigfd_lookup(loop, fd);
  if (entry == NULL)
    return;
  if (!sigarm_signal_wanted(entry)) {
    sigarm_stale_signal(entry);
    return;
  }
  uint32_t space = ring_free_space(&loop->ring);
  if (space == 0) {
    ring_request_rescan(&loop->ring);
    return;
  }
  uint32_t bits = sighandler_fd_bits(fd, band);
  if (bits == 0)
    return; /* no longer ready: nothing to report */
  sigarm_reported(entry, space < loop->ring.capacity);
  sighandler_put(loop, fd, bits, RING_KIND_FD);
}

void sighandler_timer(evw_loop *loop) { sighandler_put(loop, 0, 0, RING_KIND_TIMER); }

void sighandler_rescan(evw_loop *loop) { sighandler_put(loop, 0, 0, RING_KIND_RESCAN); }

/* A kernel fd signal (si_code POLL_IN..POLL_HUP, all > 0, with si_fd and
 * si_band) of the loop's own signal. */
static int sighandler_is_fd_signal(const evw_loop *loop, const struct sys_siginfo *info) {
  return info->signo == loop->sig.signo && info->code > 0;
}

enum sighandler_kind { SIGHANDLER_FD, SIGHANDLER_TIMER, SIGHANDLER_RESCAN };

/* What one signal stands for. SIGIO means the realtime queue overflowed;
 * anything else that is not an fd signal or the timer's (kill, sigqueue:
 * si_code <= 0, or another loop's signal) tells nothing precise, so it asks
 * for a rescan. */
static enum sighandler_kind sighandler_kind_of(const evw_loop *loop,
                                              const struct sys_siginfo *info) {
  if (info->code == SYS_SI_TIMER)
    return SIGHANDLER_TIMER;
  return sighandler_is_fd_signal(loop, info) ? SIGHANDLER_FD : SIGHANDLER_RESCAN;
}

/* The code this handler interrupted holds the producer section: the
 * signal waits there until it is left. */
static void sighandler_defer(evw_loop *loop, const struct sys_siginfo *info) {
  /* The loop's own signals are blocked behind it: they wait in the queue. */
  int ours = info->signo == loop->sig.signo || info->signo == SYS_SIGIO;
  void *context = ours ? info->context : NULL;
  switch (sighandler_kind_of(loop, info)) {
  case SIGHANDLER_FD:
    sigdefer_fd(loop, info->fd, info->band, context);
    break;
  case SIGHANDLER_TIMER:
    sigdefer_timer(loop, context);
    break;
  case SIGHANDLER_RESCAN:
    sigdefer_rescan(loop, context);
    break;
  }
}

void sighandler_record(evw_loop *loop, const struct sys_siginfo *info) {
  if (!sigdefer_enter(loop)) {
    sighandler_defer(loop, info);
    return;
  }
  switch (sighandler_kind_of(loop, info)) {
  case SIGHANDLER_FD:
    sighandler_fd(loop, info->fd, info->band);
    break;
  case SIGHANDLER_TIMER:
    sighandler_timer(loop);
    break;
  case SIGHANDLER_RESCAN:
    sighandler_rescan(loop);
    break;
  }
  sigdefer_leave(loop); /* with whatever came meanwhile */
}

/* errno is saved and restored by the caller (sys_linux.c's trampoline). */
void sighandler_fn(const struct sys_siginfo *info) {
  /* A thread without a loop (a worker that never used signal mode, or one
   * whose loop is gone while a signal was still queued): ignored. */
  evw_loop *loop = owner_table_lookup_self();
  if (loop != NULL)
    sighandler_record(loop, info);
}
