/* The threaded loop's wake eventfd: how the JS thread interrupts the
 * progress thread (stop, or ring space freed). */
#ifndef EVW_WAKE_H
#define EVW_WAKE_H

/* A non-blocking, close-on-exec eventfd, or -errno. */
int wake_fd_create(void);

/* Makes the eventfd readable. Returns 0 or -errno. */
int wake_signal(int wake_fd);

/* Resets the eventfd to unreadable. */
void wake_consume(int wake_fd);

#endif
