/* The doorbell: a non-blocking pipe whose read end Node's own event loop
 * watches (net.Socket); one byte wakes the JS thread. */
#ifndef EVW_DOORBELL_H
#define EVW_DOORBELL_H

#include <sys/types.h>

/* Writes one byte; async-signal-safe, never blocks. */
void doorbell_ring(int bell_fd);

/* The cleanup hook of thread tid, after its loops: unlists every doorbell
 * tid made and, if close_them, closes each write end that no live loop
 * rings; the others are left open for good (a loop that could not be
 * stopped may still write to them). */
void doorbell_release_owned(pid_t tid, int close_them);

#endif
