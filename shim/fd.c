/* The interest set of a loop: registering user fds (through the process-wide
 * registry) and the epoll_ctl calls that arm them (sigfd.c for signal
 * loops). */
#include <errno.h>

#include "loop.h"
#include "rearm.h"
#include "registry.h"
#include "sigfd.h"

/* The fd vanished under us (the user closed it, or closed and reopened the
 * number): the kernel already dropped it from the epoll set. */
static int fd_was_closed(int rc) { return rc == -ENOENT || rc == -EBADF; }

EVW_EXPORT int evw_fd_add(evw_loop *loop, int fd, uint32_t events) {
  if (loop == NULL)
    return -EINVAL;
  /* Checked first so that a closed fd is EBADF, not EEXIST for a stale entry
   * or EBADF from epoll_ctl after a registry round trip. */
  if (fd < 0 || sys_fcntl_getfd(fd) < 0)
    return -EBADF;
  uint32_t seq = registry_next_seq();
  int rc = registry_claim(fd, loop, seq);
  if (rc < 0)
    return rc;
  /* EPERM here means the fd is not pollable (a regular file, a directory). */
  if (loop->signal_mode)
    rc = sigfd_add(loop, fd, events, seq);
  else
    rc = rearm_epoll_ctl(loop, SYS_EPOLL_CTL_ADD, fd, events, seq);
  if (rc < 0) {
    registry_release_exact(fd, loop, seq);
    return rc;
  }
  return (int)seq;
}

EVW_EXPORT int evw_fd_mod(evw_loop *loop, int fd, uint32_t events, uint32_t seq) {
  if (loop == NULL)
    return -EINVAL;
  if (!registry_owns(fd, loop, seq))
    return -ENOENT;
  if (loop->signal_mode)
    return sigfd_mod(loop, fd, events);
  return rearm_modify(loop, fd, events, seq);
}

EVW_EXPORT int evw_fd_del(evw_loop *loop, int fd) {
  if (loop == NULL)
    return -EINVAL;
  /* The registry entry goes first and always: even if the user closed the
   * fd already, the number must become registrable again. */
  int rc = registry_release(fd, loop);
  if (loop->signal_mode) {
    /* -ENOENT with an entry left in the loop's table: the fd was closed and
     * its number taken over by a loop's internal fd, which is not ours to
     * restore. */
    sigfd_del(loop, fd, rc == 0);
    return rc;
  }
  if (rc < 0)
    return rc;
  rearm_forget(loop, fd);
  rc = rearm_epoll_ctl(loop, SYS_EPOLL_CTL_DEL, fd, 0, 0);
  return fd_was_closed(rc) ? 0 : rc;
}
