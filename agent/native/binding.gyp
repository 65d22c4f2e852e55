{
  "targets": [
    {
      "target_name": "floe_io",
      "sources": ["floe-io.c", "crc32-fold.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Werror"]
    }
  ]
}
