# gatehousectl import with the site's [import] columns mapping (issue 18):
# a real export's headers (SiteLink- and storEDGE-style, BOM, CRLF, every
# field quoted, commas and quotes inside, columns we don't use) map
# case-insensitively; a missing mapped column is named; the delinquent
# values; import_default_access (all, none, group:NAME, site) and the
# per-row access column; `unit overlock` by hand and overlock_gates.
. "$(dirname "$0")/lib.sh"

small_site
ok location add "Site B"
ok location add "B Gate" --parent "Site B" --door common
ok location add "B1" --parent "Site B" --door unit
ok location add "B2" --parent "Site B" --door unit
ok group add Night --all

cat >"$T/sitelink.conf" <<'CONF'
[import]
columns = email=Email Address, phone=Cell Phone, name=Tenant Name, unit=Unit, delinquent=Past Due
CONF
# SiteLink-style "Rent Roll" export: BOM, CRLF, all fields quoted.
printf '\xef\xbb\xbf"Site","UNIT","Tenant Name","email address","Cell Phone","Past Due","Move In Date"\r\n' >"$T/sl.csv"
printf '"Main","Unit 1","Smith, John ""Jack""","john@example.com","+44 7700 900001","$1,250.00","01/02/2020"\r\n' >>"$T/sl.csv"
printf '"Main","Unit 2","Ng, Li","li@example.com","","0.00","03/04/2021"\r\n' >>"$T/sl.csv"
printf '"Main","Unit 3","Roe, Al","al@example.com","","soon","03/04/2021"\r\n' >>"$T/sl.csv"
CHECK="sitelink import"
set +e
"$GHCTL" --config "$T/sitelink.conf" --db "$DB" --json import "$T/sl.csv" --no-welcome >"$T/out" 2>"$T/err"
RC=$?; set -e; rc 1
err_has "line 4: delinquent: 'soon' is not yes/no, 1/0, true/false or an amount"
py 'j["created"] == 2 and j["overlocked"] == 1 and j["skipped"] == 1'
ok --json occupant show john@example.com
py 'j["name"] == "Smith, John \"Jack\"" and j["units"] == ["Unit 1"] and j["phone"] == "+447700900001"'
refused --json door check "Unit 1" --as john@example.com
py 'j["reason"] == "Your unit is locked for an overdue balance; please see the office."'
ok door check "Unit 2" --as li@example.com

# A missing mapped column is named, with the header it was mapped to.
printf 'Unit,Tenant Name,Cell Phone,Past Due\nUnit 1,X,,\n' >"$T/nomail.csv"
set +e
"$GHCTL" --config "$T/sitelink.conf" --db "$DB" import "$T/nomail.csv" >"$T/out" 2>"$T/err"
RC=$?; set -e; rc 1
err_has "line 1: missing column 'Email Address' (email)"
# Without the mapping the same export is refused, naming the first header.
refused import "$T/sl.csv"
err_has "unknown column 'Site'"

# storEDGE-style export, another mapping; the delinquent spellings.
cat >"$T/se.conf" <<'CONF'
[import]
columns = email = Email, name = Tenant, phone = Mobile Phone, unit = Unit Number, delinquent = Delinquent
CONF
printf 'Unit Number,Tenant,Email,Mobile Phone,Delinquent,Balance\n' >"$T/se.csv"
printf 'Unit 3,Ola,ola@example.com,,YES,10\nB1,Pat,pat@example.com,,true,0\nB2,Quin,quin@example.com,,1,0\n' >>"$T/se.csv"
CHECK="storedge import"
set +e
"$GHCTL" --config "$T/se.conf" --db "$DB" import "$T/se.csv" --no-welcome >"$T/out" 2>"$T/err"
RC=$?; set -e; rc 0
out_has "3 created"; out_has "3 overlocked"
printf 'Unit Number,Tenant,Email,Mobile Phone,Delinquent\nUnit 3,Ola,ola@example.com,,no\nB1,Pat,pat@example.com,,0\nB2,Quin,quin@example.com,,FALSE\n' >"$T/se2.csv"
set +e
"$GHCTL" --config "$T/se.conf" --db "$DB" import "$T/se2.csv" >"$T/out" 2>"$T/err"
RC=$?; set -e; rc 0
out_has "3 released"
ok door check "Unit 3" --as ola@example.com

# import_default_access and the access column.
ok settings set import_default_access none
printf 'email,name,phone,unit\nnone@example.com,N,,\n' >"$T/a1.csv"
ok import "$T/a1.csv" --no-welcome
ok --json occupant show none@example.com
py 'j["access"] == "none"'
ok settings set import_default_access group:Night
printf 'email,name,phone,unit\nnight@example.com,N,,\n' >"$T/a2.csv"
ok import "$T/a2.csv" --no-welcome
ok --json occupant show night@example.com
py 'j["access"] == "group" and j["group"] == "Night"'
ok settings set import_default_access site
printf 'email,name,phone,unit,access\nsite@example.com,S,,B1,\nsite@example.com,S,,Unit 3,\nrow@example.com,R,,,all\nb2@example.com,T,,B2,\n' >"$T/a3.csv"
ok unit vacate B1
ok unit vacate B2
ok unit vacate "Unit 3"
ok import "$T/a3.csv" --no-welcome
ok --json occupant show site@example.com
py 'j["access"] == "specific" and sorted(j["units"]) == ["B1", "Unit 3"]'
ok door check "B Gate" --as site@example.com
ok door check "Gate" --as site@example.com
# b2 rents only in Site B: Site B's doors, not Site's.
ok door check "B Gate" --as b2@example.com
refused door check "Gate" --as b2@example.com
out_has "outside your access"
ok --json occupant show row@example.com
py 'j["access"] == "all"'
refused settings set import_default_access everyone
err_has "import_default_access: must be all, none, site or group:NAME"
printf 'email,name,phone,unit,access\nbad@example.com,B,,,most\n' >"$T/a4.csv"
refused import "$T/a4.csv"
err_has "line 2: access: 'most' is not all, none, site or group:NAME"

# unit overlock by hand; common doors open unless overlock_gates.
ok unit overlock "Unit 2" on
out_has "overlocked"
refused door check "Unit 2" --as li@example.com
out_has "Your unit is locked for an overdue balance; please see the office."
ok door check Gate --as li@example.com
ok settings set overlock_gates on
refused door check Gate --as li@example.com
out_has "overdue balance"
ok --json unit overlock "Unit 2"
py 'j["overlocked"] == True'
# A file's release does not lift a lock set by hand.
printf 'email,name,phone,unit,delinquent\nli@example.com,"Ng, Li",,Unit 2,no\n' >"$T/li.csv"
ok import "$T/li.csv"
refused door check "Unit 2" --as li@example.com
ok unit overlock "Unit 2" off
ok door check "Unit 2" --as li@example.com
ok door check Gate --as li@example.com
# Vacating ends it: the same tenant renting the unit again starts clean.
ok unit overlock "Unit 2" on
ok unit vacate "Unit 2"
ok unit rent "Unit 2" --occupant li@example.com
ok door check "Unit 2" --as li@example.com
ok unit overlock "Unit 1" off
ok door check "Unit 1" --as john@example.com
ok unit vacate "Unit 1"
refused unit overlock "Unit 1" on
err_has "vacant"
refused unit overlock Gate on
err_has "not a unit"
usage unit overlock "Unit 2" maybe
ok log --limit 30
out_has "unit.overlock"
ok log verify
echo PASS
