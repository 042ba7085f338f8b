#include <pthread.h>

#include "sigmask.h"

void sigmask_set_of(int signo, sigset_t *set) {
  sigemptyset(set);
  sigaddset(set, signo);
  sigaddset(set, SIGIO);
}

void sigmask_block(int signo, sigset_t *previous) {
  sigset_t set;
  sigmask_set_of(signo, &set);
  pthread_sigmask(SIG_BLOCK, &set, previous);
}

void sigmask_restore(const sigset_t *previous) { pthread_sigmask(SIG_SETMASK, previous, NULL); }

void sigmask_unblock(int signo) {
  sigset_t set;
  sigmask_set_of(signo, &set);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}
