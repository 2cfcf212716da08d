package.loadlib("libc.so.6", "system")("cat tests/sandbox/secret.yaml")
