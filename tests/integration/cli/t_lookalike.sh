# Input that means one thing (issue 11): an address that looks like another
# (full-width or Cyrillic letters, zero-width or text-direction characters)
# is refused naming the character's position, from the command line and
# from an import; a name with a bidi control or a zero-width character too.
. "$(dirname "$0")/lib.sh"

ok init
ok staff add --email admin@x.test --pin 2580 --perms admin
for e in $'\uff41dmin@x.test' $'ad\u200bmin@x.test' $'admin@x.test\u200b' \
         $'\u202eadmin@x.test' $'\u0430dmin@x.test'; do
    refused occupant add --email "$e"
    err_has "email: character "
    err_has "is not allowed (U+"
    err_has "type the address in plain letters"
done
refused occupant add --email $'ad\u200bmin@x.test'
err_has "email: character 3 is not allowed (U+200B ZERO WIDTH SPACE)"
refused occupant add --email $'admin@x.test\u200b'
err_has "character 13 is not allowed (U+200B ZERO WIDTH SPACE)"
refused occupant add --email $'\u202eadmin@x.test'
err_has "character 1 is not allowed (U+202E RIGHT-TO-LEFT OVERRIDE)"
refused occupant add --email $'\uff41dmin@x.test'
err_has "character 1 is not allowed (U+FF41 FULLWIDTH a)"
refused occupant add --email $'\u0430dmin@x.test'
err_has "character 1 is not allowed (U+0430)"
refused occupant signup --email $'ad\u200bmin@x.test'
err_has "U+200B"
ok occupant add --email anna@xn--bcher-kva.test
refused group add Umlaut --domains $'b\u00fccher.test'
err_has "xn--"

# Names: no bidi controls, no zero-width characters.
refused occupant add --email eve@x.test --name $'Eve \u202egnp.exe'
err_has "name: character 5 is not allowed (U+202E RIGHT-TO-LEFT OVERRIDE)"
refused occupant add --email eve@x.test --name $'Eve\u200d'
err_has "name: character 4 is not allowed (U+200D ZERO WIDTH JOINER)"
ok occupant add --email rtl@x.test --name $'\u05e9\u05e8\u05d4'

# The same from a CSV: each such row refused with its line.
printf 'email,name,phone,unit\n' >"$T/a.csv"
printf '\xef\xbd\x81dmin@x.test,A,,\n' >>"$T/a.csv"
printf 'ad\xe2\x80\x8bmin@x.test,B,,\n' >>"$T/a.csv"
printf 'ok@x.test,Mallory \xe2\x80\xae,,\n' >>"$T/a.csv"
printf 'fine@x.test,Fine,,\n' >>"$T/a.csv"
CHECK="import"; ctl import "$T/a.csv" --no-welcome; rc 1
err_has "line 2: email: character 1 is not allowed (U+FF41 FULLWIDTH a)"
err_has "line 3: email: character 3 is not allowed (U+200B ZERO WIDTH SPACE)"
err_has "line 4: name: character 9 is not allowed (U+202E RIGHT-TO-LEFT OVERRIDE)"
ok --json occupant list
py 'sorted(a["email"] for a in j) == ["anna@xn--bcher-kva.test", "fine@x.test", "rtl@x.test"]'
echo PASS
