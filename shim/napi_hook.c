/* libevwheel.so is also a Node-API module, so that a JS thread's loops are
 * freed when its environment is torn down: worker.terminate() runs no JS
 * cleanup, and a progress thread must never write into a Wasm memory that
 * V8 frees. TS loads it once per JS thread with process.dlopen(); the init
 * registers a cleanup hook carrying the calling thread's tid, and the hook
 * (run on that thread, before the isolate goes away) frees every loop that
 * thread owns, then closes the write end of each doorbell it made. The init
 * also records the thread's Node loop (uvpoll.h) and offers the doorbell
 * reader to JS (napi_bell.h). */
#include <stdint.h>
#include <stdlib.h>

#include "doorbell.h"
#include "loops.h"
#include "napi.h"
#include "napi_bell.h"
#include "napi_hook.h"
#include "tid.h"
#include "uvpoll.h"

/* The Node loop of the thread that loaded the module, for poll handles on it
 * (uvpoll.h: epoll-set watches, doorbell readers); recorded only where their
 * teardown can be waited for. */
static __thread struct uv_loop_s *thread_uv_loop;

struct uv_loop_s *napi_hook_uv_loop(void) { return thread_uv_loop; }

/* An environment teardown waiting for this thread's closing poll handles
 * (uvpoll.h): a worker's loop is closed right after, and must hold no
 * handle then. */
struct closing_wait {
  napi_async_cleanup_hook_handle handle;
  struct closing_wait *next;
};
static __thread struct closing_wait *waiting;

static void closing_wait_end(struct closing_wait *wait) {
  napi_remove_async_cleanup_hook(wait->handle);
  free(wait);
}

void napi_hook_all_closed(void) {
  while (waiting != NULL) {
    struct closing_wait *wait = waiting;
    waiting = wait->next;
    closing_wait_end(wait);
  }
}

/* Runs after napi_hook_cleanup (hooks run in reverse order of addition),
 * which closed the bells and, freeing the loops, the watches; Node turns
 * its loop until this hook is removed, and so calls their close callbacks. */
static void wait_for_closing_watches(napi_async_cleanup_hook_handle handle, void *arg) {
  struct closing_wait *wait = arg;
  wait->handle = handle;
  if (uvpoll_closing() == 0) {
    closing_wait_end(wait);
    return;
  }
  wait->next = waiting;
  waiting = wait;
}

static void record_uv_loop(napi_env env) {
  struct uv_loop_s *uv;
  if (napi_get_uv_event_loop == NULL || napi_add_async_cleanup_hook == NULL ||
      napi_remove_async_cleanup_hook == NULL || napi_get_uv_event_loop(env, &uv) != 0)
    return;
  struct closing_wait *wait = calloc(1, sizeof *wait);
  if (wait == NULL)
    return;
  if (napi_add_async_cleanup_hook(env, wait_for_closing_watches, wait, NULL) != 0) {
    free(wait);
    return;
  }
  thread_uv_loop = uv;
}

struct owner_hook {
  pid_t tid;
};

static void napi_hook_cleanup(void *arg) {
  struct owner_hook *hook = arg;
  /* Read ends first, then loops: once their threads are joined, their
   * timers deleted and their queued signals flushed, nothing can ring the
   * doorbell any more, so its number cannot be written after the kernel
   * hands it out again. Until then the write end stays open: the read end
   * is closed (here, or by Node, which closes the environment's handles
   * before the cleanup hooks run), so a ring meanwhile gets EPIPE, and
   * SIGPIPE is ignored by Node and blocked in the progress threads. If a
   * loop had to be leaked, so are the doorbells. */
  napi_bell_close_all();
  int leaked = loop_free_all_owned_by(hook->tid);
  doorbell_release_owned(hook->tid, leaked == 0);
  free(hook);
}

EVW_EXPORT napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  if (napi_add_env_cleanup_hook == NULL)
    return exports;
  /* One allocation per registration: Node refuses two hooks with the same
   * (function, argument), and a thread may load the module twice. A second
   * hook of the same thread simply finds nothing left to free. */
  record_uv_loop(env); /* first: its hook must run after the one below */
  napi_bell_export(env, exports);
  struct owner_hook *hook = malloc(sizeof *hook);
  if (hook == NULL)
    return exports;
  hook->tid = current_tid();
  if (napi_add_env_cleanup_hook(env, napi_hook_cleanup, hook) != 0)
    free(hook);
  return exports;
}

EVW_EXPORT int32_t node_api_module_get_api_version_v1(void) { return 8; }
