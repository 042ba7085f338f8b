/* The threaded loop's timerfd: one absolute CLOCK_MONOTONIC deadline, the
 * timer wheel's next one, set by the JS thread. */
#ifndef EVW_TIMER_H
#define EVW_TIMER_H

/* A non-blocking, close-on-exec, disarmed timerfd, or -errno. */
int timer_fd_create(void);

/* Reads the expiration count so that the fd stops being readable. */
void timer_consume(int timer_fd);

#endif
