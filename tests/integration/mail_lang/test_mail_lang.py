#!/usr/bin/python3
"""Emails in the language of the person they are addressed to (issue 19),
through the real programs and a real SMTP server on loopback (smtpd.py).

    test_mail_lang.py GATEHOUSE GATEHOUSECTL PLUGIN_DIR TEST

The kiosk offers en, es, fr. Its catalogues are po/LANG.po with this
folder's LANG.po laid over them (msgcat --use-first): the shipped
translations plus test ones for the welcome's and the approver notice's
subject and greeting and for dates, which the product's catalogues may not
have yet. Mail is delivered
by `gatehousectl outbox flush` and read back as a mail client would.

  kiosk_signup_in_spanish_gets_a_spanish_welcome
      signup_approval off; on the kiosk the person taps Español and signs
      up: the account stores es and the welcome at the sink is Spanish
      (subject, greeting, the home tile's name as po/es.po has it, a date
      in Spanish form).
  approver_notice_stays_english_and_the_welcome_on_approval_is_spanish
      signup_approval on; the same sign-up in Spanish: the approver's
      notice at the sink is English; `occupant approve` then sends her
      welcome in Spanish.
  occupant_added_with_lang_fr_gets_french_mail
      `occupant add --lang fr` and `occupant resend-welcome`: French mail;
      `occupant show` says fr; `occupant set-lang WHO es` then resend:
      Spanish; `staff add --lang fr`: French.
  unknown_lang_is_refused_with_exit_2_naming_the_languages
      --lang de (no catalogue, not offered) on every command that takes it:
      exit 2, "--lang de" and "en, es, fr" on stderr, nothing created and
      nothing queued.
"""
import email
import email.policy
import glob
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SMTPD = os.path.join(ROOT, "tests", "integration", "mail", "smtpd.py")
PY = "/usr/bin/python3"
KIOSK, CTL, PLUGINS = sys.argv[1], sys.argv[2], sys.argv[3]


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def shipped(lang, msgid):
    """The translation of msgid in po/LANG.po (one-line entries)."""
    text = open(os.path.join(ROOT, "po", lang + ".po"), encoding="utf-8").read()
    m = re.search(r'^msgid "%s"\nmsgstr "(.+)"$' % re.escape(msgid), text, re.M)
    check(m, "po/%s.po has no translation of %r" % (lang, msgid))
    return m.group(1)


