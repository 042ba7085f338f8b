/* The simulation has no Node loop to watch epoll sets: evw_loop_watch is
 * refused as it is outside Node, and the progress step is the producer. */
#include <errno.h>

#include "../shim/direct.h"

EVW_EXPORT int evw_loop_watch(evw_loop *loop) {
  if (loop == NULL || !loop->threaded)
    return -EINVAL;
  return -ENOTSUP;
}

void direct_unwatch(evw_loop *loop) { (void)loop; }
