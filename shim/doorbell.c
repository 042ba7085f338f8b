#include <errno.h>

#include "doorbell.h"
#include "evwheel.h"
#include "sys.h"

EVW_EXPORT int evw_doorbell_new(int fds[2]) {
  /* Non-blocking on both ends: the writer must never stall the progress
   * thread (or a signal handler), and Node expects a non-blocking reader. */
  return sys_pipe(fds);
}

EVW_EXPORT int evw_close(int fd) { return sys_close(fd); }

void doorbell_ring(int bell_fd) {
  static const char byte = 1;
  long n;
  do {
    n = sys_write(bell_fd, &byte, 1);
  } while (n == -EINTR);
  /* EAGAIN: the pipe is full, so a byte is pending and the reader will wake
   * anyway. Other errors (the reader went away) leave nothing to do here. */
}
