print(loadfile("tests/sandbox/secret.yaml"))
