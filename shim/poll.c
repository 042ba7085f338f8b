/* Poll mode: the JS thread itself is the producer, one epoll_wait(0) per
 * call, no doorbell (the caller drains right after). */
#include <errno.h>

#include "harvest.h"
#include "rearm.h"
#include "thread.h"

EVW_EXPORT int evw_loop_poll(evw_loop *loop) {
  if (loop == NULL)
    return -EINVAL;
  if (loop->signal_mode)
    return evw_loop_rescan(loop);
  /* The ring has one producer: while the progress thread runs, it is it. */
  if (thread_is_running(loop))
    return -EBUSY;
  rearm_retry_pending(loop);
  uint32_t space = ring_free_space(&loop->ring);
  if (space == 0)
    return 0; /* the caller drains, then polls again */
  int rc = harvest_events(loop, space, 0, 0);
  return rc == -EINTR ? 0 : rc;
}
