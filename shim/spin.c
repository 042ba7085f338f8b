/* Busy-polling for threaded loops: after each batch it publishes, the
 * progress thread can keep polling (epoll_wait with timeout 0) for a while
 * instead of sleeping. An event that comes meanwhile is fetched without
 * waking a sleeping thread, which on a machine whose idle CPUs halt (a VM)
 * costs tens of microseconds; the price is a CPU kept busy for the window.
 * Off (0) unless JS asks (evw_loop_set_spin). The window runs on the real
 * clock: only the Linux thread spins (thread_linux.c), never the sim's
 * scheduler, whose clock does not move while it polls. */
#include <errno.h>

#include "sys.h"
#include "thread.h"

/* The longest window JS may ask for: 1 s. */
#define SPIN_MAX_NS 1e9

EVW_EXPORT int evw_loop_set_spin(evw_loop *loop, double ns) {
  if (loop == NULL || !loop->threaded || !(ns >= 0 && ns <= SPIN_MAX_NS))
    return -EINVAL;
  __atomic_store_n(&loop->spin_ns, (int64_t)ns, __ATOMIC_RELAXED);
  return 0;
}

void spin_renew(evw_loop *loop) { loop->spin_since_ns = sys_clock_ns(); }

/* The window is read afresh on every turn: when JS shortens it (the
 * context that asked for the longest one closed) or turns it off, a window
 * already open ends accordingly. */
static int spin_window_open(const evw_loop *loop) {
  int64_t spin = __atomic_load_n(&loop->spin_ns, __ATOMIC_RELAXED);
  return spin > 0 && sys_clock_ns() - loop->spin_since_ns < spin;
}

int progress_spin(evw_loop *loop) {
  while (spin_window_open(loop) && !__atomic_load_n(&loop->stop_requested, __ATOMIC_ACQUIRE)) {
    int rc = progress_poll(loop);
    if (rc < 0)
      return rc;
    if (rc > 0)
      spin_renew(loop);
    else
      sys_cpu_relax();
  }
  return 0;
}
