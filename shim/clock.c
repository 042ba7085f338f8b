#include "clock.h"
#include "evwheel.h"
#include "sys.h"

/* Set once before any export can be called: by a constructor at dlopen
 * time on Linux (platform_linux.c), by sim_init in the sim (0: the virtual
 * clock starts at the epoch). */
static int64_t epoch_ns;

void clock_set_epoch(int64_t ns) { epoch_ns = ns; }

int64_t clock_monotonic_ns(void) { return sys_clock_ns(); }

int64_t clock_epoch_ns(void) { return epoch_ns; }

int64_t clock_since_epoch_ns(void) { return clock_monotonic_ns() - epoch_ns; }

EVW_EXPORT double evw_clock_ns(void) { return (double)clock_since_epoch_ns(); }
