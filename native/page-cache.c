/*
 * posix_fadvise(POSIX_FADV_DONTNEED) for Node.js, which has no binding for it: twelve's log store uses it
 * to keep the log it writes from piling up in the page cache (see src/logs/page-cache.ts for why).
 *
 * dropCache(fd, offset, length) -> 0, or the error number posix_fadvise returned. On a range of dirty
 * pages it starts their writeback; on clean pages, it frees them. A length of 0 means "to the end".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <node_api.h>
#include <stdint.h>

static napi_value drop_cache(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) {
    napi_throw_type_error(env, NULL, "dropCache(fd, offset, length) takes three numbers");
    return NULL;
  }
  int32_t fd;
  int64_t offset, length;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_int64(env, argv[1], &offset) != napi_ok ||
      napi_get_value_int64(env, argv[2], &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "dropCache(fd, offset, length) takes three numbers");
    return NULL;
  }
  int error = posix_fadvise(fd, (off_t)offset, (off_t)length, POSIX_FADV_DONTNEED);
  napi_value result;
  napi_create_int32(env, error, &result);
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  if (napi_create_function(env, "dropCache", NAPI_AUTO_LENGTH, drop_cache, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "dropCache", fn) != napi_ok) return NULL;
  return exports;
}
