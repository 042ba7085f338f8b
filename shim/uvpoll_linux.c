/* Poll handles on the calling thread's Node loop (uvpoll.h). No libuv
 * headers: the few functions are declared here, weak, and the handle's size
 * comes from libuv itself (uv_handle_size). Its first member is the public
 * `void *data` in every libuv 1.x; it points at the handle's tail, where
 * this file keeps the callback. */
#include <errno.h>
#include <stdlib.h>

#include "napi_hook.h"
#include "uvpoll.h"

typedef struct uv_loop_s uv_loop_t;
typedef struct uv_handle_s uv_handle_t;
typedef struct uv_poll_s uv_poll_t;
typedef void (*uv_poll_cb)(uv_poll_t *handle, int status, int events);
typedef void (*uv_close_cb)(uv_handle_t *handle);

/* uv_handle_type's UV_POLL and uv_poll_event's UV_READABLE (uv.h, 1.x). */
#define UVPOLL_UV_POLL 8
#define UVPOLL_UV_READABLE 1

extern size_t uv_handle_size(int type) __attribute__((weak));
extern int uv_poll_init(uv_loop_t *loop, uv_poll_t *handle, int fd) __attribute__((weak));
extern int uv_poll_start(uv_poll_t *handle, int events, uv_poll_cb cb) __attribute__((weak));
extern void uv_close(uv_handle_t *handle, uv_close_cb cb) __attribute__((weak));
extern void uv_ref(uv_handle_t *handle) __attribute__((weak));
extern void uv_unref(uv_handle_t *handle) __attribute__((weak));

struct uvpoll_tail {
  uvpoll_cb cb;
  void *data;
  int free_data;
};

static __thread int closing;

static int uv_available(void) {
  return uv_handle_size != NULL && uv_poll_init != NULL && uv_poll_start != NULL &&
         uv_close != NULL && uv_ref != NULL && uv_unref != NULL;
}

static struct uvpoll_tail *tail_of(uv_poll_t *handle) { return *(struct uvpoll_tail **)handle; }

static void uvpoll_on_event(uv_poll_t *handle, int status, int events) {
  (void)events;
  struct uvpoll_tail *tail = tail_of(handle);
  tail->cb(tail->data, status);
}

static void uvpoll_on_closed(uv_handle_t *handle) {
  struct uvpoll_tail *tail = tail_of((uv_poll_t *)handle);
  if (tail->free_data)
    free(tail->data);
  free(handle);
  if (--closing == 0)
    napi_hook_all_closed();
}

uv_poll_t *uvpoll_start(int fd, uvpoll_cb cb, void *data, int *rc) {
  uv_loop_t *uv = napi_hook_uv_loop();
  if (uv == NULL || !uv_available()) {
    *rc = -ENOTSUP;
    return NULL;
  }
  /* One allocation: the handle, then (aligned like malloc's) its tail. */
  size_t at = (uv_handle_size(UVPOLL_UV_POLL) + 15) & ~(size_t)15;
  uv_poll_t *handle = malloc(at + sizeof(struct uvpoll_tail));
  if (handle == NULL) {
    *rc = -ENOMEM;
    return NULL;
  }
  struct uvpoll_tail *tail = (struct uvpoll_tail *)((char *)handle + at);
  *tail = (struct uvpoll_tail){.cb = cb, .data = data, .free_data = 0};
  *rc = uv_poll_init(uv, handle, fd);
  if (*rc < 0) {
    free(handle);
    return NULL;
  }
  *(struct uvpoll_tail **)handle = tail;
  uv_unref((uv_handle_t *)handle);
  *rc = uv_poll_start(handle, UVPOLL_UV_READABLE, uvpoll_on_event);
  if (*rc < 0) {
    uvpoll_close(handle, 0);
    return NULL;
  }
  return handle;
}

void uvpoll_ref(uv_poll_t *handle, int ref) {
  if (ref)
    uv_ref((uv_handle_t *)handle);
  else
    uv_unref((uv_handle_t *)handle);
}

void uvpoll_close(uv_poll_t *handle, int free_data) {
  tail_of(handle)->free_data = free_data;
  closing++;
  uv_close((uv_handle_t *)handle, uvpoll_on_closed);
}

int uvpoll_closing(void) { return closing; }
