/* The threaded loop's timerfd: one absolute CLOCK_MONOTONIC deadline, the
 * timer wheel's next one, set by the JS thread. */
#ifndef EVW_TIMER_H
#define EVW_TIMER_H

#include <stdint.h>

/* A non-blocking, close-on-exec, disarmed timerfd, or -errno. */
int timer_fd_create(void);

/* Reads the expiration count so that the fd stops being readable. */
void timer_consume(int timer_fd);

/* The absolute CLOCK_MONOTONIC expiry for a deadline in shim-epoch
 * nanoseconds (< 0: 0, which disarms). -EINVAL for NaN. Shared by the
 * timerfd and the POSIX timer of signal loops. */
int timer_absolute_ns(double deadline_ns, int64_t *absolute);

#endif