class Env:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ghmaillang.")
        self.db = os.path.join(self.dir, "k.db")
        self.conf = os.path.join(self.dir, "k.conf")
        self.spool = os.path.join(self.dir, "spool")
        self.locale = os.path.join(self.dir, "locale")
        self.srv = None
        self.catalogues()
        self.server()
        with open(self.conf, "w") as fh:
            fh.write("[store]\npath = %s\n[plugins]\ndir = %s\nenable = signup\n"
                     "[kiosk]\nlanguages = en, es, fr\nlocale_dir = %s\n"
                     "[mail]\nrelay = smtp://127.0.0.1:%d\nfrom = kiosk@lobby.example.org\n"
                     "starttls = no\nconnect_timeout_s = 2\ntimeout_s = 5\n"
                     "[screen]\nwidth = 1080\nheight = 1920\n"
                     % (self.db, PLUGINS, self.locale, self.port))
        self.ok("init")
        self.ok("staff", "add", "--email", "sam@example.com", "--pin", "2580",
                "--perms", "approve", "--name", "Sam Staff")

    def catalogues(self):
        for lang in ("es", "fr"):
            d = os.path.join(self.locale, lang, "LC_MESSAGES")
            os.makedirs(d)
            po = os.path.join(self.dir, lang + ".po")
            subprocess.run(["msgcat", "--use-first", "-o", po, os.path.join(HERE, lang + ".po"),
                            os.path.join(ROOT, "po", lang + ".po")], check=True, timeout=60)
            subprocess.run(["msgfmt", "--check", "-o", os.path.join(d, "gatehouse.mo"), po],
                           check=True, timeout=60)

    def server(self):
        pf = os.path.join(self.dir, "port")
        log = open(os.path.join(self.dir, "smtpd.log"), "ab")
        self.srv = subprocess.Popen([PY, SMTPD, "--dir", self.spool, "--port-file", pf,
                                     "--max-seconds", "120"], stdout=log, stderr=log)
        deadline = time.time() + 10
        while not os.path.exists(pf):
            check(time.time() < deadline and self.srv.poll() is None, "smtpd.py did not start")
            time.sleep(0.02)
        self.port = int(open(pf).read())

    def ctl(self, *args):
        env = dict(os.environ, LANG="C", LANGUAGE="")
        return subprocess.run([CTL, "--config", self.conf] + list(args), capture_output=True,
                              text=True, timeout=60, env=env)

    def ok(self, *args):
        r = self.ctl(*args)
        check(r.returncode == 0, "%s: exit %d: %s%s" % (" ".join(args), r.returncode,
                                                         r.stdout, r.stderr))
        return r.stdout

    def kiosk(self, script):
        shots = os.path.join(self.dir, "shots")
        os.makedirs(shots, exist_ok=True)
        r = subprocess.run([KIOSK, "--config", self.conf, "--headless", "--script",
                            os.path.join(HERE, script), "--shots", shots],
                           capture_output=True, text=True, timeout=100,
                           env=dict(os.environ, SDL_VIDEODRIVER="dummy"))
        check(r.returncode == 0, "kiosk script %s: exit %d\n%s%s"
              % (script, r.returncode, r.stdout, r.stderr))

    def account(self, who):
        return json.loads(self.ok("--json", "occupant", "show", who))

    def outbox_count(self):
        con = sqlite3.connect(self.db)
        n = con.execute("SELECT count(*) FROM outbox").fetchone()[0]
        con.close()
        return n

    def flush(self):
        """Delivers what is queued; the messages that reached the sink,
        oldest first, as (to, subject, body)."""
        self.ok("outbox", "flush")
        out = []
        for path in sorted(glob.glob(os.path.join(self.spool, "*.eml")),
                           key=os.path.getmtime):
            msg = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
            body = msg.get_body(preferencelist=("plain",)).get_content()
            out.append((msg["To"].addresses[0].addr_spec, str(msg["Subject"]), body))
            os.unlink(path)
        return out

    def close(self):
        if self.srv and self.srv.poll() is None:
            self.srv.send_signal(signal.SIGTERM)
            try:
                self.srv.wait(5)
            except subprocess.TimeoutExpired:
                self.srv.kill()
                self.srv.wait()
        if not os.environ.get("GH_KEEP_TMP"):
            shutil.rmtree(self.dir, ignore_errors=True)


SPANISH_DATE = r"\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|" \
               r"octubre|noviembre|diciembre) de \d{4} a las \d\d:\d\d"
FRENCH_DATE = r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|" \
              r"octobre|novembre|décembre) \d{4} à \d\d:\d\d"


def spanish_welcome(mail, to="ana@example.com", name="Ana"):
    check(mail[0] == to, "to %s, not %s" % (mail[0], to))
    check(mail[1].startswith("Su código de configuración para "), "subject: %r" % mail[1])
    check(("Hola, %s:" % name) in mail[2], "Spanish greeting missing:\n" + mail[2])
    tile = shipped("es", "First time here?")
    # the translator quotes it in the language's way ("", «», “”)
    check(tile in mail[2], "the tile's Spanish name %r missing:\n%s" % (tile, mail[2]))
    check(re.search(SPANISH_DATE, mail[2]), "no Spanish date:\n" + mail[2])
    check(not re.search(r"\d \w+ \d{4} at \d", mail[2]), "an English date:\n" + mail[2])


def kiosk_signup_in_spanish_gets_a_spanish_welcome(e):
    e.ok("settings", "set", "signup_approval", "off")
    e.kiosk("signup_es.script")
    a = e.account("ana@example.com")
    check(a["state"] == "active", "not active: %r" % a)
    check(a["lang"] == "es" and a["mail_lang"] == "es", "language not stored: %r" % a)
    mails = e.flush()
    check(len(mails) == 1, "one welcome expected: %r" % mails)
    spanish_welcome(mails[0])


