/* The signal handler of signal loops: the ring's producer on the owning JS
 * thread. Async-signal-safe only: it records the event in the ring of the
 * current thread's loop and rings the doorbell. Installed through
 * sys_sigaction (SA_SIGINFO | SA_RESTART, signo and SIGIO masked). */
#ifndef EVW_SIGHANDLER_H
#define EVW_SIGHANDLER_H

#include "sys.h"

/* sival_int of the POSIX timer's signal. */
#define SIGHANDLER_TIMER_MARKER (-1)

void sighandler_fn(const struct sys_siginfo *info);

#endif
