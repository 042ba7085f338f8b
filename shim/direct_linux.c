/* Node's own loop watching a threaded loop's epoll set (direct.h): a poll
 * handle on the epoll fd, on the JS thread's Node loop (uvpoll.h). */
#include <errno.h>

#include "direct.h"
#include "napi_bell.h"
#include "thread.h"
#include "uvpoll.h"

/* On the JS thread, inside Node's loop but outside JS: fetch and publish as
 * the progress thread would, then call JS at once through the doorbell's
 * reader (napi_bell.h) if it is this thread's, with no byte written and
 * none read. Otherwise the doorbell rings, and is read on the loop's next
 * turn, which does not sleep: the pipe is already readable. An error (the
 * epoll fd went bad) leaves nothing to fetch; JS frees the loop. */
static void direct_on_readable(void *data, int status) {
  evw_loop *loop = data;
  if (status < 0)
    return;
  struct napi_bell *bell = napi_bell_find(loop->ring.bell_fd);
  if (progress_poll(loop, bell == NULL) > 0 && bell != NULL && ring_take_bell(&loop->ring))
    napi_bell_call(bell); /* last: JS may free the loop */
}

EVW_EXPORT int evw_loop_watch(evw_loop *loop) {
  if (loop == NULL || !loop->threaded)
    return -EINVAL;
  if (loop->direct != NULL)
    return 0;
  /* The ring has one producer: while the progress thread runs, it is it. */
  if (thread_is_running(loop))
    return -EBUSY;
  /* Never what keeps the process alive (uvpoll_start leaves it unref'd):
   * the doorbell's reader is. */
  int rc;
  struct uv_poll_s *handle = uvpoll_start(loop->epoll_fd, direct_on_readable, loop, &rc);
  if (handle == NULL)
    return rc;
  __atomic_store_n(&loop->direct, handle, __ATOMIC_RELEASE);
  return 0;
}

void direct_unwatch(evw_loop *loop) {
  struct uv_poll_s *handle = loop->direct;
  if (handle == NULL)
    return;
  __atomic_store_n(&loop->direct, NULL, __ATOMIC_RELEASE);
  uvpoll_close(handle, 0); /* closing stops it */
}
