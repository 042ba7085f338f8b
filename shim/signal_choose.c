/* Which realtime signal a new signal loop uses. */
#include <errno.h>

#include "evwheel.h"
#include "loops.h"
#include "siginstall.h"
#include "sys.h"

static int is_realtime(int signo) { return signo >= sys_sigrtmin() && signo <= sys_sigrtmax(); }

/* A signal is usable when nobody else handles or ignores it. */
static int is_usable(int signo) {
  return siginstall_disposition(signo) != SIG_DISPOSITION_FOREIGN;
}

static int choose_default(void) {
  /* One signal for the whole process where possible: the one a live signal
   * loop already uses (installed or about to be). */
  int in_use = loops_signal_in_use();
  if (in_use != 0)
    return in_use;
  for (int signo = sys_sigrtmin(); signo <= sys_sigrtmax(); signo++)
    if (siginstall_disposition(signo) == SIG_DISPOSITION_DEFAULT)
      return signo;
  return -EAGAIN;
}

EVW_EXPORT int evw_signal_choose(int requested) {
  if (requested == 0)
    return choose_default();
  if (!is_realtime(requested))
    return -EINVAL;
  return is_usable(requested) ? requested : -EBUSY;
}
