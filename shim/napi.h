/* The Node-API the shim uses, written out by hand (no node headers at build
 * time; the C ABI is stable) and weak, so that the library still loads with
 * a plain dlopen outside Node, where the module init is never called. */
#ifndef EVW_NAPI_H
#define EVW_NAPI_H

#include <stddef.h>
#include <stdint.h>

#include "evwheel.h"

struct uv_loop_s;
typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef struct napi_ref__ *napi_ref;
typedef struct napi_handle_scope__ *napi_handle_scope;
typedef struct napi_callback_info__ *napi_callback_info;
typedef struct napi_async_context__ *napi_async_context;
typedef struct napi_async_cleanup_hook_handle__ *napi_async_cleanup_hook_handle;
typedef int napi_status;
typedef napi_value (*napi_callback)(napi_env env, napi_callback_info info);
typedef void (*napi_async_cleanup_hook)(napi_async_cleanup_hook_handle handle, void *arg);

/* napi_status and napi_valuetype values used here (js_native_api_types.h). */
#define NAPI_OK 0
#define NAPI_PENDING_EXCEPTION 10
#define NAPI_FUNCTION 7
#define NAPI_AUTO_LENGTH SIZE_MAX

#define NAPI_WEAK __attribute__((weak))

extern napi_status napi_add_env_cleanup_hook(napi_env env, void (*fun)(void *arg),
                                             void *arg) NAPI_WEAK;
extern napi_status napi_add_async_cleanup_hook(napi_env env, napi_async_cleanup_hook hook,
                                               void *arg,
                                               napi_async_cleanup_hook_handle *remove_handle)
    NAPI_WEAK;
extern napi_status napi_remove_async_cleanup_hook(napi_async_cleanup_hook_handle handle) NAPI_WEAK;
extern napi_status napi_get_uv_event_loop(napi_env env, struct uv_loop_s **loop) NAPI_WEAK;

extern napi_status napi_create_function(napi_env env, const char *name, size_t length,
                                        napi_callback cb, void *data,
                                        napi_value *result) NAPI_WEAK;
extern napi_status napi_set_named_property(napi_env env, napi_value object, const char *name,
                                           napi_value value) NAPI_WEAK;
extern napi_status napi_get_cb_info(napi_env env, napi_callback_info info, size_t *argc,
                                    napi_value *argv, napi_value *this_arg,
                                    void **data) NAPI_WEAK;
extern napi_status napi_typeof(napi_env env, napi_value value, int *result) NAPI_WEAK;
extern napi_status napi_get_value_int32(napi_env env, napi_value value, int32_t *result) NAPI_WEAK;
extern napi_status napi_get_value_bool(napi_env env, napi_value value, _Bool *result) NAPI_WEAK;
extern napi_status napi_create_int32(napi_env env, int32_t value, napi_value *result) NAPI_WEAK;
extern napi_status napi_create_object(napi_env env, napi_value *result) NAPI_WEAK;
extern napi_status napi_create_string_utf8(napi_env env, const char *str, size_t length,
                                           napi_value *result) NAPI_WEAK;
extern napi_status napi_get_global(napi_env env, napi_value *result) NAPI_WEAK;
extern napi_status napi_create_reference(napi_env env, napi_value value, uint32_t count,
                                         napi_ref *result) NAPI_WEAK;
extern napi_status napi_delete_reference(napi_env env, napi_ref ref) NAPI_WEAK;
extern napi_status napi_get_reference_value(napi_env env, napi_ref ref,
                                            napi_value *result) NAPI_WEAK;
extern napi_status napi_open_handle_scope(napi_env env, napi_handle_scope *result) NAPI_WEAK;
extern napi_status napi_close_handle_scope(napi_env env, napi_handle_scope scope) NAPI_WEAK;
extern napi_status napi_async_init(napi_env env, napi_value resource, napi_value name,
                                   napi_async_context *result) NAPI_WEAK;
extern napi_status napi_async_destroy(napi_env env, napi_async_context context) NAPI_WEAK;
extern napi_status napi_make_callback(napi_env env, napi_async_context context, napi_value recv,
                                      napi_value func, size_t argc, const napi_value *argv,
                                      napi_value *result) NAPI_WEAK;
extern napi_status napi_get_and_clear_last_exception(napi_env env, napi_value *result) NAPI_WEAK;
extern napi_status napi_fatal_exception(napi_env env, napi_value error) NAPI_WEAK;

EVW_EXPORT napi_value napi_register_module_v1(napi_env env, napi_value exports);
EVW_EXPORT int32_t node_api_module_get_api_version_v1(void);

#endif
