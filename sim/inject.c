/* Writes injected into the middle of the shim's calls: what another thread
 * of the simulated application does while the shim runs, at a chosen
 * system call of the shim. Every sys_* of sys_sim.c returns through
 * sim_syscall_return; when a write is due there, it is made, and the
 * signals pending and unblocked then are delivered before the call returns,
 * as Linux delivers a signal on the way back to user space. That is how a
 * test puts a signal at any point of a re-arm pass, or of the handler. */
#include "kernel.h"

#define SIM_MAX_INJECTIONS 1024

struct injection {
  int fd;
  int after; /* system calls to return before this one writes */
};

static struct injection injections[SIM_MAX_INJECTIONS];
static int injection_count;

void sim_inject_reset(void) { injection_count = 0; }

int sim_inject_add(int fd, int after) {
  if (after < 0)
    return -EINVAL;
  if (injection_count == SIM_MAX_INJECTIONS)
    return -EAGAIN;
  injections[injection_count++] = (struct injection){.fd = fd, .after = after};
  return 0;
}

int sim_inject_count(void) { return injection_count; }

/* Makes the writes due now, in the order they were injected; the others
 * come one system call closer. Returns the writes made. */
static int sim_inject_due(void) {
  static const uint8_t byte = 'i';
  int kept = 0, made = 0;
  for (int i = 0; i < injection_count; i++) {
    if (injections[i].after-- > 0) {
      injections[kept++] = injections[i];
      continue;
    }
    sim_kwrite(injections[i].fd, &byte, 1); /* a closed fd or a full pipe: nothing written */
    made++;
  }
  injection_count = kept;
  return made;
}

long sim_syscall_return(long rc) {
  if (injection_count > 0 && sim_inject_due() > 0)
    sim_deliver_signals();
  return rc;
}
