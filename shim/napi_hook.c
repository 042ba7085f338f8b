/* libevwheel.so is also a Node-API module, so that a JS thread's loops are
 * freed when its environment is torn down: worker.terminate() runs no JS
 * cleanup, and a progress thread must never write into a Wasm memory that
 * V8 frees. TS loads it once per JS thread with process.dlopen(); the init
 * registers a cleanup hook carrying the calling thread's tid, and the hook
 * (run on that thread, before the isolate goes away) frees every loop that
 * thread owns, then closes the write end of each doorbell it made.
 *
 * The few Node-API declarations are written out here (no node headers);
 * napi_add_env_cleanup_hook is weak so that the library still loads with a
 * plain dlopen outside Node, where the init is never called anyway. */
#include <stdint.h>
#include <stdlib.h>

#include "doorbell.h"
#include "evwheel.h"
#include "loops.h"
#include "tid.h"

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef int napi_status; /* napi_ok = 0 */

extern napi_status napi_add_env_cleanup_hook(napi_env env, void (*fun)(void *arg), void *arg)
    __attribute__((weak));

EVW_EXPORT napi_value napi_register_module_v1(napi_env env, napi_value exports);
EVW_EXPORT int32_t node_api_module_get_api_version_v1(void);

struct owner_hook {
  pid_t tid;
};

static void napi_hook_cleanup(void *arg) {
  struct owner_hook *hook = arg;
  /* Loops first: once their threads are joined, their timers deleted and
   * their queued signals flushed, nothing can ring the doorbell any more, so
   * its number cannot be written after the kernel hands it out again. Until
   * then the write end stays open: Node has already closed the read end (it
   * closes the environment's handles before the cleanup hooks run), so a
   * ring meanwhile gets EPIPE, and SIGPIPE is ignored by Node and blocked in
   * the progress threads. If a loop had to be leaked, so are the bells. */
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
  struct owner_hook *hook = malloc(sizeof *hook);
  if (hook == NULL)
    return exports;
  hook->tid = current_tid();
  if (napi_add_env_cleanup_hook(env, napi_hook_cleanup, hook) != 0)
    free(hook);
  return exports;
}

EVW_EXPORT int32_t node_api_module_get_api_version_v1(void) { return 8; }
