/* The owning thread's mask around its own ring writes (poll checks,
 * rescan, stop, free): with the loop's signal and SIGIO blocked, the
 * handler cannot run in the middle, so the ring keeps one producer. */
#ifndef EVW_SIGMASK_H
#define EVW_SIGMASK_H

#include "sys.h"

/* Blocks signo and SIGIO; *previous receives the mask to restore. */
void sigmask_block(int signo, sys_sigset_t *previous);

void sigmask_restore(const sys_sigset_t *previous);

/* Unblocks signo and SIGIO for good (Node starts workers with every signal
 * blocked; the handler ignores threads without a loop). */
void sigmask_unblock(int signo);

/* The set {signo, SIGIO}. */
sys_sigset_t sigmask_set_of(int signo);

#endif
