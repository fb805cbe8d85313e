#!/usr/bin/env python3
"""Writes core/src/mail_msgids.c: every message id of the mail templates
(assets/mail/*.txt) as N_() strings, for xgettext (po/README.md).

    scripts/mail_msgids.py          rewrite the file
    scripts/mail_msgids.py --check  exit 1 if the file is not up to date

The split is mail_i18n.c's: the subject (after "Subject: ") and each
paragraph of the body (lines between blank lines). A paragraph with no
letters outside its {{placeholders}} ("    {{code}}") needs no translation
and is left out.
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "core", "src", "mail_msgids.c")


def msgids(text):
    ids = []
    if text.startswith("Subject: ") and "\n" in text:
        subject, text = text.split("\n", 1)
        ids.append(subject[len("Subject: "):].rstrip("\r"))
    for para in re.split(r"\n\s*\n", text):
        para = para.strip("\r\n")
        if para:
            ids.append(para)
    return [i for i in ids if re.search(r"[A-Za-z]", re.sub(r"\{\{[a-z_]+\}\}", "", i))]


def c_string(s):
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    lines = s.split("\n")
    parts = ['"%s\\n"' % l for l in lines[:-1]] + ['"%s"' % lines[-1]]
    return "\n       ".join(parts)


def render():
    out = ["/*",
           " * mail_msgids.c: the message ids of the mail templates, for xgettext.",
           " * Written by scripts/mail_msgids.py from the templates in assets/mail/: do not edit;",
           " * run the script after changing a template (a test checks it).",
           " */",
           '#include "mail_i18n.h"',
           '#include "gatehouse/i18n.h"',
           "",
           "const char *const gh_mail_msgids[] = {"]
    for path in sorted(glob.glob(os.path.join(ROOT, "assets", "mail", "*.txt"))):
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as fh:
            for i in msgids(fh.read()):
                out.append("    /* TRANSLATORS: email %s; keep every {{placeholder}} */" % name)
                out.append("    N_(%s)," % c_string(i))
    out += ["    0,", "};", ""]
    return "\n".join(out)


def main():
    text = render()
    if sys.argv[1:] == ["--check"]:
        try:
            with open(OUT, encoding="utf-8") as fh:
                ok = fh.read() == text
        except OSError:
            ok = False
        if not ok:
            print("core/src/mail_msgids.c is not up to date with assets/mail/: "
                  "run scripts/mail_msgids.py", file=sys.stderr)
            return 1
        return 0
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
