os.execute("cat tests/sandbox/secret.yaml")
