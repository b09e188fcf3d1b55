{
  "targets": [
    {
      "target_name": "page_cache",
      "sources": ["page-cache.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
