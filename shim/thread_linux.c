/* Linux only: the progress thread is a pthread looping on progress_step,
 * and at process exit every thread still running is stopped and joined
 * (found through the list of live loops, loops.c), so none writes into
 * memory that exit is tearing down. Also the clock's epoch, taken at load. */
#define _GNU_SOURCE /* pthread_setname_np */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "clock.h"
#include "loops.h"
#include "thread.h"
#include "wake.h"

/* Guards thread_running and exiting. Held across pthread_join: the
 * progress thread never takes it, so this cannot deadlock, and it makes
 * concurrent stops (a worker and exit) join once. */
static pthread_mutex_t started_lock = PTHREAD_MUTEX_INITIALIZER;
static int exiting; /* no new thread once exit has begun */

static int stop_requested(evw_loop *loop) {
  return __atomic_load_n(&loop->stop_requested, __ATOMIC_ACQUIRE);
}

/* The name shows in /proc/<pid>/task/<tid>/comm, top -H and gdb: it lets
 * tests (and users hunting a stray thread) count exactly ours. Set by the
 * creator, so the thread is named by the time evw_loop_start returns. */
#define PROGRESS_THREAD_NAME "evw-progress"

static void *progress_thread_main(void *arg) {
  evw_loop *loop = arg;
  while (!stop_requested(loop)) {
    /* Any error means the epoll fd itself is unusable: leaving beats
     * spinning. The loop's owner still stops and joins normally. */
    if (progress_step(loop, -1) < 0)
      break;
  }
  return NULL;
}

/* Called with started_lock held. */
static int thread_start_locked(evw_loop *loop) {
  if (exiting)
    return -ESHUTDOWN;
  if (loop->thread_running)
    return 0;
  __atomic_store_n(&loop->stop_requested, 0, __ATOMIC_RELEASE);
  /* The thread inherits the creator's signal mask: create it with every
   * signal blocked so that process signals keep going to the JS thread. */
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  int rc = pthread_create(&loop->thread, NULL, progress_thread_main, loop);
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
  if (rc != 0)
    return -rc;
  pthread_setname_np(loop->thread, PROGRESS_THREAD_NAME);
  __atomic_store_n(&loop->thread_running, 1, __ATOMIC_RELEASE);
  return 0;
}

/* Called with started_lock held. */
static int thread_stop_locked(evw_loop *loop) {
  if (!loop->thread_running)
    return 0;
  /* The flag first: the thread checks it after every wake-up. */
  __atomic_store_n(&loop->stop_requested, 1, __ATOMIC_RELEASE);
  int rc = wake_signal(loop->wake_fd);
  if (rc < 0)
    return rc; /* without the wake the join could hang forever */
  pthread_join(loop->thread, NULL);
  __atomic_store_n(&loop->thread_running, 0, __ATOMIC_RELEASE);
  return 0;
}

int progress_thread_start(evw_loop *loop) {
  pthread_mutex_lock(&started_lock);
  int rc = thread_start_locked(loop);
  pthread_mutex_unlock(&started_lock);
  return rc;
}

int progress_thread_stop(evw_loop *loop) {
  pthread_mutex_lock(&started_lock);
  int rc = thread_stop_locked(loop);
  pthread_mutex_unlock(&started_lock);
  return rc;
}

static void stop_thread_at_exit(evw_loop *loop) {
  pthread_mutex_lock(&started_lock);
  exiting = 1;
  thread_stop_locked(loop); /* a thread it cannot wake is left: exit ends it */
  pthread_mutex_unlock(&started_lock);
}

static void stop_all_threads_at_exit(void) {
  pthread_mutex_lock(&started_lock);
  exiting = 1;
  pthread_mutex_unlock(&started_lock);
  loops_for_each(stop_thread_at_exit);
}

/* The epoch at dlopen time, before any export can be called, so every
 * reader sees the same epoch without synchronisation. atexit rather than a
 * destructor: registered when the library is loaded, so it runs before the
 * destructors of everything loaded earlier (Node and V8 included) while the
 * shared memory is still mapped. */
__attribute__((constructor)) static void platform_linux_init(void) {
  clock_set_epoch(sys_clock_ns());
  atexit(stop_all_threads_at_exit);
}
