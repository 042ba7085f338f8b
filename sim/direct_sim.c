/* The simulation has no Node loop to watch epoll sets or signalfds:
 * evw_loop_watch is refused as it is outside Node, and the progress step
 * (or the signal handler) is the producer. */
#include <errno.h>

#include "../shim/direct.h"

EVW_EXPORT int evw_loop_watch(evw_loop *loop) {
  if (loop == NULL || (!loop->threaded && !loop->signal_mode))
    return -EINVAL;
  return -ENOTSUP;
}

/* Nothing watches here: the producers publish by themselves. */
EVW_EXPORT int evw_loop_fetch(evw_loop *loop) {
  if (loop == NULL || (!loop->threaded && !loop->signal_mode))
    return -EINVAL;
  return 0;
}

void direct_unwatch(evw_loop *loop) { (void)loop; }
