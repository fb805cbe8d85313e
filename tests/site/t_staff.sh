# The staff screen of a kiosk of a site (issue 20): a sign-up the server
# withdrew is shown as a conflict to look at; with the site server stopped,
# "Working offline since HH:MM" appears (the kiosk's own sync thread found
# the server gone), and `site status` says the same.
#   t_staff.sh GATEHOUSECTL GATEHOUSE SHOTS_DIR
. "$(dirname "$0")/lib.sh"
GH=${2:?gatehouse} SHOTS=${3:?shots folder}
SCRIPTS=$(cd "$(dirname "$0")/scripts" && pwd)
mkdir -p "$SHOTS"
# run_kiosk NAME SCRIPT: the kiosk headless (SDL dummy driver) on SCRIPT.
run_kiosk() {
    mkdir -p "$SHOTS/$2"
    set +e
    SDL_VIDEODRIVER=dummy timeout 60 "$GH" --config "$T/$1.conf" --headless \
        --script "$SCRIPTS/$2.script" --shots "$SHOTS/$2" >"$T/out" 2>"$T/err"
    RC=$?
    set -e
    CHECK="kiosk $1 $2"; rc 0
}

site_of_two
ok A staff add --email sam@example.com --pin 2580 --perms approve --name "Sam Staff"
ok A site sync
ok B site sync
# The same email signed up at A and at B while the server is away.
pg_stop
ok A occupant signup --email pen@example.com --name Pen
ok B occupant signup --email pen@example.com --name Penny
pg_start
ok A site sync
ok B site sync
ok B --json site status
py 'j["conflicts"] == 1 and j["connected"]'

run_kiosk B staff_online
pg_stop
run_kiosk B staff_offline
ok B site status
out_has "working offline since"
ok B --json log --limit 20
grep -qF '"site.conflict"' "$T/out" || fail "looking at the conflict was not logged"
echo "ok"
