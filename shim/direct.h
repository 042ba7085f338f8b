/* Node's own loop watching a threaded loop's epoll set (evw_loop_watch): a
 * uv_poll_t on the epoll fd, so that an event that comes while JS sleeps
 * wakes the JS thread itself, which fetches it (progress_poll, in C, outside
 * JS) and calls JS (napi_bell.h) or rings its own doorbell. Without it, the
 * progress thread wakes first and then wakes JS: two wake-ups in a row. While the watch lasts the
 * JS thread is the ring's only producer; the thread applies handed-over
 * re-arms and nothing else (progress.c). */
#ifndef EVW_DIRECT_H
#define EVW_DIRECT_H

#include "loop.h"

/* Stops and closes the watch, if any: on the loop's JS thread (libuv is not
 * thread-safe), before the epoll fd is closed, after the thread stopped. */
void direct_unwatch(evw_loop *loop);

#endif
