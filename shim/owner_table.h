/* The signal loop of each thread, found by the signal handler without a
 * lock: a fixed table of (tid, loop). Only a thread itself enters or
 * removes its own entry (with its signals blocked), and the handler only
 * looks up the tid of the thread it runs on, so an entry never changes
 * under a lookup that matches it. */
#ifndef EVW_OWNER_TABLE_H
#define EVW_OWNER_TABLE_H

#include <sys/types.h>

#include "evwheel.h"

/* Threads that can hold a signal loop at the same time. */
#define OWNER_TABLE_SIZE 1024

/* -EEXIST if tid already has a loop, -EAGAIN if the table is full. */
int owner_table_insert(pid_t tid, evw_loop *loop);

void owner_table_remove(pid_t tid);

/* Async-signal-safe; NULL when tid has no signal loop. */
evw_loop *owner_table_lookup(pid_t tid);

#endif
