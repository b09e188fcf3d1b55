{
  "targets": [
    {
      "target_name": "page_cache",
      "sources": ["page-cache.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    },
    {
      "target_name": "process_spawn",
      "sources": ["process-spawn.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    },
    {
      "target_name": "tcp_listeners",
      "sources": ["tcp-listeners.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    },
    {
      "target_name": "twelve-launch",
      "type": "executable",
      "sources": ["sandbox-launch.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    },
    {
      "target_name": "socket_state",
      "sources": ["socket-state.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
