#include <errno.h>

#include "sighandler.h"
#include "sigtimer.h"
#include "timer.h"

static int sigtimer_settime(evw_loop *loop) {
  int64_t absolute;
  int rc = timer_absolute_ns(loop->sig.deadline_ns, &absolute);
  if (rc < 0)
    return rc;
  return sys_timer_set_abs(loop->sig.timer, absolute);
}

int sigtimer_create(evw_loop *loop) {
  if (loop->sig.timer_created)
    return 0;
  int rc = sys_timer_create(loop->sig.signo, loop->owner_tid, SIGHANDLER_TIMER_MARKER,
                            &loop->sig.timer);
  if (rc < 0)
    return rc;
  loop->sig.timer_created = 1;
  return loop->sig.deadline_ns >= 0 ? sigtimer_settime(loop) : 0;
}

void sigtimer_delete(evw_loop *loop) {
  if (!loop->sig.timer_created)
    return;
  sys_timer_delete(loop->sig.timer);
  loop->sig.timer_created = 0;
}

int sigtimer_arm(evw_loop *loop, double deadline_ns) {
  if (deadline_ns != deadline_ns /* NaN */)
    return -EINVAL;
  loop->sig.deadline_ns = deadline_ns < 0 ? -1 : deadline_ns;
  return loop->sig.timer_created ? sigtimer_settime(loop) : 0;
}
