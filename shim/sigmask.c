#include "sigmask.h"

sys_sigset_t sigmask_set_of(int signo) { return sys_sigbit(signo) | sys_sigbit(SYS_SIGIO); }

void sigmask_block(int signo, sys_sigset_t *previous) {
  sys_sigset_t set = sigmask_set_of(signo);
  sys_sigmask(SYS_SIG_BLOCK, &set, previous);
}

void sigmask_restore(const sys_sigset_t *previous) {
  sys_sigmask(SYS_SIG_SETMASK, previous, NULL);
}

void sigmask_unblock(int signo) {
  sys_sigset_t set = sigmask_set_of(signo);
  sys_sigmask(SYS_SIG_UNBLOCK, &set, NULL);
}
