/* The body of the progress thread, shared by both builds: epoll_wait into
 * the ring, doorbell to the JS thread, unless Node's own loop watches the
 * epoll set (direct.h): then the JS thread fetches, and the thread only
 * applies re-arms handed over to it. It never calls into JS (koffi would
 * block it until the JS thread runs the callback: deadlocks at exit, stalls
 * under load). */
#include <errno.h>

#include "harvest.h"
#include "rearm.h"
#include "sys.h"
#include "thread.h"
#include "wake.h"

/* While re-arms wait for a retry, the thread does not sleep longer than
 * this: the retry is what makes those fds report again. */
#define PROGRESS_RETRY_TIMEOUT_MS 1

/* Sleeps on the wake eventfd only (not on epoll, whose readiness we could
 * not or must not fetch now) until the consumer wakes us or a stop. */
static void sleep_on_wake(evw_loop *loop, int timeout_ms) {
  struct sys_pollfd wake = {.fd = loop->wake_fd, .events = SYS_POLLIN};
  int rc;
  do {
    rc = sys_poll(&wake, 1, timeout_ms);
  } while (rc == -EINTR);
  if (rc > 0)
    wake_consume(loop->wake_fd);
}

/* The ring is full: sleep until the consumer frees space. */
static void wait_for_space(evw_loop *loop, int timeout_ms) {
  if (ring_announce_waiting(&loop->ring) == 0)
    sleep_on_wake(loop, timeout_ms);
}

/* Fd events were published and JS is not done with them yet: epoll would
 * report the undrained fds again at once, so sleep until JS's batch is done
 * (loopBatchDone, then evw_loop_wake). Timers wait too: JS, busy with the
 * batch, could not run them earlier anyway. */
static void wait_for_finish(evw_loop *loop, int timeout_ms) {
  if (!ring_announce_finish_wait(&loop->ring))
    sleep_on_wake(loop, timeout_ms);
}

/* Sleeps until the epoll set has something ready or the thread is woken
 * (the wake fd is not in the set: Node's loop may watch the set, and must
 * not take the thread's wake-ups). Returns 1 when woken, 0 on timeout or
 * EINTR, or -errno. */
static int wait_for_events(evw_loop *loop, int timeout_ms) {
  struct sys_pollfd fds[2] = {
      {.fd = loop->epoll_fd, .events = SYS_POLLIN},
      {.fd = loop->wake_fd, .events = SYS_POLLIN},
  };
  int rc = sys_poll(fds, 2, timeout_ms);
  if (rc == -EINTR || rc == 0)
    return 0;
  if (rc < 0)
    return rc;
  if (fds[0].revents & SYS_POLLNVAL)
    return -EBADF;
  if (fds[1].revents & SYS_POLLIN)
    wake_consume(loop->wake_fd); /* the thread checks its stop flag on every iteration */
  return 1;
}

/* Node's loop watches the set and fetches itself (direct.h). */
static int js_loop_watches(const evw_loop *loop) {
  return __atomic_load_n(&loop->direct, __ATOMIC_ACQUIRE) != NULL;
}

/* Fetches what is ready now, unless JS is not done with the last batch or
 * the ring is full. Neither wait is announced (producerWaiting stays 0): JS
 * finishing a batch or freeing space then has no one to wake, and the next
 * call sees the change. */
static int fetch_now(evw_loop *loop, int ring_bell) {
  if (loop->awaiting_finish && !ring_all_finished(&loop->ring))
    return 0;
  uint32_t space = ring_free_space(&loop->ring);
  if (space == 0)
    return 0;
  loop->awaiting_finish = 0;
  int rc = harvest_events(loop, space, 0, ring_bell);
  return rc == -EINTR ? 0 : rc;
}

int progress_poll(evw_loop *loop, int ring_bell) {
  rearm_retry_pending(loop);
  return fetch_now(loop, ring_bell);
}

int progress_step(evw_loop *loop, int timeout_ms) {
  unsigned handovers = __atomic_load_n(&loop->handovers, __ATOMIC_SEQ_CST);
  if (rearm_retry_pending(loop) > 0 &&
      (timeout_ms < 0 || timeout_ms > PROGRESS_RETRY_TIMEOUT_MS))
    timeout_ms = PROGRESS_RETRY_TIMEOUT_MS;
  uint32_t space = ring_free_space(&loop->ring);
  /* About to sleep: a batch of re-arms handed over since the list was
   * applied would stay disarmed through the sleep. Announce the sleep, then
   * look again (pairs with rearm.c's "hand over, then check sleeping"). */
  __atomic_store_n(&loop->thread_sleeping, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&loop->handovers, __ATOMIC_SEQ_CST) != handovers) {
    __atomic_store_n(&loop->thread_sleeping, 0, __ATOMIC_RELAXED);
    return 0;
  }
  int rc = 0;
  if (js_loop_watches(loop)) {
    /* Left to apply handed-over re-arms (and retries), and to stop. */
    sleep_on_wake(loop, timeout_ms);
  } else if (loop->awaiting_finish && !ring_all_finished(&loop->ring)) {
    wait_for_finish(loop, timeout_ms);
  } else if (space == 0) {
    wait_for_space(loop, timeout_ms);
  } else {
    rc = wait_for_events(loop, timeout_ms);
    if (rc > 0)
      rc = fetch_now(loop, 1); /* re-arms were retried above */
  }
  __atomic_store_n(&loop->thread_sleeping, 0, __ATOMIC_RELAXED);
  return rc == -EINTR ? 0 : rc;
}
