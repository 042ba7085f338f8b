/* The calling thread's kernel id: the owner of a loop, the F_OWNER_TID of a
 * signal loop's fds, the key of the owner table. Async-signal-safe. */
#ifndef EVW_TID_H
#define EVW_TID_H

#include <sys/types.h>

#include "sys.h"

static inline pid_t current_tid(void) { return (pid_t)sys_gettid(); }

#endif
