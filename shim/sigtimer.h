/* The POSIX timer of a signal loop: one per owning thread, CLOCK_MONOTONIC,
 * SIGEV_THREAD_ID to the owner with the loop's signal and the timer marker
 * as sival_int; armed one-shot at an absolute deadline. It exists while the
 * loop is started; the last deadline asked for is kept across a stop. */
#ifndef EVW_SIGTIMER_H
#define EVW_SIGTIMER_H

#include "loop.h"

/* Creates the timer and arms it at the kept deadline, if any. */
int sigtimer_create(evw_loop *loop);

void sigtimer_delete(evw_loop *loop);

/* evw_loop_arm_timer for signal loops: < 0 disarms, NaN is -EINVAL. */
int sigtimer_arm(evw_loop *loop, double deadline_ns);

#endif
