#include <errno.h>
#include <stdint.h>

#include "loop.h"
#include "sys.h"
#include "wake.h"

int wake_fd_create(void) { return sys_eventfd(); }

int wake_signal(int wake_fd) {
  uint64_t one = 1;
  long n;
  do {
    n = sys_write(wake_fd, &one, sizeof one);
  } while (n == -EINTR);
  if (n == (long)sizeof one)
    return 0;
  /* EAGAIN only when the counter is about to overflow: it is readable. */
  return n == -EAGAIN ? 0 : n < 0 ? (int)n : -EIO;
}

void wake_consume(int wake_fd) {
  uint64_t count;
  long n;
  do {
    n = sys_read(wake_fd, &count, sizeof count); /* EAGAIN: already clear */
  } while (n == -EINTR);
}

EVW_EXPORT int evw_loop_wake(evw_loop *loop) {
  if (loop == NULL || loop->wake_fd < 0)
    return -EINVAL;
  return wake_signal(loop->wake_fd);
}
