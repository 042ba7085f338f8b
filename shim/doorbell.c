#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "doorbell.h"
#include "evwheel.h"

EVW_EXPORT int evw_doorbell_new(int fds[2]) {
  /* Non-blocking on both ends: the writer must never stall the progress
   * thread (or a signal handler), and Node expects a non-blocking reader. */
  return pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0 ? 0 : -errno;
}

EVW_EXPORT int evw_close(int fd) {
  /* On Linux the fd is released even when close reports EINTR: retrying
   * could close an fd another thread just opened. */
  if (close(fd) == 0 || errno == EINTR)
    return 0;
  return -errno;
}

void doorbell_ring(int bell_fd) {
  static const char byte = 1;
  ssize_t n;
  do {
    n = write(bell_fd, &byte, 1);
  } while (n < 0 && errno == EINTR);
  /* EAGAIN: the pipe is full, so a byte is pending and the reader will wake
   * anyway. Other errors (the reader went away) leave nothing to do here. */
}
