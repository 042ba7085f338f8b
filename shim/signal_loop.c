/* Signal loop lifetime: creation on the owning thread, start and stop of
 * signal delivery, release. */
#include <errno.h>
#include <stdlib.h>

#include "loops.h"
#include "mem.h"
#include "owner_table.h"
#include "registry.h"
#include "sigdefer.h"
#include "sigfd.h"
#include "siginstall.h"
#include "sigloop.h"
#include "sigmask.h"
#include "sigtimer.h"
#include "tid.h"

static int is_realtime(int signo) { return signo >= sys_sigrtmin() && signo <= sys_sigrtmax(); }

/* The signalfd used to flush queued signals; also claimed in the registry
 * so that users cannot register it. */
static int sigloop_create_signal_fd(evw_loop *loop) {
  int fd = sys_signalfd(sigmask_set_of(loop->sig.signo));
  if (fd < 0)
    return fd;
  loop->sig.signal_fd = fd;
  return registry_claim_internal(fd, loop);
}

/* F_OWNER_TID appeared in Linux 2.6.32: without it signals cannot be aimed
 * at one thread, and signal mode is not offered at all. */
static int sigloop_check_owner_ex(int fd) {
  int type, pid;
  return sys_fcntl_getown_ex(fd, &type, &pid);
}

EVW_EXPORT evw_loop *evw_loop_new_signal(uint8_t *mem, uint32_t ring_off, int bell_fd, int signo,
                                         int *err) {
  if (!is_realtime(signo))
    return loop_fail(NULL, -EINVAL, err);
  int rc;
  evw_loop *loop = loop_alloc(mem, ring_off, bell_fd, &rc);
  if (loop == NULL)
    return loop_fail(NULL, rc, err);
  loop->signal_mode = 1;
  loop->sig.signo = signo;
  loop->sig.deadline_ns = -1;
  rc = sigloop_create_signal_fd(loop);
  if (rc == 0)
    rc = sigloop_check_owner_ex(loop->sig.signal_fd);
  if (rc == 0)
    rc = owner_table_insert(loop->owner_tid, loop);
  if (rc < 0)
    return loop_fail(loop, rc, err);
  loop->sig.owner_listed = 1;
  sigmask_unblock(signo); /* Node's workers start with every signal blocked */
  return loop_publish(loop, err);
}

void sigloop_flush(evw_loop *loop) {
  unsigned char discarded[16 * SYS_SIGNALFD_INFO_BYTES];
  if (loop->sig.signal_fd < 0)
    return;
  long n;
  do {
    n = sys_read(loop->sig.signal_fd, discarded, sizeof discarded);
  } while (n > 0 || n == -EINTR);
}

int sigloop_start(evw_loop *loop) {
  if (loop->sig.started)
    return 0;
  int rc = siginstall_acquire(loop->sig.signo);
  if (rc < 0)
    return rc;
  loop->sig.started = 1;
  rc = sigtimer_create(loop);
  if (rc < 0) {
    sigloop_stop(loop);
    return rc;
  }
  sys_sigset_t previous;
  sigmask_block(loop->sig.signo, &previous);
  int section = sigdefer_enter(loop); /* against handlers of other signals */
  sigfd_set_async_all(loop, 1);
  sigfd_report_all(loop); /* O_ASYNC only signals changes from now on */
  if (section)
    sigdefer_leave(loop);
  sigmask_restore(&previous);
  /* Left blocked by a watch that stopped before any handler was installed
   * (direct_linux.c): the handler takes them from now on. */
  if (loop->sig.held_blocked && loop->direct == NULL) {
    loop->sig.held_blocked = 0;
    sigmask_unblock(loop->sig.signo);
  }
  return 0;
}

int sigloop_stop(evw_loop *loop) {
  if (!loop->sig.started)
    return 0;
  sys_sigset_t previous;
  sigmask_block(loop->sig.signo, &previous);
  sigfd_set_async_all(loop, 0);
  sigtimer_delete(loop);
  /* Nothing new can be queued for this thread now: what is queued goes, so
   * that no signal finds the default disposition (which terminates) once
   * the last user has restored it. */
  sigloop_flush(loop);
  loop->sig.started = 0;
  siginstall_release(loop->sig.signo);
  sigmask_restore(&previous);
  return 0;
}

void sigloop_release(evw_loop *loop) {
  sys_sigset_t previous;
  sigmask_block(loop->sig.signo, &previous);
  sigloop_stop(loop);
  sigfd_restore_all(loop);
  if (loop->sig.owner_listed) {
    owner_table_remove(loop->owner_tid);
    loop->sig.owner_listed = 0;
  }
  /* Stopped or never started, a loop may still have the request of another
   * loop to stop watching queued (direct_linux.c): unblocked with no
   * handler, it would kill the process. */
  sigloop_flush(loop);
  if (loop->sig.signal_fd >= 0) {
    sys_close(loop->sig.signal_fd);
    loop->sig.signal_fd = -1;
  }
  sigmask_restore(&previous);
  /* The watch blocked them for good; nothing of this loop is queued any
   * more, and the thread gets them unblocked as the loop's creation left
   * them. */
  if (loop->sig.held_blocked) {
    loop->sig.held_blocked = 0;
    sigmask_unblock(loop->sig.signo);
  }
}
