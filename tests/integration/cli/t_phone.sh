# Phone numbers (issue 11): stored in E.164; with the setting phone_country
# (the site's calling code, default 1) a national 0... number and an
# international 00... one are the same number as the + form, for adding,
# finding (WHO), importing and uniqueness.
. "$(dirname "$0")/lib.sh"

ok init
ok settings show
out_has "phone_country"
ok occupant add --email a@x.test --phone +15550100000
refused occupant add --email b@x.test --phone 15550100000
err_has "phone: this phone number is already registered"
refused occupant add --email c@x.test --phone 0015550100000
err_has "already registered"
refused occupant add --email d@x.test --phone "(555) 010-0000"
err_has "already registered"
ok --json occupant list
py 'len(j) == 1 and j[0]["phone"] == "+15550100000"'
for who in 15550100000 0015550100000 "555 010 0000"; do
    ok --json occupant show "$who"
    py 'j["email"] == "a@x.test"'
done

# A site in the UK.
refused settings set phone_country +44
err_has "phone_country: "
refused settings set phone_country 1000
ok settings set phone_country 44
ok occupant add --email uk@x.test --phone 07700900777
ok --json occupant show +447700900777
py 'j["email"] == "uk@x.test" and j["phone"] == "+447700900777"'
ok --json occupant show "07700 900 777"
py 'j["email"] == "uk@x.test"'
refused occupant add --email uk2@x.test --phone "+44 7700 900777"
err_has "already registered"
ok --json occupant show 0015550100000
py 'j["email"] == "a@x.test"'

# An import: the national form of a stored number is no change.
printf 'email,name,phone,unit\nuk@x.test,,07700 900777,\nnew@x.test,New,0044 7700 900888,\nclash@x.test,,+447700900888,\n' >"$T/p.csv"
CHECK="import"; ctl import "$T/p.csv" --no-welcome; rc 1
out_has "1 created, 0 updated, 1 unchanged, 1 skipped"
err_has "line 4: phone: this phone number is already registered"
ok --json occupant show 07700900888
py 'j["email"] == "new@x.test" and j["phone"] == "+447700900888"'

# Numbers stored by an older version without their country code are put in
# E.164 when phone_country is set.
sql "UPDATE accounts SET phone = '07700 900999', phone_key = '07700900999' WHERE email = 'new@x.test'"
ok settings set phone_country 44
ok --json occupant show +447700900999
py 'j["email"] == "new@x.test" and j["phone"] == "+447700900999"'
ok log --limit 1
out_has "put in E.164"
echo PASS
