#!/bin/sh
# signup_default_access = all: "New occupant" starts from it (issue 16).
"$1" --db "$2" settings set signup_default_access all >/dev/null
