#!/usr/bin/env python3
"""werror_check.py BUILD_DIR SOURCE_DIR: every C file of the project compiled
in BUILD_DIR (compile_commands.json) is compiled with the project's warning
set and -Werror, whatever the build type (issue 14: keep -Werror for the
project's own code in every build type)."""
import json
import os
import shlex
import sys

build, src = sys.argv[1], os.path.realpath(sys.argv[2])
WANT = ["-Wall", "-Wextra", "-Werror"]
with open(os.path.join(build, "compile_commands.json")) as f:
    entries = json.load(f)
bad, seen = [], 0
for e in entries:
    path = os.path.realpath(os.path.join(e["directory"], e["file"]))
    if not path.startswith(src + os.sep) or not path.endswith(".c"):
        continue
    seen += 1
    args = e.get("arguments") or shlex.split(e["command"])
    missing = [w for w in WANT if w not in args]
    if missing or "-Wno-error" in args:
        bad.append(f"{os.path.relpath(path, src)}: missing {' '.join(missing) or '(has -Wno-error)'}")
if not seen:
    sys.exit("FAIL: no project source in compile_commands.json")
if bad:
    print("FAIL:", *bad, sep="\n  ")
    sys.exit(1)
print(f"ok: {seen} compile commands have {' '.join(WANT)}")
