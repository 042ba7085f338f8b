#include <errno.h>
#include <pthread.h>

#include "sighandler.h"
#include "siginstall.h"

struct installed_signal {
  int refs;
  struct sys_sigsaved saved; /* the disposition found by the first reference */
};

static struct installed_signal installed[SYS_NSIG];
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;

enum sig_disposition siginstall_disposition(int signo) {
  int d = sys_sig_disposition(signo);
  return d == SYS_SIG_OURS      ? SIG_DISPOSITION_OURS
         : d == SYS_SIG_DEFAULT ? SIG_DISPOSITION_DEFAULT
                                : SIG_DISPOSITION_FOREIGN;
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
  int rc = sys_sigaction(signo, sighandler_fn, action_signo, &entry->saved);
  if (rc < 0)
    return rc;
  entry->refs = 1;
  return 0;
}

/* Called with the lock held. */
static void release_one(int signo) {
  struct installed_signal *entry = &installed[signo];
  if (entry->refs > 0 && --entry->refs == 0)
    sys_sigrestore(signo, &entry->saved);
}

int siginstall_acquire(int signo) {
  if (signo <= 0 || signo >= SYS_NSIG || signo == SYS_SIGIO)
    return -EINVAL;
  pthread_mutex_lock(&install_lock);
  int rc = install_one(signo, signo, 1);
  if (rc == 0) {
    rc = install_one(SYS_SIGIO, signo, 0);
    if (rc < 0)
      release_one(signo);
  }
  pthread_mutex_unlock(&install_lock);
  return rc;
}

void siginstall_release(int signo) {
  if (signo <= 0 || signo >= SYS_NSIG || signo == SYS_SIGIO)
    return;
  pthread_mutex_lock(&install_lock);
  release_one(SYS_SIGIO);
  release_one(signo);
  pthread_mutex_unlock(&install_lock);
}
