/*
 * Starting processes without fork(): glibc's posix_spawn clones with CLONE_VM | CLONE_VFORK, so no page
 * table is copied and twelve's memory is never write-protected, as it is after libuv's fork (see
 * src/launch/native-spawner.ts). Also execve, for `twelve serve` to become the node with its flags.
 *
 * spawn(file, argv, envp, cwd, stdoutFd, stderrFd, onExit) -> pid, or -errno when it could not start.
 *   The child gets /dev/null as stdin, stdoutFd and stderrFd as fd 1 and 2, no other descriptor, a
 *   session (and process group) of its own, every signal at its default and none blocked. When it
 *   exits, onExit(code, signal) is called on the event loop (code -1 when killed, signal 0 when not).
 *   While it runs, the event loop stays alive, as with a child of Node's own.
 * exec(file, argv, envp) -> -errno; on success it does not return.
 * supported() -> true where the kernel has pidfd_open (Linux 5.3) and libc is glibc 2.29 or later.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

/* posix_spawn_file_actions_addchdir_np and POSIX_SPAWN_SETSID: glibc 2.29. Elsewhere the addon builds
   (so that a failure here does not take the other addons of the same build with it) but says it is not
   supported, and twelve uses the spawn helper. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
#define SPAWN_SUPPORTED 1
#else
#define SPAWN_SUPPORTED 0
#endif

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref on_exit;
  napi_async_context context;
  pid_t pid;
  int pidfd;
} watch_t;

static int pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

/* A JS string as a malloc'd C string (NULL on failure, with an exception pending). */
static char *string_of(napi_env env, napi_value value) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string");
    return NULL;
  }
  char *text = malloc(length + 1);
  if (text) napi_get_value_string_utf8(env, value, text, length + 1, &length);
  return text;
}

static void free_strings(char **strings) {
  if (!strings) return;
  for (char **s = strings; *s; s++) free(*s);
  free(strings);
}

/* A JS array of strings as a NULL-terminated vector. */
static char **strings_of(napi_env env, napi_value array) {
  uint32_t count;
  if (napi_get_array_length(env, array, &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected an array of strings");
    return NULL;
  }
  char **strings = calloc(count + 1, sizeof(char *));
  if (!strings) return NULL;
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    napi_get_element(env, array, i, &item);
    strings[i] = string_of(env, item);
    if (!strings[i]) {
      free_strings(strings);
      return NULL;
    }
  }
  return strings;
}

static napi_value number(napi_env env, int32_t value) {
  napi_value result;
  napi_create_int32(env, value, &result);
  return result;
}

static void watch_closed(uv_handle_t *handle) { free(handle->data); }

static void child_exited(uv_poll_t *poll, int status, int events) {
  (void)status;
  (void)events;
  watch_t *watch = poll->data;
  siginfo_t info;
  memset(&info, 0, sizeof info);
  if (waitid(P_PIDFD, (id_t)watch->pidfd, &info, WEXITED | WNOHANG) != 0 && errno == EINVAL)
    waitid(P_PID, (id_t)watch->pid, &info, WEXITED | WNOHANG); /* a kernel before 5.4 */
  if (info.si_pid == 0) return; /* not yet: a spurious wake-up */
  uv_poll_stop(poll);
  close(watch->pidfd);
  int32_t code = info.si_code == CLD_EXITED ? info.si_status : -1;
  int32_t signal = info.si_code == CLD_EXITED ? 0 : info.si_status;

  napi_env env = watch->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value callback, global, argv[2] = {number(env, code), number(env, signal)};
  napi_get_reference_value(env, watch->on_exit, &callback);
  napi_get_global(env, &global);
  /* make_callback, not call_function: it runs the ticks and microtasks the callback queues. */
  if (napi_make_callback(env, watch->context, global, callback, 2, argv, NULL) == napi_pending_exception) {
    /* A listener threw: uncaught, as it would be from a ChildProcess's 'exit'. */
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_close_handle_scope(env, scope);
  napi_delete_reference(env, watch->on_exit);
  napi_async_destroy(env, watch->context);
  uv_close((uv_handle_t *)poll, watch_closed);
}

static void make_blocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0 && (flags & O_NONBLOCK)) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

