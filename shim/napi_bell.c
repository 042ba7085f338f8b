/* Doorbell readers on the JS thread's Node loop, calling JS from C
 * (napi_bell.h). One list per JS thread: bells are made, called and closed
 * on the thread that owns them, and libuv is not thread-safe anyway. */
#include <errno.h>
#include <stdlib.h>

#include "napi_bell.h"
#include "sys.h"
#include "uvpoll.h"

struct napi_bell {
  napi_env env;
  napi_ref on_ring;
  napi_async_context async;
  struct uv_poll_s *poll; /* NULL once the pipe failed or ended */
  int read_fd, write_fd;
  struct napi_bell *next;
};

static __thread struct napi_bell *bells;

static int napi_available(void) {
  return napi_create_function != NULL && napi_set_named_property != NULL &&
         napi_get_cb_info != NULL && napi_typeof != NULL && napi_get_value_int32 != NULL &&
         napi_get_value_bool != NULL && napi_create_int32 != NULL && napi_create_object != NULL &&
         napi_create_string_utf8 != NULL && napi_get_global != NULL &&
         napi_create_reference != NULL && napi_delete_reference != NULL &&
         napi_get_reference_value != NULL && napi_open_handle_scope != NULL &&
         napi_close_handle_scope != NULL && napi_async_init != NULL &&
         napi_async_destroy != NULL && napi_make_callback != NULL &&
         napi_get_and_clear_last_exception != NULL && napi_fatal_exception != NULL;
}

struct napi_bell *napi_bell_find(int write_fd) {
  for (struct napi_bell *bell = bells; bell != NULL; bell = bell->next)
    if (bell->write_fd == write_fd)
      return bell;
  return NULL;
}

