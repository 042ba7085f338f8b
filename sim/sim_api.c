/* The sim module's own exports (docs/INTERNALS.md, "Sim module exports"):
 * setup, the simulated application's syscalls, the virtual clock. */
#include <errno.h>
#include <stdint.h>

#include "../shim/clock.h"
#include "../shim/evwheel.h"
#include "kernel.h"

/* The ends of the advance() calls in progress, innermost last: a callback
 * may advance time itself. Kept here in int64 because JS's doubles cannot
 * name every nanosecond past 2^53 (104 days). */
#define SIM_ADVANCE_DEPTH 64
static int64_t advance_targets[SIM_ADVANCE_DEPTH];
static int advance_depth;

/* Once per module instance, before any other call. */
EVW_EXPORT void sim_init(uint32_t seed, double eintr, double enomem, double spurious,
                         int signal_queue) {
  advance_depth = 0;
  sim_kernel_reset(seed, eintr, enomem, spurious, signal_queue);
  clock_set_epoch(0); /* evw_clock_ns() is the virtual clock */
}

EVW_EXPORT int sim_pipe(int *fds) { return sim_kpipe(fds); }

EVW_EXPORT int sim_write(int fd, const uint8_t *buf, int len) {
  return len < 0 ? -EINVAL : (int)sim_kwrite(fd, buf, (uint32_t)len);
}

EVW_EXPORT int sim_read(int fd, uint8_t *buf, int len) {
  return len < 0 ? -EINVAL : (int)sim_kread(fd, buf, (uint32_t)len);
}

EVW_EXPORT int sim_close(int fd) { return sim_kclose(fd); }

EVW_EXPORT double sim_now(void) { return (double)sim_now_ns(); }

/* The earliest timer expiry (absolute virtual ns), -1 if none; and moving
 * the clock to a given time (never backwards). For tests of the module: a
 * double names every nanosecond only below 2^53, so advance() uses the
 * three calls below instead. */
EVW_EXPORT double sim_next_timer(void) { return (double)sim_next_expiry(); }

EVW_EXPORT void sim_set_now(double ns) {
  if (ns == ns && ns >= 0 && ns < 9.0e18)
    sim_advance((int64_t)ns);
}

/* Virtual time stays below 2^62 ns (146 years): the shim arms no timer
 * later than that (shim/timer.c), so a deadline beyond could never be met. */
#define SIM_MAX_NOW_NS (INT64_MAX / 2)

/* Starts an advance by `delta_ns` (rounded to the nanosecond): -EINVAL if
 * negative or past SIM_MAX_NOW_NS, -EBUSY when nested too deep. */
EVW_EXPORT int sim_advance_begin(double delta_ns) {
  if (!(delta_ns >= 0) || delta_ns >= 9.0e18)
    return -EINVAL;
  int64_t delta = (int64_t)(delta_ns + 0.5);
  if (delta >= SIM_MAX_NOW_NS - sim_now_ns())
    return -EINVAL;
  if (advance_depth == SIM_ADVANCE_DEPTH)
    return -EBUSY;
  advance_targets[advance_depth++] = sim_now_ns() + delta;
  return 0;
}

/* Moves virtual time to the earliest timer expiry if it is due by the end
 * of the innermost advance (never backwards) and returns 1; 0 if none is,
 * changing nothing. A time rounded below an expiry would never reach it:
 * this is why the step is taken here. */
EVW_EXPORT int sim_step_to_timer(void) {
  int64_t next = sim_next_expiry();
  if (advance_depth == 0 || next < 0 || next > advance_targets[advance_depth - 1])
    return 0;
  if (next > sim_now_ns())
    sim_advance(next);
  return 1;
}

/* Ends the innermost advance; with `move`, virtual time goes to its end
 * (returns 1 if it moved). Without (the advance failed), it stays. */
EVW_EXPORT int sim_advance_end(int move) {
  if (advance_depth == 0)
    return 0;
  int64_t target = advance_targets[--advance_depth];
  if (!move || target <= sim_now_ns())
    return 0;
  sim_advance(target);
  return 1;
}

/* After `after` more system calls of the shim return, one byte written to
 * fd and the signals it raises delivered (inject.c). */
EVW_EXPORT int sim_inject_write(int fd, int after) { return sim_inject_add(fd, after); }

EVW_EXPORT int sim_injections_pending(void) { return sim_inject_count(); }