#if SPAWN_SUPPORTED
static int start(const char *file, char **argv, char **envp, const char *cwd, int out, int err, pid_t *pid) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  /* glibc keeps its own two (SIGCANCEL, SIGSETXID) out of sigfillset, and its posix_spawn then leaves them
     ignored in the child, ignored for good after exec: they are set here by hand, as bits of the set. */
  for (int sig = SIGRTMIN - 2; sig < SIGRTMIN; sig++)
    all.__val[(sig - 1) / (8 * sizeof all.__val[0])] |= 1UL << ((sig - 1) % (8 * sizeof all.__val[0]));
  /* libuv made twelve's sockets non-blocking, and a child writing to one would stop at the first EAGAIN.
     libuv's spawn makes the child's stdio blocking in the child; here it is done before, on the child's
     ends, which twelve only holds until it closes them after the spawn. */
  make_blocking(out);
  make_blocking(err);
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  /* dup2 onto itself would keep FD_CLOEXEC on some libcs: twelve's descriptors are all above 2 anyway. */
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
#if __GLIBC__ > 2 || __GLIBC_MINOR__ >= 34
  posix_spawn_file_actions_addclosefrom_np(&actions, 3); /* else: twelve's descriptors are all close-on-exec */
#endif
  if (cwd[0]) posix_spawn_file_actions_addchdir_np(&actions, cwd);
  /* Node ignores SIGPIPE, and an ignored signal stays ignored across exec. */
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  int error = posix_spawn(pid, file, &actions, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return error;
}
#else
static int start(const char *file, char **argv, char **envp, const char *cwd, int out, int err, pid_t *pid) {
  (void)file, (void)argv, (void)envp, (void)cwd, (void)out, (void)err, (void)pid;
  return ENOSYS;
}
#endif

static napi_value spawn(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value args[7];
  int32_t out, err;
  napi_valuetype type;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 7 ||
      napi_get_value_int32(env, args[4], &out) != napi_ok || napi_get_value_int32(env, args[5], &err) != napi_ok ||
      napi_typeof(env, args[6], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, "spawn(file, argv, envp, cwd, stdoutFd, stderrFd, onExit)");
    return NULL;
  }
  char *file = string_of(env, args[0]);
  char **argv = file ? strings_of(env, args[1]) : NULL;
  char **envp = argv ? strings_of(env, args[2]) : NULL;
  char *cwd = envp ? string_of(env, args[3]) : NULL;
  napi_value result = NULL;
  if (!cwd) goto done;

  pid_t pid;
  int error = start(file, argv, envp, cwd, out, err, &pid);
  if (error) {
    result = number(env, -error);
    goto done;
  }
  watch_t *watch = calloc(1, sizeof *watch);
  uv_loop_t *loop;
  watch->env = env;
  watch->pid = pid;
  watch->pidfd = pidfd_open(pid);
  napi_get_uv_event_loop(env, &loop);
  if (watch->pidfd < 0 || uv_poll_init(loop, &watch->poll, watch->pidfd) != 0) {
    /* Cannot be watched: stop it rather than leave a process nobody reaps. */
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    if (watch->pidfd >= 0) close(watch->pidfd);
    free(watch);
    result = number(env, -EAGAIN);
    goto done;
  }
  napi_value name;
  napi_create_string_utf8(env, "twelve:spawn", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &watch->context);
  napi_create_reference(env, args[6], 1, &watch->on_exit);
  watch->poll.data = watch;
  uv_poll_start(&watch->poll, UV_READABLE, child_exited);
  result = number(env, pid);
done:
  free(file);
  free_strings(argv);
  free_strings(envp);
  free(cwd);
  return result;
}

static napi_value exec(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 3) {
    napi_throw_type_error(env, NULL, "exec(file, argv, envp)");
    return NULL;
  }
  char *file = string_of(env, args[0]);
  char **argv = file ? strings_of(env, args[1]) : NULL;
  char **envp = argv ? strings_of(env, args[2]) : NULL;
  if (!envp) {
    free(file);
    free_strings(argv);
    return NULL;
  }
  /* Node's stdio as node found it: libuv may have made it close-on-exec (it would be /dev/null after the
     exec) and non-blocking (which Node's exit would have undone, and exec does not). */
  for (int fd = 0; fd <= 2; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && (flags & FD_CLOEXEC)) fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
    make_blocking(fd);
  }
  execve(file, argv, envp);
  int error = errno;
  free(file);
  free_strings(argv);
  free_strings(envp);
  return number(env, -error);
}

static napi_value supported(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = SPAWN_SUPPORTED ? pidfd_open(getpid()) : -1;
  if (fd >= 0) close(fd);
  napi_value result;
  napi_get_boolean(env, fd >= 0, &result);
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor functions[] = {
      {"spawn", NULL, spawn, NULL, NULL, NULL, napi_default, NULL},
      {"exec", NULL, exec, NULL, NULL, NULL, napi_default, NULL},
      {"supported", NULL, supported, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, 3, functions) != napi_ok) return NULL;
  return exports;
}
