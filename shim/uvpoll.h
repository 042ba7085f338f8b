/* Poll handles on the calling thread's own Node loop (libuv): how the shim
 * has Node's loop watch an fd and call C back on the JS thread, outside JS.
 * Used for a threaded loop's epoll set (direct_linux.c) and for the
 * doorbell's read end (napi_bell.c). The libuv functions are declared by
 * hand and weak (uvpoll_linux.c), so the library still loads outside Node,
 * where no Node loop is ever recorded and every start is -ENOTSUP. */
#ifndef EVW_UVPOLL_H
#define EVW_UVPOLL_H

struct uv_poll_s;

/* Called on the JS thread with the handle's data; status < 0 is a libuv
 * error (the fd went bad). */
typedef void (*uvpoll_cb)(void *data, int status);

/* A started poll handle for readability of fd, carrying data; unref'd: it
 * keeps no process alive until uvpoll_ref. NULL with *rc = -ENOTSUP where
 * the library was not loaded as a Node-API module on this thread
 * (napi_hook.c records the loop), or another -errno. */
struct uv_poll_s *uvpoll_start(int fd, uvpoll_cb cb, void *data, int *rc);

void uvpoll_ref(struct uv_poll_s *handle, int ref);

/* Stops the handle at once (fd may be closed right after) and frees it, and
 * data too if free_data, at libuv's close callback on a later turn: whoever
 * closes it from inside its own callback may keep using data until it
 * returns. */
void uvpoll_close(struct uv_poll_s *handle, int free_data);

/* Handles of this thread closed and not yet called back by libuv. */
int uvpoll_closing(void);

#endif
