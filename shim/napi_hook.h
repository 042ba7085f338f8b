/* What the Node-API module init (napi_hook.c) records per JS thread for the
 * poll handles on that thread's Node loop (uvpoll.h). */
#ifndef EVW_NAPI_HOOK_H
#define EVW_NAPI_HOOK_H

struct uv_loop_s;

/* The Node loop of the calling thread, NULL if the library was not loaded
 * there as a Node-API module. */
struct uv_loop_s *napi_hook_uv_loop(void);

/* The last closing poll handle of the calling thread was called back: a
 * teardown waiting for it can finish. */
void napi_hook_all_closed(void);

#endif
