#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "sighandler.h"
#include "sigtimer.h"
#include "timer.h"

static int sigtimer_settime(evw_loop *loop) {
  struct itimerspec spec;
  int rc = timer_absolute_spec(loop->sig.deadline_ns, &spec);
  if (rc < 0)
    return rc;
  return timer_settime(loop->sig.timer, TIMER_ABSTIME, &spec, NULL) == 0 ? 0 : -errno;
}

int sigtimer_create(evw_loop *loop) {
  if (loop->sig.timer_created)
    return 0;
  struct sigevent event;
  memset(&event, 0, sizeof event);
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = loop->sig.signo;
  event.sigev_value.sival_int = SIGHANDLER_TIMER_MARKER;
  event._sigev_un._tid = loop->owner_tid; /* sigev_notify_thread_id */
  if (timer_create(CLOCK_MONOTONIC, &event, &loop->sig.timer) != 0)
    return -errno;
  loop->sig.timer_created = 1;
  return loop->sig.deadline_ns >= 0 ? sigtimer_settime(loop) : 0;
}

void sigtimer_delete(evw_loop *loop) {
  if (!loop->sig.timer_created)
    return;
  timer_delete(loop->sig.timer);
  loop->sig.timer_created = 0;
}

int sigtimer_arm(evw_loop *loop, double deadline_ns) {
  if (deadline_ns != deadline_ns /* NaN */)
    return -EINVAL;
  loop->sig.deadline_ns = deadline_ns < 0 ? -1 : deadline_ns;
  return loop->sig.timer_created ? sigtimer_settime(loop) : 0;
}
