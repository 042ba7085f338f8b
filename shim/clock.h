/* The shim's clock: CLOCK_MONOTONIC nanoseconds, relative to when the
 * library was loaded so that the value fits a double exactly (2^53 ns). */
#ifndef EVW_CLOCK_H
#define EVW_CLOCK_H

#include <stdint.h>

int64_t clock_monotonic_ns(void);   /* absolute CLOCK_MONOTONIC */
int64_t clock_epoch_ns(void);       /* CLOCK_MONOTONIC at load */
int64_t clock_since_epoch_ns(void); /* what evw_clock_ns returns, as an integer */
void clock_set_epoch(int64_t ns);   /* once, before any export is called */

#endif
