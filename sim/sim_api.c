/* The sim module's own exports (docs/INTERNALS.md, "Sim module exports"):
 * setup, the simulated application's syscalls, the virtual clock. */
#include "../shim/clock.h"
#include "../shim/evwheel.h"
#include "kernel.h"

/* Once per module instance, before any other call. */
EVW_EXPORT void sim_init(uint32_t seed, double eintr, double enomem, double spurious,
                         int signal_queue) {
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

EVW_EXPORT double sim_next_timer(void) { return sim_next_expiry(); }

EVW_EXPORT void sim_set_now(double ns) {
  if (ns == ns && ns >= 0)
    sim_advance((int64_t)ns);
}

/* After `after` more system calls of the shim return, one byte written to
 * fd and the signals it raises delivered (inject.c). */
EVW_EXPORT int sim_inject_write(int fd, int after) { return sim_inject_add(fd, after); }

EVW_EXPORT int sim_injections_pending(void) { return sim_inject_count(); }
