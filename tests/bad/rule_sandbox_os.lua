return os.execute("id")
