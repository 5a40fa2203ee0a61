/* trim(): glibc's malloc_trim(0), which gives every free page of every malloc arena back to the operating
 * system (free() alone only shrinks the top of the main heap). Returns true when memory was released. Where
 * the C library is not glibc it does nothing and returns false. Built as a Node-API module: it loads on any
 * Node.js version. */
#include <stdlib.h> /* defines __GLIBC__ on glibc */
#include <node_api.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static napi_value Trim(napi_env env, napi_callback_info info) {
  int released = 0;
#if defined(__GLIBC__)
  released = malloc_trim(0);
#endif
  napi_value result;
  napi_get_boolean(env, released != 0, &result);
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "trim", NAPI_AUTO_LENGTH, Trim, NULL, &fn);
  napi_set_named_property(env, exports, "trim", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
