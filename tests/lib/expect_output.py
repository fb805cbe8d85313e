#!/usr/bin/env python3
"""expect_output.py REGEX CMD [ARG...]: runs CMD and passes only when it exits
0 AND its output (stdout and stderr together) matches REGEX (Python re.search
with DOTALL, so `^` is the start of the output and `.` crosses lines, as in
ctest's PASS_REGULAR_EXPRESSION, which on its own ignores the exit code).
Exit 77 from CMD is passed on, for SKIP_RETURN_CODE."""
import re
import subprocess
import sys

if len(sys.argv) < 3:
    sys.exit("usage: expect_output.py REGEX CMD [ARG...]")
regex, cmd = sys.argv[1], sys.argv[2:]
p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
out = p.stdout.decode("utf-8", "replace")
sys.stdout.write(out)
if p.returncode == 77:
    sys.exit(77)
if p.returncode != 0:
    print(f"FAIL: exit {p.returncode} (expected 0)")
    sys.exit(1)
if not re.search(regex, out, re.S):
    print(f"FAIL: the output does not match {regex!r}")
    sys.exit(1)
