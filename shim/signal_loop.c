/* Signal loop lifetime: creation on the owning thread, start and stop of
 * signal delivery, release. */
#define _GNU_SOURCE /* F_GETOWN_EX */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "loops.h"
#include "owner_table.h"
#include "registry.h"
#include "sigfd.h"
#include "siginstall.h"
#include "sigloop.h"
#include "sigmask.h"
#include "sigtimer.h"
#include "tid.h"

static int is_realtime(int signo) { return signo >= SIGRTMIN && signo <= SIGRTMAX; }

/* The signalfd used to flush queued signals; also claimed in the registry
 * so that users cannot register it. */
static int sigloop_create_signal_fd(evw_loop *loop) {
  sigset_t set;
  sigmask_set_of(loop->sig.signo, &set);
  int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0)
    return -errno;
  loop->sig.signal_fd = fd;
  return registry_claim_internal(fd, loop);
}

/* F_OWNER_TID appeared in Linux 2.6.32: without it signals cannot be aimed
 * at one thread, and signal mode is not offered at all. */
static int sigloop_check_owner_ex(int fd) {
  struct f_owner_ex owner;
  return fcntl(fd, F_GETOWN_EX, &owner) == 0 ? 0 : errno == EINVAL ? -ENOTSUP : -errno;
}

static evw_loop *sigloop_fail(evw_loop *loop, int rc, int *err) {
  if (loop != NULL) {
    sigloop_release(loop);
    registry_release_all(loop);
    free(loop);
  }
  if (err != NULL)
    *err = rc;
  return NULL;
}

EVW_EXPORT evw_loop *evw_loop_new_signal(uint8_t *mem, uint32_t ring_off, int bell_fd, int signo,
                                         int *err) {
  if (mem == NULL || !is_realtime(signo))
    return sigloop_fail(NULL, -EINVAL, err);
  if (bell_fd >= 0 && fcntl(bell_fd, F_GETFD) < 0)
    return sigloop_fail(NULL, -EBADF, err);

  evw_loop *loop = calloc(1, sizeof *loop);
  if (loop == NULL)
    return sigloop_fail(NULL, -ENOMEM, err);
  loop->mem = mem;
  loop->signal_mode = 1;
  loop->epoll_fd = loop->timer_fd = loop->wake_fd = loop->sig.signal_fd = -1;
  loop->owner_tid = current_tid();
  loop->sig.signo = signo;
  loop->sig.deadline_ns = -1;

  int rc = ring_attach(&loop->ring, mem + ring_off, bell_fd);
  if (rc == 0)
    rc = sigloop_create_signal_fd(loop);
  if (rc == 0)
    rc = sigloop_check_owner_ex(loop->sig.signal_fd);
  if (rc == 0)
    rc = owner_table_insert(loop->owner_tid, loop);
  if (rc < 0)
    return sigloop_fail(loop, rc, err);
  loop->sig.owner_listed = 1;
  sigmask_unblock(signo); /* Node's workers start with every signal blocked */
  loops_add(loop);
  if (err != NULL)
    *err = 0;
  return loop;
}

void sigloop_flush(evw_loop *loop) {
  struct signalfd_siginfo discarded[16];
  if (loop->sig.signal_fd < 0)
    return;
  while (read(loop->sig.signal_fd, discarded, sizeof discarded) > 0) {
  }
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
  sigset_t previous;
  sigmask_block(loop->sig.signo, &previous);
  sigfd_set_async_all(loop, 1);
  sigfd_report_all(loop); /* O_ASYNC only signals changes from now on */
  sigmask_restore(&previous);
  return 0;
}

int sigloop_stop(evw_loop *loop) {
  if (!loop->sig.started)
    return 0;
  sigset_t previous;
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
  sigset_t previous;
  sigmask_block(loop->sig.signo, &previous);
  sigloop_stop(loop);
  sigfd_restore_all(loop);
  if (loop->sig.owner_listed) {
    owner_table_remove(loop->owner_tid);
    loop->sig.owner_listed = 0;
  }
  if (loop->sig.signal_fd >= 0) {
    close(loop->sig.signal_fd);
    loop->sig.signal_fd = -1;
  }
  sigmask_restore(&previous);
}
