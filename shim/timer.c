#include <errno.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"
#include "sigtimer.h"
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

int timer_absolute_spec(double deadline_ns, struct itimerspec *spec) {
  if (deadline_ns != deadline_ns /* NaN */)
    return -EINVAL;
  struct itimerspec disarmed = {0}; /* all zero disarms */
  *spec = disarmed;
  if (deadline_ns >= 0) {
    if (deadline_ns > TIMER_MAX_DEADLINE_NS)
      deadline_ns = TIMER_MAX_DEADLINE_NS;
    int64_t absolute = clock_epoch_ns() + (int64_t)deadline_ns;
    /* An all-zero it_value would disarm instead of firing at once. */
    if (absolute < 1)
      absolute = 1;
    spec->it_value = timespec_from_ns(absolute);
  }
  return 0;
}

EVW_EXPORT int evw_loop_arm_timer(evw_loop *loop, double deadline_ns) {
  if (loop != NULL && loop->signal_mode)
    return sigtimer_arm(loop, deadline_ns);
  if (loop == NULL || loop->timer_fd < 0)
    return -EINVAL;
  struct itimerspec spec;
  int rc = timer_absolute_spec(deadline_ns, &spec);
  if (rc < 0)
    return rc;
  return timerfd_settime(loop->timer_fd, TFD_TIMER_ABSTIME, &spec, NULL) == 0 ? 0 : -errno;
}
