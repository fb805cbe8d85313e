# SPEC/contract: --help everywhere, --version, exit 2 for usage errors with a
# usage line, exit 1 for a missing database.
. "$(dirname "$0")/lib.sh"

ok --help
out_has "usage: gatehousectl [--config FILE] [--db FILE] [--json] COMMAND"
for c in "init" "settings set KEY VALUE" "location add NAME" "group member add NAME WHO" \
         "staff add --email E --perms P1,P2 [--pin PIN]" "staff set-perms WHO P1,P2" "occupant signup --email E" \
         "occupant setup WHO --code CODE --pin PIN" "unit share UNIT on|off" \
         "door check DOOR --as WHO" "log verify" "outbox show ID" "import FILE.csv"; do
    out_has "$c"
done
ok --version
out_has "gatehousectl 0."
ok occupant --help
out_has "occupant add"; out_has "occupant resend-welcome"; out_lacks "staff add"
ok occupant add --help
out_has "usage: gatehousectl occupant add --email E"
out_has "--locations A,B"
ok group member --help
out_has "group member add"; out_has "group member remove"; out_lacks "group archive"
ok staff add --help
out_has "--pin -"

# Usage errors: exit 2, one message and the usage line on stderr.
CHECK="no command"; "$GHCTL" >"$T/out" 2>"$T/err" && RC=0 || RC=$?; rc 2
err_has "usage:"
usage frobnicate
err_has "unknown command 'frobnicate'"
usage --bogus init
err_has "unknown option '--bogus'"
usage occupant
err_has "which one?"; err_has "occupant add"
usage occupant frob
err_has "unknown command 'occupant frob'"
ok init
usage occupant add --email a@example.com --colour blue
err_has "unknown option '--colour'"; err_has "usage: gatehousectl occupant add"
usage occupant add --name X
err_has "--email is required"
usage occupant add --email a@example.com --email b@example.com
err_has "given twice"
usage occupant add --email
err_has "needs a value"
usage occupant show
err_has "missing argument"
usage occupant show a b
err_has "unexpected argument 'b'"
usage occupant add --email a@example.com --all --group G
err_has "only one of"
usage occupant set-state 1 pending
usage location add X --door garage
usage location add X --door unit --unlock-ms soon
usage log --limit many
usage outbox list --state lost
usage door check Gate
err_has "--as WHO is required"
usage unit share "Unit 1" maybe

# A missing database is refused (exit 1) by everything but init.
CHECK="missing db"
"$GHCTL" --db "$T/nope.db" occupant list >"$T/out" 2>"$T/err" && RC=0 || RC=$?
rc 1
err_has "no database at"
[ ! -e "$T/nope.db" ] || fail "a missing database was created"
echo PASS
