dofile("tests/sandbox/secret.yaml")
