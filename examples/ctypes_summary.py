#!/usr/bin/env python3
"""covengine from Python through ctypes: load the built-in snapshot, run the
installed default rules and print the Markdown report's executive summary.

    python3 ctypes_summary.py /path/to/prefix/lib/libcovengine.so
"""
import ctypes
import sys


class CovError(ctypes.Structure):
    # struct cov_error from covengine.h
    _fields_ = [("code", ctypes.c_int), ("line", ctypes.c_int), ("column", ctypes.c_int),
                ("file", ctypes.c_char * 1024), ("message", ctypes.c_char * 1024),
                ("traceback", ctypes.c_char * 4096)]


def main():
    lib = ctypes.CDLL(sys.argv[1] if len(sys.argv) > 1 else "libcovengine.so")
    lib.cov_engine_new.restype = ctypes.c_void_p
    lib.cov_engine_free.argtypes = [ctypes.c_void_p]
    lib.cov_load_snapshot.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(CovError)]
    lib.cov_default_rules.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    lib.cov_run_rules.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                  ctypes.c_void_p, ctypes.POINTER(CovError)]
    lib.cov_report.restype = ctypes.c_char_p
    lib.cov_report.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.cov_version.restype = ctypes.c_char_p

    err = CovError()
    engine = lib.cov_engine_new()
    try:
        if lib.cov_load_snapshot(engine, 0, ctypes.byref(err)) != 0:
            sys.exit(f"covengine: {err.message.decode()}")
        rules = ctypes.create_string_buffer(4096)
        if lib.cov_default_rules(rules, len(rules)) != 0:
            sys.exit(f"covengine: no installed rules at {rules.value.decode()}")
        if lib.cov_run_rules(engine, rules.value, 0, None, ctypes.byref(err)) != 0:
            sys.exit(f"covengine: {err.file.decode()}:{err.line}: {err.message.decode()}")
        report = lib.cov_report(engine, None).decode()
    finally:
        lib.cov_engine_free(engine)
    summary = report.split("## Executive summary", 1)[1].split("\n## ", 1)[0]
    print(f"covengine {lib.cov_version().decode()} via ctypes:")
    print(summary.strip())


if __name__ == "__main__":
    main()