void napi_bell_call(struct napi_bell *bell) {
  napi_env env = bell->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != NAPI_OK)
    return;
  napi_value fn, recv, result;
  if (napi_get_reference_value(env, bell->on_ring, &fn) == NAPI_OK && fn != NULL &&
      napi_get_global(env, &recv) == NAPI_OK) { /* it must be an object */
    /* A throw there is an uncaught exception, as in any Node callback. */
    if (napi_make_callback(env, bell->async, recv, fn, 0, NULL, &result) ==
        NAPI_PENDING_EXCEPTION) {
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == NAPI_OK)
        napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

/* Wakes coalesce: one pass reads every byte rung so far. > 0 while the
 * pipe is open (bytes read, or none at all), 0 once it ended (no writer
 * left), or -errno. */
static long drain(int fd) {
  char bytes[256];
  long n;
  do {
    n = sys_read(fd, bytes, sizeof bytes);
  } while (n == (long)sizeof bytes || n == -EINTR);
  return n == -EAGAIN ? 1 : n;
}

static void bell_on_readable(void *data, int status) {
  struct napi_bell *bell = data;
  if (status < 0 || drain(bell->read_fd) <= 0) {
    /* Nothing can ring it any more: stop watching, or Node's loop would
     * spin on a readable end. JS still closes it (bellClose). */
    uvpoll_close(bell->poll, 0);
    bell->poll = NULL;
    return;
  }
  napi_bell_call(bell); /* last: JS may close the bell */
}

static int bell_open(napi_env env, int read_fd, int write_fd, napi_value on_ring) {
  int type;
  if (read_fd < 0 || write_fd < 0 || napi_typeof(env, on_ring, &type) != NAPI_OK ||
      type != NAPI_FUNCTION)
    return -EINVAL;
  struct napi_bell *bell = calloc(1, sizeof *bell);
  if (bell == NULL)
    return -ENOMEM;
  *bell = (struct napi_bell){.env = env, .read_fd = read_fd, .write_fd = write_fd};
  napi_value resource, name;
  if (napi_create_object(env, &resource) != NAPI_OK ||
      napi_create_string_utf8(env, "evwheel.bell", NAPI_AUTO_LENGTH, &name) != NAPI_OK ||
      napi_async_init(env, resource, name, &bell->async) != NAPI_OK) {
    free(bell);
    return -ENOMEM;
  }
  if (napi_create_reference(env, on_ring, 1, &bell->on_ring) != NAPI_OK) {
    napi_async_destroy(env, bell->async);
    free(bell);
    return -ENOMEM;
  }
  int rc;
  bell->poll = uvpoll_start(read_fd, bell_on_readable, bell, &rc);
  if (bell->poll == NULL) {
    napi_delete_reference(env, bell->on_ring);
    napi_async_destroy(env, bell->async);
    free(bell);
    return rc;
  }
  bell->next = bells;
  bells = bell;
  return 0;
}

/* The link that points at the bell of read_fd (the list's end if none). */
static struct napi_bell **bell_link(int read_fd) {
  struct napi_bell **at = &bells;
  while (*at != NULL && (*at)->read_fd != read_fd)
    at = &(*at)->next;
  return at;
}

static struct napi_bell *bell_take(int read_fd) {
  struct napi_bell **at = bell_link(read_fd);
  struct napi_bell *bell = *at;
  if (bell != NULL)
    *at = bell->next;
  return bell;
}

/* The read end goes with the bell; the memory at libuv's close callback,
 * in case this runs inside the bell's own call. */
static void bell_close(struct napi_bell *bell) {
  napi_delete_reference(bell->env, bell->on_ring);
  napi_async_destroy(bell->env, bell->async);
  sys_close(bell->read_fd);
  if (bell->poll != NULL)
    uvpoll_close(bell->poll, 1);
  else
    free(bell);
}

void napi_bell_close_all(void) {
  while (bells != NULL)
    bell_close(bell_take(bells->read_fd));
}

/* ---- the JS functions --------------------------------------------------- */

static napi_value int_result(napi_env env, int value) {
  napi_value result = NULL;
  napi_create_int32(env, value, &result);
  return result;
}

/* The call's first argc arguments, of which the first nints are int32. */
static int get_args(napi_env env, napi_callback_info info, size_t argc, napi_value *argv,
                    size_t nints, int32_t *ints) {
  size_t got = argc;
  if (napi_get_cb_info(env, info, &got, argv, NULL, NULL) != NAPI_OK || got < argc)
    return -EINVAL;
  for (size_t i = 0; i < nints; i++)
    if (napi_get_value_int32(env, argv[i], &ints[i]) != NAPI_OK)
      return -EINVAL;
  return 0;
}

/* bellWatch(readFd, writeFd, onRing) */
static napi_value js_bell_watch(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fds[2];
  int rc = get_args(env, info, 3, argv, 2, fds);
  return int_result(env, rc < 0 ? rc : bell_open(env, fds[0], fds[1], argv[2]));
}

/* bellRef(readFd, ref): whether it keeps the process alive. */
static napi_value js_bell_ref(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t read_fd;
  _Bool ref;
  if (get_args(env, info, 2, argv, 1, &read_fd) < 0 ||
      napi_get_value_bool(env, argv[1], &ref) != NAPI_OK)
    return int_result(env, -EINVAL);
  struct napi_bell *bell = *bell_link(read_fd);
  if (bell == NULL)
    return int_result(env, -ENOENT);
  if (bell->poll != NULL)
    uvpoll_ref(bell->poll, ref);
  return int_result(env, 0);
}

/* bellClose(readFd): closes the read end too. */
static napi_value js_bell_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t read_fd;
  if (get_args(env, info, 1, argv, 1, &read_fd) < 0)
    return int_result(env, -EINVAL);
  struct napi_bell *bell = bell_take(read_fd);
  if (bell == NULL)
    return int_result(env, -ENOENT);
  bell_close(bell);
  return int_result(env, 0);
}

static void export_function(napi_env env, napi_value exports, const char *name,
                            napi_callback cb) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) == NAPI_OK)
    napi_set_named_property(env, exports, name, fn);
}

void napi_bell_export(napi_env env, napi_value exports) {
  if (!napi_available())
    return;
  export_function(env, exports, "bellWatch", js_bell_watch);
  export_function(env, exports, "bellRef", js_bell_ref);
  export_function(env, exports, "bellClose", js_bell_close);
}
