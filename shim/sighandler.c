#include <errno.h>

#include "loop.h"
#include "owner_table.h"
#include "sighandler.h"
#include "tid.h"

#define EVENT_BITS_MASK 0x1fu

/* The bits of an fd signal: the fd's state now, as epoll would report it,
 * when poll(2) (async-signal-safe) sees it ready; else what the kernel put
 * in si_band. The kernel signals a pipe whose writer closed with POLL_IN,
 * where epoll (and the public contract) say HUP. */
static uint32_t sighandler_fd_bits(const struct sys_siginfo *info) {
  struct sys_pollfd fd = {.fd = info->fd, .events = SYS_POLLIN | SYS_POLLPRI | SYS_POLLOUT};
  if (sys_poll(&fd, 1, 0) == 1 && !(fd.revents & SYS_POLLNVAL) &&
      (fd.revents & EVENT_BITS_MASK) != 0)
    return (uint32_t)fd.revents & EVENT_BITS_MASK;
  return (uint32_t)info->band & EVENT_BITS_MASK;
}

/* The ring entry one signal stands for. A kernel fd signal (si_code
 * POLL_IN..POLL_HUP, all > 0) carries si_fd and si_band; SIGIO means the
 * realtime queue overflowed; anything else (kill, sigqueue: si_code <= 0, or
 * another loop's signal) tells nothing precise, so it asks for a rescan. */
static void sighandler_record(evw_loop *loop, const struct sys_siginfo *info) {
  struct ring *ring = &loop->ring;
  if (ring_free_space(ring) == 0) {
    ring_request_rescan(ring);
    return;
  }
  if (info->code == SYS_SI_TIMER)
    ring_put(ring, 0, 0, 0, 0, RING_KIND_TIMER);
  else if (info->signo == SYS_SIGIO || info->signo != loop->sig.signo || info->code <= 0)
    ring_put(ring, 0, 0, 0, 0, RING_KIND_RESCAN);
  else /* seq 0: "the current registration" */
    ring_put(ring, 0, info->fd, 0, sighandler_fd_bits(info), RING_KIND_FD);
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
