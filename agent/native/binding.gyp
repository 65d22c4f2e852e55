{
  "targets": [
    {
      "target_name": "floe_io",
      "sources": ["floe-io.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Werror"]
    }
  ]
}
