/* The sim's progress "threads" and its scheduler: a started threaded loop
 * is stepped (progress_step, as a blocking wait) by sim_run, which also
 * delivers the simulated thread's unblocked pending signals, until nothing
 * changes. Order is fixed: the list of live loops (loops.c), then signals
 * (lowest number first, FIFO). */
#include "../shim/evwheel.h"
#include "../shim/loops.h"
#include "../shim/thread.h"
#include "kernel.h"

/* A safety net: a run that keeps changing (faults drawn with a
 * probability close to 1) stops after this many rounds. */
#define SIM_RUN_MAX_ROUNDS 100000

int progress_thread_start(evw_loop *loop) {
  __atomic_store_n(&loop->thread_running, 1, __ATOMIC_RELEASE);
  return 0;
}

int progress_thread_stop(evw_loop *loop) {
  __atomic_store_n(&loop->thread_running, 0, __ATOMIC_RELEASE);
  return 0;
}

static int run_total, round_changed;

static void step_loop(evw_loop *loop) {
  if (!loop->threaded || !thread_is_running(loop))
    return;
  /* -1: the step stands for a thread sleeping in epoll_wait, so it suffers
   * the faults of a blocking wait; the simulated kernel returns at once. */
  int rc = progress_step(loop, -1);
  if (rc > 0) {
    run_total += rc;
    round_changed = 1;
  }
  if (loop->retry_count > 0)
    round_changed = 1; /* re-arms still kept: the next step retries */
}

EVW_EXPORT int sim_run(void) {
  run_total = 0;
  for (int round = 0; round < SIM_RUN_MAX_ROUNDS; round++) {
    uint32_t faults = sim_faults_injected;
    round_changed = 0;
    loops_for_each(step_loop);
    int delivered = sim_deliver_signals();
    if (delivered > 0) {
      run_total += delivered;
      round_changed = 1;
    }
    if (sim_faults_injected != faults)
      round_changed = 1; /* an EINTR or a spurious wake-up hid something */
    if (!round_changed)
      break;
  }
  return run_total;
}
