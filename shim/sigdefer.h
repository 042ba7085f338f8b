/* The producer section of a signal loop (docs/INTERNALS.md, "Signal
 * loops"): one producer at a time for its ring and its fds' arming,
 * without blocking the signal unless one comes.
 *
 * Every party runs on the owning thread: the re-arm pass (and the other
 * owning-thread producers) and the signal handler, which the kernel only
 * runs on that thread (F_OWNER_TID, SIGEV_THREAD_ID; a signal that reaches
 * another thread finds that thread's loop, or none). So the handler never
 * runs beside the section, only inside it, to completion: a plain flag
 * read and written with signal fences is a lock it can test.
 *
 * A handler that finds the section taken records what it got here, and
 * returns with the loop's signals blocked: the ones that follow wait in the
 * kernel's queue, as behind a mask taken for the whole section, instead of
 * interrupting the section one by one (which, under a flood, made a long
 * re-arm pass longer and so let more come). Whoever leaves the section
 * replays what was recorded, then unblocks, and the queued signals are
 * handled at once: exactly what a mask would have done. A section that no
 * signal meets makes no system call; one that meets one makes one. No
 * lock, no allocation: async-signal-safe. */
#ifndef EVW_SIGDEFER_H
#define EVW_SIGDEFER_H

#include "loop.h"

/* Takes the section: 1, or 0 when it is taken already (by the code this
 * handler interrupted). */
int sigdefer_enter(evw_loop *loop);

/* Leaves the section after replaying what handlers deferred meanwhile
 * (sighandler.h), until nothing is left, and unblocks what they blocked. */
void sigdefer_leave(evw_loop *loop);

/* A handler that found the section taken, with the context it interrupted
 * (sys_siginfo.context). An fd signal or the timer's (the loop's own
 * number), or SIGIO: recorded, and the loop's signals blocked in that
 * context, so no other of them comes before the section is left (one fd
 * signal at most per section). Any other signal (a process's, another
 * loop's number): context NULL, only the rescan flag, which needs no care
 * about being interrupted. */
void sigdefer_fd(evw_loop *loop, int fd, long band, void *context);
void sigdefer_timer(evw_loop *loop, void *context);
void sigdefer_rescan(evw_loop *loop, void *context);

#endif
