#include <errno.h>

#include "bells.h"
#include "doorbell.h"
#include "evwheel.h"
#include "loops.h"
#include "sys.h"
#include "tid.h"

EVW_EXPORT int evw_doorbell_new(int fds[2]) {
  /* Non-blocking on both ends: the writer must never stall the progress
   * thread (or a signal handler), and Node expects a non-blocking reader. */
  int rc = sys_pipe(fds);
  if (rc < 0)
    return rc;
  /* Listed under the calling thread, whose cleanup hook closes the write end
   * if its JS never does. The read end is Node's (net.Socket closes it). */
  rc = bells_add(current_tid(), fds[1]);
  if (rc < 0) {
    sys_close(fds[0]);
    sys_close(fds[1]);
  }
  return rc;
}

EVW_EXPORT int evw_doorbell_close(int write_fd) {
  /* A live loop may ring it at any moment: closing would let it write to a
   * number the kernel can hand out again. */
  if (loops_bell_in_use(write_fd))
    return -EBUSY;
  /* Not listed: never a doorbell, or already closed (by the cleanup hook),
   * so that number may be somebody else's by now. */
  if (!bells_take(write_fd))
    return -ENOENT;
  return sys_close(write_fd);
}

EVW_EXPORT int evw_close(int fd) {
  /* A doorbell closed this way is no longer the cleanup hook's to close. */
  bells_take(fd);
  return sys_close(fd);
}

void doorbell_release_owned(pid_t tid, int close_them) {
  int fd;
  while ((fd = bells_take_owned(tid)) >= 0)
    if (close_them && !loops_bell_in_use(fd))
      sys_close(fd);
}

void doorbell_ring(int bell_fd) {
  static const char byte = 1;
  long n;
  do {
    n = sys_write(bell_fd, &byte, 1);
  } while (n == -EINTR);
  /* EAGAIN: the pipe is full, so a byte is pending and the reader will wake
   * anyway. Other errors (the reader went away) leave nothing to do here. */
}
