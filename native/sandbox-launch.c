/*
 * The first step of a sandboxed process (src/sandbox/sandbox-argv.ts): what `unshare --mount` and the
 * launch script's shell do, in one exec instead of six (unshare, sh, mount, mkdir, chown, mount), which
 * was most of a sandboxed start (docs/security.md, "What a start costs").
 *
 * twelve-launch PROCS OPEN_FILES APP_DIR MOUNT_POINT UID GID SCRATCH_MB VIEW BWRAP [BWRAP_ARGS...]
 *   PROCS       cgroup.procs files to join, newline-separated (may be empty)
 *   OPEN_FILES  RLIMIT_NOFILE, soft and hard
 *   APP_DIR     the build's directory under a private /app, or empty: /app is bound as it is
 *   MOUNT_POINT where the private /app is mounted in this process's own mount namespace
 *   UID GID     the owner of the overlay's upper layer (the app's user)
 *   SCRATCH_MB  the size of the tmpfs under it
 *   VIEW        overlay (the only view this launcher makes; `copy` goes through the shell script)
 * then execs BWRAP with its arguments, keeping the pid (the process group's leader).
 * Any failure exits 125 with a line on stderr, before anything of the app runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "twelve-launch: %s%s%s: %s\n", what, detail ? " " : "", detail ? detail : "", strerror(errno));
  exit(125);
}

static unsigned long number(const char *text, const char *what) {
  char *end;
  errno = 0;
  unsigned long value = strtoul(text, &end, 10);
  if (errno != 0 || *text == '\0' || *end != '\0') {
    errno = EINVAL;
    fail(what, text);
  }
  return value;
}

static void join_cgroups(char *procs) {
  char pid[24];
  int length = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
  for (char *file = strtok(procs, "\n"); file; file = strtok(NULL, "\n")) {
    int fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail("open", file);
    if (write(fd, pid, (size_t)length) != length) fail("join cgroup", file);
    close(fd);
  }
}

static void make_dir(const char *parent, const char *name) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", parent, name) >= sizeof path) {
    errno = ENAMETOOLONG;
    fail("mkdir", parent);
  }
  if (mkdir(path, 0755) != 0) fail("mkdir", path);
}

static void private_app(const char *app_dir, const char *mount_point, uid_t uid, gid_t gid, unsigned long scratch_mb) {
  char options[8192];
  snprintf(options, sizeof options, "size=%lum,mode=0755", scratch_mb);
  if (mount("twelve-app", mount_point, "tmpfs", 0, options) != 0) fail("mount tmpfs on", mount_point);
  make_dir(mount_point, "upper");
  make_dir(mount_point, "work");
  make_dir(mount_point, "app");
  char upper[4096], app[4096];
  snprintf(upper, sizeof upper, "%s/upper", mount_point);
  snprintf(app, sizeof app, "%s/app", mount_point);
  if (chown(upper, uid, gid) != 0) fail("chown", upper);
  if ((size_t)snprintf(options, sizeof options, "lowerdir=%s,upperdir=%s/upper,workdir=%s/work", app_dir, mount_point, mount_point) >= sizeof options) {
    errno = ENAMETOOLONG;
    fail("overlay options for", app_dir);
  }
  if (mount("overlay", app, "overlay", 0, options) != 0) fail("mount overlay on", app);
}

int main(int argc, char **argv) {
  if (argc < 10) {
    fprintf(stderr, "usage: twelve-launch PROCS OPEN_FILES APP_DIR MOUNT_POINT UID GID SCRATCH_MB VIEW BWRAP [ARGS...]\n");
    return 125;
  }
  join_cgroups(argv[1]);
  rlim_t open_files = (rlim_t)number(argv[2], "open files");
  struct rlimit limit = { open_files, open_files };
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) fail("setrlimit", argv[2]);
  if (unshare(CLONE_NEWNS) != 0) fail("unshare", "a mount namespace");
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) fail("make private", "/");
  if (argv[3][0] != '\0') {
    if (strcmp(argv[8], "overlay") != 0) {
      errno = EINVAL;
      fail("app view", argv[8]);
    }
    private_app(argv[3], argv[4], (uid_t)number(argv[5], "uid"), (gid_t)number(argv[6], "gid"), number(argv[7], "scratch size"));
  }
  execv(argv[9], argv + 9);
  fail("exec", argv[9]);
  return 125;
}
