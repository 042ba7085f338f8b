/* The signal handler of signal loops: the ring's producer on the owning JS
 * thread. Async-signal-safe only: it records the event in the ring of the
 * current thread's loop and rings the doorbell, or, when the code it
 * interrupted is in the loop's producer section, leaves it to that code
 * (sigdefer.h). Installed through sys_sigaction (SA_SIGINFO | SA_RESTART,
 * signo and SIGIO masked). */
#ifndef EVW_SIGHANDLER_H
#define EVW_SIGHANDLER_H

#include "loop.h"
#include "sys.h"

/* sival_int of the POSIX timer's signal. */
#define SIGHANDLER_TIMER_MARKER (-1)

void sighandler_fn(const struct sys_siginfo *info);

/* What the handler does with one signal of the loop's thread; also how
 * the JS thread records the signals it takes out of the signalfd itself
 * (direct_linux.c), where no handler runs. */
void sighandler_record(evw_loop *loop, const struct sys_siginfo *info);

/* What the handler does for each kind of signal, inside the producer
 * section (sigdefer.c replays deferred signals through them): an FD entry
 * for a registered fd that is ready now (a stale signal writes nothing), a
 * TIMER entry, a RESCAN entry; rescanRequested when the ring is full.
 * Async-signal-safe. */
void sighandler_fd(evw_loop *loop, int fd, long band);
void sighandler_timer(evw_loop *loop);
void sighandler_rescan(evw_loop *loop);

#endif
