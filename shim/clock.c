#include <time.h>

#include "clock.h"
#include "evwheel.h"

static int64_t epoch_ns;

int64_t clock_monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail for this clock id */
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Runs at dlopen time, before any export can be called, so every reader
 * sees the same epoch without synchronisation. */
__attribute__((constructor)) static void clock_init_epoch(void) {
  epoch_ns = clock_monotonic_ns();
}

int64_t clock_epoch_ns(void) { return epoch_ns; }

int64_t clock_since_epoch_ns(void) { return clock_monotonic_ns() - epoch_ns; }

EVW_EXPORT double evw_clock_ns(void) { return (double)clock_since_epoch_ns(); }
