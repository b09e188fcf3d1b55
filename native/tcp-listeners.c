/*
 * The sockets listening on one TCP port, asked of the kernel over sock_diag netlink (as `ss -ltn` does):
 * only listening sockets come back, where /proc/net/tcp lists every connection of the machine (thousands
 * during a scale, each up check's own connect among them) and must be read and parsed whole
 * (see src/run/port-owner.ts).
 *
 * inodes(port) -> the socket inodes listening on port over IPv4 and IPv6 (an array of numbers),
 *   or -errno when the kernel could not be asked.
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TCP_LISTEN_STATE 10
#define MAX_INODES 64

/* Dumps one family's listening sockets, appending the inodes of those on `port`; 0 or -errno. */
static int dump(int family, uint16_t port, uint32_t *inodes, int *count) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return -errno;
  struct {
    struct nlmsghdr header;
    struct inet_diag_req_v2 request;
  } message;
  memset(&message, 0, sizeof message);
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.request.sdiag_family = (uint8_t)family;
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = 1u << TCP_LISTEN_STATE;
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  if (sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
    int error = -errno;
    close(fd);
    return error;
  }
  char buffer[16384] __attribute__((aligned(4)));
  for (;;) {
    ssize_t length = recv(fd, buffer, sizeof buffer, 0);
    if (length < 0) {
      if (errno == EINTR) continue;
      int error = -errno;
      close(fd);
      return error;
    }
    for (struct nlmsghdr *header = (struct nlmsghdr *)buffer; NLMSG_OK(header, (size_t)length); header = NLMSG_NEXT(header, length)) {
      if (header->nlmsg_type == NLMSG_DONE) {
        close(fd);
        return 0;
      }
      if (header->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *failure = (struct nlmsgerr *)NLMSG_DATA(header);
        close(fd);
        return failure->error < 0 ? failure->error : -EIO;
      }
      struct inet_diag_msg *socket_info = (struct inet_diag_msg *)NLMSG_DATA(header);
      if (ntohs(socket_info->id.idiag_sport) == port && *count < MAX_INODES) inodes[(*count)++] = socket_info->idiag_inode;
    }
  }
}

static napi_value inodes_on(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t port;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 ||
      napi_get_value_uint32(env, argv[0], &port) != napi_ok || port > 65535) {
    napi_throw_type_error(env, NULL, "expected a port");
    return NULL;
  }
  uint32_t inodes[MAX_INODES];
  int count = 0;
  int error = dump(AF_INET, (uint16_t)port, inodes, &count);
  /* A kernel without IPv6 has no IPv6 listener to tell of. */
  if (error == 0) dump(AF_INET6, (uint16_t)port, inodes, &count);
  napi_value result;
  if (error != 0) {
    napi_create_int32(env, error, &result);
    return result;
  }
  napi_create_array_with_length(env, (size_t)count, &result);
  for (int i = 0; i < count; i++) {
    napi_value inode;
    napi_create_uint32(env, inodes[i], &inode);
    napi_set_element(env, result, (uint32_t)i, inode);
  }
  return result;
}

NAPI_MODULE_INIT() {
  napi_value function;
  napi_create_function(env, "inodes", NAPI_AUTO_LENGTH, inodes_on, NULL, &function);
  napi_set_named_property(env, exports, "inodes", function);
  return exports;
}
