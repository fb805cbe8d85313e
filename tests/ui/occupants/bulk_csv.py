"""bulk_csv.py N: N generated occupants as an import CSV (email, name,
phone, unit), with first and last names drawn from short lists so that
prefixes match thousands of rows, as real names do. Deterministic."""
import random
import sys

FIRST = ["Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
         "Karin", "Liam", "Mona", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tara",
         "Uma", "Victor", "Wanda", "Xavier", "Yara", "Zoltan"]
LAST = ["Adams", "Berger", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova",
        "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Olsen", "Petrov", "Rossi", "Schmidt",
        "Tanaka", "Urban", "Vogel", "Weber", "Yilmaz", "Zeller"]

n = int(sys.argv[1])
rnd = random.Random(6)
out = sys.stdout
out.write("email,name,phone,unit\n")
for i in range(n):
    f, l = rnd.choice(FIRST), rnd.choice(LAST)
    out.write("%s.%s%d@tenants%d.example,%s %s,+1 555 %07d,\n" % (f.lower(), l.lower(), i, i % 7, f, l, i))
