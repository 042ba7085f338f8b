#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "clock.h"
#include "loop.h"
#include "sigtimer.h"
#include "sys.h"
#include "timer.h"

/* Beyond this (about 146 years after the epoch) a deadline is clamped: it
 * will never fire in practice and the sum below cannot overflow. */
#define TIMER_MAX_DEADLINE_NS ((double)(INT64_MAX / 2))

int timer_fd_create(void) { return sys_timerfd_create(); }

void timer_consume(int timer_fd) {
  uint64_t expirations;
  /* EAGAIN when the timer was re-armed since epoll reported it: fine. */
  long n;
  do {
    n = sys_read(timer_fd, &expirations, sizeof expirations);
  } while (n == -EINTR);
}

/* The latest nanosecond a double can stand for. Past 2^53 ns (104 days
 * after the epoch) doubles skip nanoseconds; armed at a deadline rounded
 * down, the timer would fire before it, the core would find nothing due and
 * arm the same expiry again, over and over. The core reads times the same
 * way (assembly/clock.ts). */
static int64_t latest_ns(double ns) {
  uint64_t bits;
  memcpy(&bits, &ns, sizeof bits);
  int exponent = (int)((bits >> 52) & 0x7ff) - 1023;
  int64_t whole = (int64_t)ns;
  return exponent >= 53 ? whole + ((int64_t)1 << (exponent - 53)) : whole;
}

int timer_absolute_ns(double deadline_ns, int64_t *absolute) {
  if (deadline_ns != deadline_ns /* NaN */)
    return -EINVAL;
  *absolute = 0; /* disarms */
  if (deadline_ns >= 0) {
    if (deadline_ns > TIMER_MAX_DEADLINE_NS)
      deadline_ns = TIMER_MAX_DEADLINE_NS;
    int64_t abs_ns = clock_epoch_ns() + latest_ns(deadline_ns);
    /* An all-zero value would disarm instead of firing at once. */
    *absolute = abs_ns < 1 ? 1 : abs_ns;
  }
  return 0;
}

EVW_EXPORT int evw_loop_arm_timer(evw_loop *loop, double deadline_ns) {
  if (loop != NULL && loop->signal_mode)
    return sigtimer_arm(loop, deadline_ns);
  if (loop == NULL || loop->timer_fd < 0)
    return -EINVAL;
  int64_t absolute;
  int rc = timer_absolute_ns(deadline_ns, &absolute);
  if (rc < 0)
    return rc;
  return sys_timerfd_set_abs(loop->timer_fd, absolute);
}
