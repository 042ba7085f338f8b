#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "sighandler.h"
#include "siginstall.h"

struct installed_signal {
  int refs;
  struct sigaction saved; /* the disposition found by the first reference */
};

static struct installed_signal installed[_NSIG];
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;

enum sig_disposition siginstall_disposition(int signo) {
  struct sigaction current;
  if (sigaction(signo, NULL, &current) != 0)
    return SIG_DISPOSITION_FOREIGN;
  if (sighandler_is_ours(&current))
    return SIG_DISPOSITION_OURS;
  if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_DFL)
    return SIG_DISPOSITION_DEFAULT;
  return SIG_DISPOSITION_FOREIGN;
}

/* Called with the lock held. */
static int install_one(int signo, int action_signo, int refuse_foreign) {
  struct installed_signal *entry = &installed[signo];
  if (entry->refs > 0) {
    entry->refs++;
    return 0;
  }
  if (refuse_foreign && siginstall_disposition(signo) == SIG_DISPOSITION_FOREIGN)
    return -EBUSY;
  struct sigaction action;
  sighandler_action(action_signo, &action);
  if (sigaction(signo, &action, &entry->saved) != 0)
    return -errno;
  entry->refs = 1;
  return 0;
}

/* Called with the lock held. */
static void release_one(int signo) {
  struct installed_signal *entry = &installed[signo];
  if (entry->refs > 0 && --entry->refs == 0)
    sigaction(signo, &entry->saved, NULL);
}

int siginstall_acquire(int signo) {
  if (signo <= 0 || signo >= _NSIG || signo == SIGIO)
    return -EINVAL;
  pthread_mutex_lock(&install_lock);
  int rc = install_one(signo, signo, 1);
  if (rc == 0) {
    rc = install_one(SIGIO, signo, 0);
    if (rc < 0)
      release_one(signo);
  }
  pthread_mutex_unlock(&install_lock);
  return rc;
}

void siginstall_release(int signo) {
  if (signo <= 0 || signo >= _NSIG || signo == SIGIO)
    return;
  pthread_mutex_lock(&install_lock);
  release_one(SIGIO);
  release_one(signo);
  pthread_mutex_unlock(&install_lock);
}
