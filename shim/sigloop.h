/* Signal loops (docs/INTERNALS.md, "Signal loops"): one per JS thread, no
 * thread and no epoll set; the kernel signals the owning thread and the
 * handler (sighandler.c) fills the ring. */
#ifndef EVW_SIGLOOP_H
#define EVW_SIGLOOP_H

#include "loop.h"

/* evw_loop_start: installs the dispositions, creates the timer, turns
 * O_ASYNC on and reports the fds that are ready already. */
int sigloop_start(evw_loop *loop);

/* evw_loop_stop: O_ASYNC off, timer deleted, this thread's queued signals
 * flushed, the dispositions released (the last user restores them). */
int sigloop_stop(evw_loop *loop);

/* Part of freeing, after the direct watch closed: stops, restores every fd,
 * leaves the owner table, closes the signalfd and unblocks the signals the
 * watch kept blocked. Call on the owning thread. */
void sigloop_release(evw_loop *loop);

/* Reads and discards every queued signo and SIGIO signal of the calling
 * thread. Call with them blocked. */
void sigloop_flush(evw_loop *loop);

#endif
