#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "loop.h"
#include "wake.h"

int wake_fd_create(void) {
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  return fd >= 0 ? fd : -errno;
}

int wake_signal(int wake_fd) {
  uint64_t one = 1;
  if (write(wake_fd, &one, sizeof one) == (ssize_t)sizeof one)
    return 0;
  /* EAGAIN only when the counter is about to overflow: it is readable. */
  return errno == EAGAIN ? 0 : -errno;
}

void wake_consume(int wake_fd) {
  uint64_t count;
  ssize_t n = read(wake_fd, &count, sizeof count); /* EAGAIN: already clear */
  (void)n;
}

EVW_EXPORT int evw_loop_wake(evw_loop *loop) {
  if (loop == NULL || loop->wake_fd < 0)
    return -EINVAL;
  return wake_signal(loop->wake_fd);
}
