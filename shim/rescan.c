/* Rescan of a signal loop: after the realtime queue overflowed (SIGIO), or
 * the ring was full when a signal came (rescanRequested). The queued
 * signals are stale (their fds are polled now), so they are discarded, and
 * every fd is polled. */
#include <errno.h>

#include "sigdefer.h"
#include "sigfd.h"
#include "sigloop.h"
#include "sigmask.h"
#include "sigpoll.h"

EVW_EXPORT int evw_loop_rescan(evw_loop *loop) {
  if (loop == NULL || !loop->signal_mode)
    return -EINVAL;
  /* A stopped loop reports nothing until start, which arms and polls every
   * fd itself. Arming here would let its fds raise a signal whose
   * disposition may be the default again: that would kill the process. */
  if (!loop->sig.started)
    return 0;
  sys_sigset_t previous;
  sigmask_block(loop->sig.signo, &previous);
  int section = sigdefer_enter(loop); /* against handlers of other signals */
  sigloop_flush(loop);
  int written = 0;
  /* The timer's signal may have been among the flushed ones: a spurious
   * TIMER entry costs one empty expiry pass, a missing one a late timer. */
  if (loop->sig.timer_created)
    written = sigpoll_report_timer(loop);
  /* Reported fds are disarmed until their re-arm; entries lost to a full ring
   * took theirs with them: arm every fd again, then poll them all. */
  sigfd_set_async_all(loop, 1);
  int rc = sigfd_report_all(loop);
  if (section)
    sigdefer_leave(loop);
  sigmask_restore(&previous);
  return rc < 0 ? rc : written + rc;
}
