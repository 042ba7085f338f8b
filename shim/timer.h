/* The threaded loop's timerfd: one absolute CLOCK_MONOTONIC deadline, the
 * timer wheel's next one, set by the JS thread. */
#ifndef EVW_TIMER_H
#define EVW_TIMER_H

/* A non-blocking, close-on-exec, disarmed timerfd, or -errno. */
int timer_fd_create(void);

/* Reads the expiration count so that the fd stops being readable. */
void timer_consume(int timer_fd);

struct itimerspec;

/* The absolute CLOCK_MONOTONIC expiry for a deadline in shim-epoch
 * nanoseconds (< 0: all zero, which disarms). -EINVAL for NaN. Shared by
 * the timerfd and the POSIX timer of signal loops. */
int timer_absolute_spec(double deadline_ns, struct itimerspec *spec);

#endif
