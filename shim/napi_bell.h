/* The doorbell's reader in C (napi_bell.c): Node's loop watches the read
 * end, and its callback, on the JS thread outside JS, drains the pipe and
 * calls the JS function straight away (napi_make_callback), where a
 * net.Socket would take a read through the stream machinery first. Offered
 * to JS as bellWatch / bellRef / bellClose on the module's exports; a
 * watched epoll set (direct_linux.c) uses it to call JS with no doorbell
 * byte at all. */
#ifndef EVW_NAPI_BELL_H
#define EVW_NAPI_BELL_H

#include "napi.h"

struct napi_bell;

/* Adds bellWatch(readFd, writeFd, onRing), bellRef(readFd, ref) and
 * bellClose(readFd) to exports (each returns 0 or -errno), where Node-API
 * and libuv offer what they need. */
void napi_bell_export(napi_env env, napi_value exports);

/* This thread's bell for the doorbell whose write end is write_fd, NULL if
 * none: the JS that rings it reads through the stream fallback then. */
struct napi_bell *napi_bell_find(int write_fd);

/* Calls its JS function, now, from C on the JS thread (never from JS or a
 * signal handler). JS may free anything meanwhile, loops included; the
 * bell's memory lasts until the call returns. */
void napi_bell_call(struct napi_bell *bell);

/* Closes every bell of this thread: its environment's teardown. */
void napi_bell_close_all(void);

#endif
