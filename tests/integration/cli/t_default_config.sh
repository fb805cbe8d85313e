# t_default_config.sh: without --config, gatehousectl uses the configuration
# the kiosk runs with ($GATEHOUSE_CONFIG here; /etc/gatehouse/gatehouse.conf
# when installed), so a plain `gatehousectl init` as in docs/operations.md
# works on the kiosk's database, not on ./gatehouse.db. --config and --db
# still win; a missing or unreadable default is the built-in defaults.
. "$(dirname "$0")/lib.sh"

mkdir "$T/etc" "$T/var" "$T/cwd"
cat >"$T/etc/k.conf" <<CONF
[store]
path = $T/var/kiosk.db
CONF
# plain COMMAND: the environment's configuration names the database.
plain() {
    set +e
    (cd "$T/cwd" && "$GHCTL" "$@") >"$T/out" 2>"$T/err" </dev/null
    RC=$?
    set -e
    sanitizer_check
}

CHECK="init with GATEHOUSE_CONFIG"
GATEHOUSE_CONFIG="$T/etc/k.conf" plain init; rc 0
[ -f "$T/var/kiosk.db" ] || fail "init did not create the configured database"
[ ! -e "$T/cwd/gatehouse.db" ] || fail "init created ./gatehouse.db instead"
CHECK="staff add with GATEHOUSE_CONFIG"
GATEHOUSE_CONFIG="$T/etc/k.conf" plain staff add --email admin@example.org --pin 246810 --perms admin
rc 0
CHECK="staff list with GATEHOUSE_CONFIG"
GATEHOUSE_CONFIG="$T/etc/k.conf" plain staff list; rc 0
out_has admin@example.org

# --db still names the database; --config wins over the environment.
CHECK="--db over GATEHOUSE_CONFIG"
GATEHOUSE_CONFIG="$T/etc/k.conf" plain --db "$T/other.db" init; rc 0
[ -f "$T/other.db" ] || fail "--db was not used"
printf '[store]\npath = %s\n' "$T/third.db" >"$T/third.conf"
CHECK="--config over GATEHOUSE_CONFIG"
GATEHOUSE_CONFIG="$T/etc/k.conf" plain --config "$T/third.conf" init; rc 0
[ -f "$T/third.db" ] || fail "--config did not win over GATEHOUSE_CONFIG"

# An explicit configuration with a bad line is an error naming it.
printf '[store]\nthis is not a setting\n' >"$T/bad.conf"
CHECK="bad GATEHOUSE_CONFIG"
GATEHOUSE_CONFIG="$T/bad.conf" plain staff list; rc 1
err_has bad.conf

# The help names where the configuration comes from.
CHECK="--help"
plain --help; rc 0
out_has "/etc/gatehouse/gatehouse.conf"
out_has "GATEHOUSE_CONFIG"
echo PASS
