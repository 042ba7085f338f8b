/* The doorbell write ends the shim handed out and that are still open, each
 * with the thread that asked for it (one process-wide, mutex-protected
 * table), so that a JS thread's cleanup hook can close the one its JS never
 * closed (worker.terminate()), and so that an entry, once taken, is closed
 * at most once: whoever takes it closes it. The signal handler and the
 * progress thread never touch the table: they only write to a loop's
 * bell_fd. */
#ifndef EVW_BELLS_H
#define EVW_BELLS_H

#include <sys/types.h>

/* Lists fd as a doorbell of tid: 0 or -ENOMEM. */
int bells_add(pid_t tid, int fd);

/* Unlists fd: 1 if it was listed, 0 if not. */
int bells_take(int fd);

/* Unlists one doorbell of tid and returns its fd, -1 when none is left. */
int bells_take_owned(pid_t tid);

#endif
