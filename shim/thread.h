/* The progress thread of a threaded loop. */
#ifndef EVW_THREAD_H
#define EVW_THREAD_H

#include "loop.h"

/* 1 while the loop's progress thread runs (it is then the ring's only
 * producer). */
int thread_is_running(const evw_loop *loop);

#endif
