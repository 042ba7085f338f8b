/* The signal loop of each thread, found by the signal handler without a
 * lock: a fixed table of (tid, thread, loop). Only a thread itself enters
 * or removes its own entry (with its signals blocked), and the handler only
 * looks up the thread it runs on, so an entry never changes under a lookup
 * that matches it. The handler looks up sys_thread_self(), not the tid: no
 * system call per signal. */
#ifndef EVW_OWNER_TABLE_H
#define EVW_OWNER_TABLE_H

#include <stdint.h>
#include <sys/types.h>

#include "evwheel.h"

/* Threads that can hold a signal loop at the same time. */
#define OWNER_TABLE_SIZE 1024

/* Call on the thread tid: its sys_thread_self() is entered too. -EEXIST if
 * tid already has a loop, -EAGAIN if the table is full. */
int owner_table_insert(pid_t tid, evw_loop *loop);

void owner_table_remove(pid_t tid);

/* The loop of the calling thread, NULL if it has none. Async-signal-safe,
 * no system call. */
evw_loop *owner_table_lookup_self(void);

#endif
