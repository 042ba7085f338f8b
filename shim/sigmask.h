/* The owning thread's mask where it changes what the handler reads
 * outside the producer section (the fd table: add, remove, free) and where
 * queued signals are flushed (stop, rescan): with the loop's signal and
 * SIGIO blocked, that handler cannot run in the middle. The hot path, the
 * re-arm pass after each batch, does without it (sigdefer.h). */
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
