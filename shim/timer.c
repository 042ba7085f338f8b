#include <errno.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"
#include "timer.h"

/* Beyond this (about 146 years after the epoch) a deadline is clamped: it
 * will never fire in practice and the sum below cannot overflow. */
#define TIMER_MAX_DEADLINE_NS ((double)(INT64_MAX / 2))

int timer_fd_create(void) {
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

void timer_consume(int timer_fd) {
  uint64_t expirations;
  /* EAGAIN when the timer was re-armed since epoll reported it: fine. */
  ssize_t n = read(timer_fd, &expirations, sizeof expirations);
  (void)n;
}

static struct timespec timespec_from_ns(int64_t ns) {
  struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
  return ts;
}

EVW_EXPORT int evw_loop_arm_timer(evw_loop *loop, double deadline_ns) {
  if (loop == NULL || loop->timer_fd < 0 || deadline_ns != deadline_ns /* NaN */)
    return -EINVAL;
  struct itimerspec spec = {0}; /* all zero disarms */
  if (deadline_ns >= 0) {
    if (deadline_ns > TIMER_MAX_DEADLINE_NS)
      deadline_ns = TIMER_MAX_DEADLINE_NS;
    int64_t absolute = clock_epoch_ns() + (int64_t)deadline_ns;
    /* An all-zero it_value would disarm instead of firing at once. */
    if (absolute < 1)
      absolute = 1;
    spec.it_value = timespec_from_ns(absolute);
  }
  return timerfd_settime(loop->timer_fd, TFD_TIMER_ABSTIME, &spec, NULL) == 0 ? 0 : -errno;
}