def approver_notice_stays_english_and_the_welcome_on_approval_is_spanish(e):
    e.ok("settings", "set", "signup_approval", "on")
    e.kiosk("signup_es.script")
    check(e.account("ana@example.com")["lang"] == "es", "language not stored")
    mails = e.flush()
    check(len(mails) == 1 and mails[0][0] == "sam@example.com", "approver notice: %r" % mails)
    to, subject, body = mails[0]
    # (the test catalogue translates both into Spanish: they must not be)
    check(subject == "Sign-up waiting for approval: Ana", "approver's subject: %r" % subject)
    check("Hello Sam Staff," in body, "approver's body not English:\n" + body)
    check("Hola" not in body and "configuración" not in body, "Spanish in:\n" + body)
    e.ok("occupant", "approve", "ana@example.com")
    mails = e.flush()
    check(len(mails) == 1, "one welcome expected: %r" % mails)
    spanish_welcome(mails[0])


def occupant_added_with_lang_fr_gets_french_mail(e):
    e.ok("occupant", "add", "--email", "elodie@example.com", "--name", "Élodie", "--lang", "fr")
    check("fr" in e.ok("occupant", "show", "elodie@example.com"), "show lacks the language")
    mails = e.flush()
    # a new code supersedes the one not yet sent, so each is flushed first
    e.ok("occupant", "resend-welcome", "elodie@example.com")
    mails += e.flush()
    check(len(mails) == 2, "two mails expected: %r" % mails)
    tile = shipped("fr", "First time here?")
    for to, subject, body in mails:
        check(to == "elodie@example.com", to)
        check(subject.startswith("Votre code de configuration pour "), "subject: %r" % subject)
        check("Bonjour Élodie," in body, "French greeting missing:\n" + body)
        check(tile in body, "French tile name %r missing:\n%s" % (tile, body))
        check(re.search(FRENCH_DATE, body), "no French date:\n" + body)
    e.ok("occupant", "set-lang", "elodie@example.com", "es")
    e.ok("occupant", "resend-welcome", "elodie@example.com")
    mails = e.flush()
    check(len(mails) == 1, "one mail expected: %r" % mails)
    spanish_welcome(mails[0], "elodie@example.com", "Élodie")
    # staff, too
    e.ok("staff", "add", "--email", "noe@example.com", "--perms", "manage", "--name", "Noé",
         "--lang", "fr")
    mails = e.flush()
    check(len(mails) == 1 and mails[0][1].startswith("Votre code"), "staff: %r" % mails)


def unknown_lang_is_refused_with_exit_2_naming_the_languages(e):
    e.ok("occupant", "add", "--email", "kim@example.com", "--name", "Kim")
    e.flush()
    before = e.outbox_count()
    for args in (["occupant", "add", "--email", "dora@example.com"],
                 ["occupant", "signup", "--email", "dora@example.com"],
                 ["occupant", "approve", "kim@example.com"],
                 ["occupant", "resend-welcome", "kim@example.com"],
                 ["staff", "add", "--email", "dora@example.com", "--perms", "manage"],
                 ["staff", "resend-welcome", "sam@example.com"],
                 ["occupant", "set-lang", "kim@example.com"]):
        r = e.ctl(*(args + (["--lang", "de"] if args[1] != "set-lang" else ["de"])))
        what = " ".join(args)
        check(r.returncode == 2, "%s: exit %d, not 2: %s" % (what, r.returncode, r.stderr))
        check("--lang de" in r.stderr and "en, es, fr" in r.stderr,
              "%s: the message names neither --lang nor the languages: %r" % (what, r.stderr))
    r = e.ctl("--json", "occupant", "show", "dora@example.com")
    check(r.returncode != 0, "an account was made for dora")
    check(e.outbox_count() == before, "mail was queued")
    check(e.account("kim@example.com")["lang"] is None, "kim's language changed")


TESTS = {f.__name__: f for f in (
    kiosk_signup_in_spanish_gets_a_spanish_welcome,
    approver_notice_stays_english_and_the_welcome_on_approval_is_spanish,
    occupant_added_with_lang_fr_gets_french_mail,
    unknown_lang_is_refused_with_exit_2_naming_the_languages)}


def main():
    fn = TESTS.get(sys.argv[4] if len(sys.argv) > 4 else "")
    if not fn:
        print("test_mail_lang.py: no such test", file=sys.stderr)
        return 2
    e = Env()
    try:
        fn(e)
    except AssertionError as err:
        print("FAIL: %s" % err, file=sys.stderr)
        print("(files kept with GH_KEEP_TMP=1: %s)" % e.dir, file=sys.stderr)
        return 1
    finally:
        e.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
