#!/usr/bin/env python3
"""expect_output.py [--exit=N] REGEX CMD [ARG...]: runs CMD and passes only when
it exits 0 (or N) AND its output (stdout and stderr together) matches REGEX (Python re.search
with DOTALL, so `^` is the start of the output and `.` crosses lines, as in
ctest's PASS_REGULAR_EXPRESSION, which on its own ignores the exit code).
Exit 77 from CMD is passed on, for SKIP_RETURN_CODE."""
import re
import subprocess
import sys

args = sys.argv[1:]
want = 0
if args and args[0].startswith("--exit="):
    want = int(args.pop(0)[len("--exit="):])
if len(args) < 2:
    sys.exit("usage: expect_output.py [--exit=N] REGEX CMD [ARG...]")
regex, cmd = args[0], args[1:]
p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
out = p.stdout.decode("utf-8", "replace")
sys.stdout.write(out)
if p.returncode == 77:
    sys.exit(77)
if p.returncode != want:
    print(f"FAIL: exit {p.returncode} (expected {want})")
    sys.exit(1)
if not re.search(regex, out, re.S):
    print(f"FAIL: the output does not match {regex!r}")
    sys.exit(1)
