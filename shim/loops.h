/* The list of every live loop of the process, each with its owner tid, so
 * that a JS thread's environment teardown can free the loops it left behind
 * (napi_hook.c), and so that evw_loop_free can tell a live loop from one
 * already freed. */
#ifndef EVW_LOOPS_H
#define EVW_LOOPS_H

#include <sys/types.h>

#include "loop.h"

void loops_add(evw_loop *loop);

/* Unlinks loop: 1 if it was listed, 0 if not (already freed). */
int loops_remove(evw_loop *loop);

/* Unlinks and returns one loop owned by tid, NULL when none is left. */
evw_loop *loops_pop_owned(pid_t tid);

/* Calls fn for every live loop, with the list locked (fn must not free). */
void loops_for_each(void (*fn)(evw_loop *loop));

/* 1 if a live loop rings bell_fd (bell_fd >= 0), else 0. */
int loops_bell_in_use(int bell_fd);

/* The signal of the first live signal loop, 0 if there is none. */
int loops_signal_in_use(void);

/* The signalfd watch of signal loops (direct.h) is for the process's only
 * signal loop: every signal of the process wakes every signalfd watcher.
 * With the list locked: when loop is the only signal loop listed, marks it
 * watching and returns 1; else calls ask(other) for every other loop that
 * is watching (to make it stop) and returns 0. */
int loops_begin_signal_watch(evw_loop *loop, void (*ask)(evw_loop *other));

/* Unmarks it, with the list locked: no loop asks it any more. */
void loops_end_signal_watch(evw_loop *loop);

/* Frees every loop owned by tid (loop.c): the cleanup hook of that thread.
 * Returns how many it had to leak (unlisted, their thread still running). */
int loop_free_all_owned_by(pid_t tid);

#endif
