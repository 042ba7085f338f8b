/* Node's own loop watching a threaded loop's epoll set: a uv_poll_t on the
 * epoll fd, on the JS thread's libuv loop. The libuv declarations are
 * written out (no headers, like napi_hook.c) and weak, so that the library
 * still loads outside Node, where no uv loop is ever recorded. The handle's
 * size comes from libuv itself (uv_handle_size), and its first member is the
 * public `void *data` in every libuv 1.x. */
#include <errno.h>
#include <stdlib.h>

#include "direct.h"
#include "thread.h"

typedef struct uv_loop_s uv_loop_t;
typedef struct uv_handle_s uv_handle_t;
typedef struct uv_poll_s uv_poll_t;
typedef void (*uv_poll_cb)(uv_poll_t *handle, int status, int events);
typedef void (*uv_close_cb)(uv_handle_t *handle);

/* uv_handle_type's UV_POLL and uv_poll_event's UV_READABLE (uv.h, 1.x). */
#define DIRECT_UV_POLL 8
#define DIRECT_UV_READABLE 1

extern size_t uv_handle_size(int type) __attribute__((weak));
extern int uv_poll_init(uv_loop_t *loop, uv_poll_t *handle, int fd) __attribute__((weak));
extern int uv_poll_start(uv_poll_t *handle, int events, uv_poll_cb cb) __attribute__((weak));
extern void uv_close(uv_handle_t *handle, uv_close_cb cb) __attribute__((weak));
extern void uv_unref(uv_handle_t *handle) __attribute__((weak));

/* Handles of this thread closed but not yet called back: the thread's
 * teardown waits for them (napi_hook.c). */
static __thread int closing;

static int uv_available(void) {
  return uv_handle_size != NULL && uv_poll_init != NULL && uv_poll_start != NULL &&
         uv_close != NULL && uv_unref != NULL;
}

/* On the JS thread, inside Node's loop but outside JS: fetch and publish as
 * the progress thread would. The doorbell this rings is read on the loop's
 * next turn, which does not sleep: the pipe is already readable. An error
 * (the epoll fd went bad) leaves nothing to fetch; JS frees the loop. */
static void direct_on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  if (status == 0)
    progress_poll(*(evw_loop **)handle);
}

static void direct_on_closed(uv_handle_t *handle) {
  free(handle);
  if (--closing == 0)
    direct_all_closed();
}

/* Closing takes the fd out of libuv's epoll set at once; the memory goes
 * at the close callback, on a later turn of Node's loop. */
static void handle_close(uv_poll_t *handle) {
  closing++;
  uv_close((uv_handle_t *)handle, direct_on_closed);
}

EVW_EXPORT int evw_loop_watch(evw_loop *loop) {
  if (loop == NULL || !loop->threaded)
    return -EINVAL;
  if (loop->direct != NULL)
    return 0;
  /* The ring has one producer: while the progress thread runs, it is it. */
  if (thread_is_running(loop))
    return -EBUSY;
  uv_loop_t *uv = direct_thread_uv_loop();
  if (uv == NULL || !uv_available())
    return -ENOTSUP;
  uv_poll_t *handle = malloc(uv_handle_size(DIRECT_UV_POLL));
  if (handle == NULL)
    return -ENOMEM;
  int rc = uv_poll_init(uv, handle, loop->epoll_fd);
  if (rc < 0) {
    free(handle);
    return rc;
  }
  *(evw_loop **)handle = loop;
  /* Never what keeps the process alive: the doorbell's socket is. */
  uv_unref((uv_handle_t *)handle);
  rc = uv_poll_start(handle, DIRECT_UV_READABLE, direct_on_readable);
  if (rc < 0) {
    handle_close(handle);
    return rc;
  }
  __atomic_store_n(&loop->direct, handle, __ATOMIC_RELEASE);
  return 0;
}

void direct_unwatch(evw_loop *loop) {
  uv_poll_t *handle = loop->direct;
  if (handle == NULL)
    return;
  __atomic_store_n(&loop->direct, NULL, __ATOMIC_RELEASE);
  handle_close(handle); /* closing stops it */
}

int direct_closing(void) { return closing; }
