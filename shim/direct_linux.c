/* Node's own loop watching a loop's epoll set or signalfd (direct.h): a
 * poll handle on that fd, on the JS thread's Node loop (uvpoll.h). */
#include <errno.h>

#include "direct.h"
#include "loops.h"
#include "napi_bell.h"
#include "sighandler.h"
#include "sigloop.h"
#include "sigmask.h"
#include "thread.h"
#include "uvpoll.h"

/* Last: JS may free the loop. Without a bell of this thread the entries
 * were published with a doorbell byte, read on the loop's next turn, which
 * does not sleep: the pipe is already readable. */
static void direct_call_js(evw_loop *loop, struct napi_bell *bell) {
  if (bell != NULL && ring_take_bell(&loop->ring))
    napi_bell_call(bell);
}

/* Records every queued signal as the handler would; returns how many
 * entries that published. A full ring asks for a rescan, which rings the
 * doorbell itself. */
static uint32_t direct_take_signals(evw_loop *loop, int ring_bell) {
  struct sys_siginfo infos[SYS_SIGNALFD_TAKE_MAX];
  uint32_t free_before = ring_free_space(&loop->ring);
  loop->sig.quiet_bell = !ring_bell;
  long n;
  do {
    n = sys_signalfd_take(loop->sig.signal_fd, infos, SYS_SIGNALFD_TAKE_MAX);
    for (long i = 0; i < n; i++)
      sighandler_record(loop, &infos[i]);
  } while (n == SYS_SIGNALFD_TAKE_MAX); /* a short read emptied the queue: no read to find it empty */
  loop->sig.quiet_bell = 0;
  return free_before - ring_free_space(&loop->ring);
}

/* Asked by another signal loop's thread, with the loops list locked: a
 * flag, and this loop's own signal, which it keeps blocked while it
 * watches, so that the signalfd turns readable and the watch's callback
 * sees the flag. */
static void direct_ask_to_stop(evw_loop *other) {
  __atomic_store_n(&other->sig.stop_asked, 1, __ATOMIC_RELEASE);
  sys_tgkill(other->owner_tid, other->sig.signo);
}

/* From the watch's own callback: the handler's path from now on. Once no
 * loop can ask any more, what is still queued goes to the handler as the
 * signals are unblocked, where it is installed; else there is nothing to
 * record (no fd is armed, no timer set), and they stay blocked until
 * sigloop_start installed it. */
static void direct_stop_watching_signals(evw_loop *loop) {
  loops_end_signal_watch(loop);
  direct_unwatch(loop);
  if (!loop->sig.started) {
    sigloop_flush(loop);
    return;
  }
  loop->sig.held_blocked = 0;
  sigmask_unblock(loop->sig.signo);
}

/* What the handler would have recorded, taken in one pass; a request to
 * stop watching is honoured once the queue is empty. Returns how many
 * entries that published. */
static uint32_t direct_fetch_signals(evw_loop *loop, int ring_bell) {
  uint32_t published = direct_take_signals(loop, ring_bell);
  if (__atomic_load_n(&loop->sig.stop_asked, __ATOMIC_ACQUIRE))
    direct_stop_watching_signals(loop);
  return published;
}

/* What the watch stands in for: the progress thread's fetch (epoll set)
 * or the handler's records (signalfd). Entries published, or -errno. */
static int direct_fetch(evw_loop *loop, int ring_bell) {
  if (loop->signal_mode)
    return (int)direct_fetch_signals(loop, ring_bell);
  return progress_poll(loop, ring_bell);
}

/* On the JS thread, inside Node's loop but outside JS: fetch and publish,
 * then call JS at once through the doorbell's reader if it is this
 * thread's, with no byte written and none read. An error (the fd went bad)
 * leaves nothing to fetch; JS frees the loop. */
static void direct_on_ready(void *data, int status) {
  evw_loop *loop = data;
  if (status < 0)
    return;
  struct napi_bell *bell = napi_bell_find(loop->ring.bell_fd);
  if (direct_fetch(loop, bell == NULL) > 0)
    direct_call_js(loop, bell);
}

static int direct_start(evw_loop *loop, int fd) {
  /* Never what keeps the process alive (uvpoll_start leaves it unref'd):
   * the doorbell's reader is. */
  int rc;
  struct uv_poll_s *handle = uvpoll_start(fd, direct_on_ready, loop, &rc);
  if (handle == NULL)
    return rc;
  __atomic_store_n(&loop->direct, handle, __ATOMIC_RELEASE);
  return 0;
}

/* Only the process's one signal loop watches (loops.h): a signalfd wakes on
 * any signal of the process, and two watchers would wake each other for
 * nothing on every one. A second loop asks the first to stop, and both
 * take the handler's path for good. Blocked for as long as the watch
 * lasts, before it is announced (a loop that asks sends this signal), and
 * before the watch starts: a signal queued in between makes the signalfd
 * readable, and the watch's first turn takes it. */
static int direct_watch_signals(evw_loop *loop) {
  sys_sigset_t previous;
  sigmask_block(loop->sig.signo, &previous);
  if (!loops_begin_signal_watch(loop, direct_ask_to_stop)) {
    sigmask_restore(&previous);
    return -EBUSY;
  }
  int rc = direct_start(loop, loop->sig.signal_fd);
  if (rc < 0) {
    loops_end_signal_watch(loop);
    sigmask_restore(&previous);
    return rc;
  }
  loop->sig.held_blocked = 1;
  return 0;
}

EVW_EXPORT int evw_loop_watch(evw_loop *loop) {
  if (loop == NULL || (!loop->threaded && !loop->signal_mode))
    return -EINVAL;
  if (loop->direct != NULL)
    return 0;
  if (loop->signal_mode)
    return direct_watch_signals(loop);
  /* The ring has one producer: while the progress thread runs, it is it. */
  if (thread_is_running(loop))
    return -EBUSY;
  return direct_start(loop, loop->epoll_fd);
}

/* ctx.poll() on a watched loop: what the watch's callback would fetch,
 * fetched now and published without a doorbell (the caller drains next).
 * A JS thread that polls without yielding to Node's loop would see nothing
 * otherwise: while the watch lasts, no thread and no handler publishes. 0
 * where nothing watches: those producers publish by themselves. */
EVW_EXPORT int evw_loop_fetch(evw_loop *loop) {
  if (loop == NULL || (!loop->threaded && !loop->signal_mode))
    return -EINVAL;
  if (loop->direct == NULL)
    return 0;
  return direct_fetch(loop, 0);
}

void direct_unwatch(evw_loop *loop) {
  struct uv_poll_s *handle = loop->direct;
  if (handle == NULL)
    return;
  __atomic_store_n(&loop->direct, NULL, __ATOMIC_RELEASE);
  uvpoll_close(handle, 0); /* closing stops it */
}
