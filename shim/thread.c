/* evw_loop_start / evw_loop_stop: signal loops (sigloop.h) or the progress
 * thread of a threaded loop (the platform's progress_thread_*). */
#include <errno.h>

#include "sigloop.h"
#include "thread.h"

int thread_is_running(const evw_loop *loop) {
  return __atomic_load_n(&loop->thread_running, __ATOMIC_ACQUIRE);
}

EVW_EXPORT int evw_loop_start(evw_loop *loop) {
  if (loop != NULL && loop->signal_mode)
    return sigloop_start(loop);
  if (loop == NULL || !loop->threaded)
    return -EINVAL;
  return progress_thread_start(loop);
}

EVW_EXPORT int evw_loop_stop(evw_loop *loop) {
  if (loop != NULL && loop->signal_mode)
    return sigloop_stop(loop);
  if (loop == NULL || !loop->threaded)
    return -EINVAL;
  return progress_thread_stop(loop);
}
