/* The SA_SIGINFO handler of signal loops: the ring's producer on the
 * owning JS thread. Async-signal-safe only: it records the event in the
 * ring of the current thread's loop and rings the doorbell. */
#ifndef EVW_SIGHANDLER_H
#define EVW_SIGHANDLER_H

#include <signal.h>

/* sival_int of the POSIX timer's signal. */
#define SIGHANDLER_TIMER_MARKER (-1)

/* The action to install for signo (SA_SIGINFO | SA_RESTART, signo and
 * SIGIO in sa_mask). */
void sighandler_action(int signo, struct sigaction *action);

/* 1 if action is the shim's handler. */
int sighandler_is_ours(const struct sigaction *action);

#endif
