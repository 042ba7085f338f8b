/* evw_loop lifetime: creating its epoll set (and, threaded, its timerfd and
 * wake eventfd), registering them so users cannot claim them, and freeing it
 * all again: by evw_loop_free, or by the owning thread's cleanup hook
 * (napi_hook.c) for the loops JS left behind. */
#include <errno.h>
#include <stdlib.h>

#include "direct.h"
#include "loop.h"
#include "loops.h"
#include "mem.h"
#include "rearm.h"
#include "registry.h"
#include "sigloop.h"
#include "thread.h"
#include "tid.h"
#include "timer.h"
#include "wake.h"

static void close_if_open(int fd) {
  if (fd >= 0)
    sys_close(fd);
}

/* Releases the registry entries before closing, so that no fd number the
 * kernel may hand out again is still registered to this loop. */
static void loop_release_resources(evw_loop *loop) {
  direct_unwatch(loop); /* before its epoll fd or signalfd is closed */
  if (loop->signal_mode)
    sigloop_release(loop);
  registry_release_all(loop);
  close_if_open(loop->epoll_fd);
  close_if_open(loop->timer_fd);
  close_if_open(loop->wake_fd);
  rearm_release(loop);
  pthread_mutex_destroy(&loop->retry_lock);
  free(loop);
}

/* Registers an fd the loop created (so that evw_fd_add refuses it). */
static int loop_own_fd(evw_loop *loop, int fd_or_error, int *fd_slot) {
  if (fd_or_error < 0)
    return fd_or_error;
  *fd_slot = fd_or_error;
  return registry_claim_internal(fd_or_error, loop);
}

/* Transient failures (ENOMEM, EINTR) of the internal registrations are
 * retried this many times before loop creation fails. */
#define LOOP_WATCH_TRIES 64

/* Level-triggered: the thread reads each of them whenever epoll reports it. */
static int loop_watch_internal_fd(evw_loop *loop, int fd, uint64_t data) {
  int rc, tries = 0;
  do {
    rc = sys_epoll_ctl(loop->epoll_fd, SYS_EPOLL_CTL_ADD, fd, SYS_EPOLLIN, data);
  } while ((rc == -ENOMEM || rc == -EINTR) && ++tries < LOOP_WATCH_TRIES);
  return rc;
}

static int loop_create_fds(evw_loop *loop) {
  int rc = loop_own_fd(loop, sys_epoll_create(), &loop->epoll_fd);
  if (rc < 0 || !loop->threaded)
    return rc;
  rc = loop_own_fd(loop, timer_fd_create(), &loop->timer_fd);
  if (rc == 0)
    rc = loop_own_fd(loop, wake_fd_create(), &loop->wake_fd);
  /* The wake fd stays out of the set: Node's loop may watch the set
   * (direct.h), and would take the thread's wake-ups. */
  if (rc == 0)
    rc = loop_watch_internal_fd(loop, loop->timer_fd, LOOP_DATA_TIMER);
  return rc;
}

evw_loop *loop_fail(evw_loop *loop, int rc, int *err) {
  if (loop != NULL)
    loop_release_resources(loop);
  if (err != NULL)
    *err = rc;
  return NULL;
}

evw_loop *loop_alloc(uint8_t *mem, uint32_t ring_off, int bell_fd, int *rc) {
  *rc = 0;
  if (!mem_base_valid(mem))
    *rc = -EINVAL;
  else if (bell_fd >= 0 && sys_fcntl_getfd(bell_fd) < 0)
    *rc = -EBADF;
  if (*rc < 0)
    return NULL;
  evw_loop *loop = calloc(1, sizeof *loop);
  if (loop == NULL) {
    *rc = -ENOMEM;
    return NULL;
  }
  loop->mem = mem;
  loop->epoll_fd = loop->timer_fd = loop->wake_fd = loop->sig.signal_fd = -1;
  loop->owner_tid = current_tid();
  pthread_mutex_init(&loop->retry_lock, NULL);
  *rc = ring_attach(&loop->ring, mem, ring_off, bell_fd);
  if (*rc < 0) {
    loop_release_resources(loop);
    return NULL;
  }
  return loop;
}

evw_loop *loop_publish(evw_loop *loop, int *err) {
  loops_add(loop);
  if (err != NULL)
    *err = 0;
  return loop;
}

EVW_EXPORT evw_loop *evw_loop_new(uint8_t *mem, uint32_t ring_off, int bell_fd,
                                  int threaded, int *err) {
  int rc;
  evw_loop *loop = loop_alloc(mem, ring_off, bell_fd, &rc);
  if (loop == NULL)
    return loop_fail(NULL, rc, err);
  loop->threaded = threaded != 0;
  rc = loop_create_fds(loop);
  if (rc < 0)
    return loop_fail(loop, rc, err);
  return loop_publish(loop, err);
}

/* For an unlisted loop. */
static int loop_destroy(evw_loop *loop) {
  if (loop->threaded) {
    int rc = evw_loop_stop(loop);
    if (rc < 0)
      return rc; /* freeing under a running thread would be use-after-free */
  }
  loop_release_resources(loop);
  return 0;
}

EVW_EXPORT int evw_loop_free(evw_loop *loop) {
  if (loop == NULL)
    return -EINVAL;
  /* Unlisted first, so that the cleanup hook cannot free it a second time;
   * not listed: already freed (by that hook). */
  if (!loops_remove(loop))
    return -ENOENT;
  int rc = loop_destroy(loop);
  if (rc < 0)
    loops_add(loop); /* still alive: still the hook's to free */
  return rc;
}

int loop_free_all_owned_by(pid_t tid) {
  evw_loop *loop;
  int leaked = 0;
  /* A loop whose thread cannot be stopped is leaked rather than freed under
   * it (it is unlisted either way). */
  while ((loop = loops_pop_owned(tid)) != NULL)
    if (loop_destroy(loop) < 0)
      leaked++;
  return leaked;
}
