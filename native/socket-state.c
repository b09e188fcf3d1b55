/*
 * What the kernel knows of a TCP connection and Node.js does not tell: how many bytes written to it the
 * peer has not acknowledged (SIOCOUTQ), and the error pending on it (SO_ERROR). Syslog drains use them
 * when a receiver closes the connection, to tell lines it never got from lines it did (see
 * src/logs/drains/socket-state.ts).
 *
 * unacknowledged(fd) -> bytes, or -errno
 * pendingError(fd)   -> the pending error number (reading it clears it), 0 for none, or -errno
 */
#include <errno.h>
#include <linux/sockios.h>
#include <node_api.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static int fd_argument(napi_env env, napi_callback_info info, int32_t *fd) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 ||
      napi_get_value_int32(env, argv[0], fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a file descriptor");
    return 0;
  }
  return 1;
}

static napi_value number(napi_env env, int32_t value) {
  napi_value result;
  napi_create_int32(env, value, &result);
  return result;
}

static napi_value unacknowledged(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!fd_argument(env, info, &fd)) return NULL;
  int bytes = 0;
  return number(env, ioctl(fd, SIOCOUTQ, &bytes) == 0 ? bytes : -errno);
}

static napi_value pending_error(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!fd_argument(env, info, &fd)) return NULL;
  int error = 0;
  socklen_t length = sizeof error;
  return number(env, getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 ? error : -errno);
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor functions[] = {
      {"unacknowledged", NULL, unacknowledged, NULL, NULL, NULL, napi_default, NULL},
      {"pendingError", NULL, pending_error, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, 2, functions) != napi_ok) return NULL;
  return exports;
}
