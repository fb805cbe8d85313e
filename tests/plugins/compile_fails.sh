#!/bin/sh
# compile_fails.sh CC SOURCE CFLAGS...: SOURCE (tests/plugins/calls_core.c)
# compiles as a plugin when it calls the core through host->core, and does
# not compile when it calls gh_account_get() by name, with an error that
# names the table member to use. Prints "ok" and exits 0, else says what
# went wrong and exits 1.
set -u
cc=$1 src=$2
shift 2
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
if ! "$cc" -std=gnu11 -fPIC -Wall -Wextra -Wno-unused-parameter -DGHT_THROUGH_TABLE \
        "$@" -c "$src" -o "$out/table.o" 2>"$out/table.err"; then
    echo "FAIL: the control (the call through host->core) does not compile:"
    cat "$out/table.err"
    exit 1
fi
if "$cc" -std=gnu11 -fPIC -Wall -Wextra -Wno-unused-parameter \
        "$@" -c "$src" -o "$out/direct.o" 2>"$out/direct.err"; then
    echo "FAIL: a plugin calling gh_account_get() by name compiled"
    exit 1
fi
want='gh_account_get() is the core'"'"'s: a plugin calls host->core->account_get'
if ! grep -qF "$want" "$out/direct.err"; then
    echo "FAIL: it did not compile, but not for the reason expected ($want):"
    cat "$out/direct.err"
    exit 1
fi
echo ok
