#!/usr/bin/python3
"""Requests (SPEC "Requests", issue 17) with real parts: gatehousectl on a
real SQLite file with the requests plugin, the real aiosmtpd sink for the
notices (tests/integration/mail/smtpd.py), and a real Dovecot for replies
by email (dovecot.py), each started and stopped by the test.

    test_requests.py GATEHOUSECTL PLUGIN_DIR TEST

Each test makes its own folder and removes it (GH_KEEP_TMP=1 keeps it).
"""
import email
import email.policy
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from dovecot import Dovecot, USER, PASSWORD  # noqa: E402

PY = "/usr/bin/python3"
SMTPD = os.path.join(HERE, "..", "mail", "smtpd.py")
CTL, PLUGINS = sys.argv[1], sys.argv[2]
DAY = 24 * 3600


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Env:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ghreq.")
        self.db = os.path.join(self.dir, "gatehouse.db")
        self.conf = os.path.join(self.dir, "gatehouse.conf")
        self.spool = os.path.join(self.dir, "spool")
        self.smtp = None
        self.smtp_port = 0
        self.dove = None
        self.offset = 0
        self.mail = {}
        self.config()

    def config(self, **mail):
        self.mail.update(mail)
        with open(self.conf, "w") as f:
            f.write("[store]\npath = %s\n\n[plugins]\ndir = %s\nenable = requests\n"
                    % (self.db, PLUGINS))
            if self.mail:
                f.write("\n[mail]\n")
                for k, v in self.mail.items():
                    f.write("%s = %s\n" % (k, v))

    def ctl(self, *args, stdin=None):
        env = dict(os.environ, GH_CLOCK_OFFSET_S=str(self.offset), GATEHOUSE_CONFIG="/dev/null")
        return subprocess.run([CTL, "--config", self.conf] + list(args), capture_output=True,
                              text=True, timeout=90, input=stdin, env=env)

    def ok(self, *args, stdin=None):
        r = self.ctl(*args, stdin=stdin)
        check(r.returncode == 0, "%s: exit %d\n%s%s" % (" ".join(args), r.returncode,
                                                         r.stdout, r.stderr))
        return r.stdout

    def refused(self, *args, says=None):
        r = self.ctl(*args)
        check(r.returncode == 1, "%s: expected exit 1, got %d\n%s%s"
              % (" ".join(args), r.returncode, r.stdout, r.stderr))
        if says:
            check(says in r.stderr, "%s: expected %r in %r" % (" ".join(args), says, r.stderr))
        return r.stderr

    def js(self, *args):
        return json.loads(self.ok("--json", *args))

    def site(self):
        """Site > Building A > Unit 1, Site > Building B; group Acme (Building A)
        with Ana and Bo; Cy (Building B only); Dee (all); staff: desk
        (requests), boss (admin), door (open_common only)."""
        self.ok("init")
        self.ok("location", "add", "Site")
        self.ok("location", "add", "Building A", "--parent", "Site")
        self.ok("location", "add", "Unit 1", "--parent", "Building A", "--door", "unit")
        self.ok("location", "add", "Building B", "--parent", "Site")
        self.ok("group", "add", "Acme", "--locations", "Building A")
        self.ok("occupant", "add", "--email", "ana@example.org", "--name", "Ana Lima",
                "--group", "Acme")
        self.ok("occupant", "add", "--email", "bo@example.org", "--name", "Bo", "--group", "Acme")
        self.ok("occupant", "add", "--email", "cy@example.org", "--name", "Cy",
                "--locations", "Building B")
        self.ok("occupant", "add", "--email", "dee@example.org", "--name", "Dee", "--all")
        self.ok("staff", "add", "--email", "desk@example.org", "--pin", "4711",
                "--perms", "requests", "--name", "Desk")
        self.ok("staff", "add", "--email", "boss@example.org", "--pin", "4712", "--perms", "admin")
        self.ok("staff", "add", "--email", "door@example.org", "--pin", "4713",
                "--perms", "open_common")

    def add(self, who, subject, text="Please have a look.", location=None):
        args = ["--json", "request", "add", "--as", who, "--subject", subject, "--text", text]
        if location:
            args += ["--location", location]
        return json.loads(self.ok(*args))["id"]

    def ids(self, *args):
        return sorted(r["id"] for r in self.js("request", "list", *args))

    def show(self, n, *args):
        return self.js("request", "show", str(n), *args)

    # ---- SMTP sink ----
    def sink(self):
        pf = os.path.join(self.dir, "port")
        log = open(os.path.join(self.dir, "smtpd.log"), "ab")
        self.smtp = subprocess.Popen([PY, SMTPD, "--dir", self.spool, "--port-file", pf,
                                      "--port", "0", "--max-seconds", "150"],
                                     stdout=log, stderr=log)
        deadline = time.time() + 10
        while not os.path.exists(pf):
            check(time.time() < deadline and self.smtp.poll() is None, "smtpd did not start")
            time.sleep(0.02)
        self.smtp_port = int(open(pf).read())
        self.config(relay="smtp://127.0.0.1:%d" % self.smtp_port,
                    **{"from": "kiosk@lobby.example.org", "starttls": "no",
                       "connect_timeout_s": "2", "timeout_s": "5"})

    def flush(self):
        self.ok("outbox", "flush")

    def received(self):
        out = []
        for path in sorted(glob.glob(os.path.join(self.spool, "*.eml"))):
            out.append(email.message_from_bytes(open(path, "rb").read(),
                                                policy=email.policy.default))
        return out

    # ---- IMAP ----
    def imap(self):
        self.dove = Dovecot(self.dir)
        self.dove.start()
        self.config(imap="imap://127.0.0.1:%d/INBOX" % self.dove.port, imap_username=USER,
                    imap_password=PASSWORD, cafile=self.dove.cert, connect_timeout_s="10",
                    timeout_s="10")

    def close(self):
        if self.smtp and self.smtp.poll() is None:
            self.smtp.send_signal(signal.SIGTERM)
            try:
                self.smtp.wait(5)
            except subprocess.TimeoutExpired:
                self.smtp.kill()
                self.smtp.wait()
        if self.dove:
            self.dove.stop()
        if not os.environ.get("GH_KEEP_TMP"):
            shutil.rmtree(self.dir, ignore_errors=True)


def reply_mail(frm, subject, body, msgid, refs=None):
    head = "From: %s\r\nTo: kiosk@lobby.example.org\r\nSubject: %s\r\nMessage-ID: %s\r\n" \
           "Date: Sat, 05 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n" \
           % (frm, subject, msgid)
    if refs:
        head += "In-Reply-To: %s\r\nReferences: %s\r\n" % (refs, refs)
    return (head + "\r\n" + body.replace("\n", "\r\n")).encode()


# ---- who may file ---------------------------------------------------------------

def active_occupant_files_inside_their_access_or_general(e):
    e.site()
    check(e.add("ana@example.org", "Tap", location="Unit 1") == 1, "through the group's access")
    e.add("cy@example.org", "Light", location="Building B")
    e.add("dee@example.org", "Gate", location="Unit 1")
    e.add("cy@example.org", "Parking")                       # General
    e.add("cy@example.org", "Parking", location="General")
    e.refused("request", "add", "--as", "cy@example.org", "--location", "Unit 1",
              "--subject", "x", "--text", "y", says="Unit 1 is outside your access")
    e.refused("request", "add", "--as", "ana@example.org", "--location", "Building B",
              "--subject", "x", "--text", "y", says="outside your access")
    e.refused("request", "add", "--as", "ana@example.org", "--location", "Nowhere",
              "--subject", "x", "--text", "y", says="location: no location named")
    # the group archived: its locations are no longer the members' access
    e.ok("group", "archive", "Acme", "--force")
    e.refused("request", "add", "--as", "ana@example.org", "--location", "Unit 1",
              "--subject", "x", "--text", "y", says="outside your access")
    e.add("ana@example.org", "General is always there")
    check(len(e.ids()) == 6, "six filed")
    log = e.ok("log", "--limit", "30")
    check("request.file" in log and "refused" in log, "refusals logged: " + log)


def pending_occupant_files_general_only_and_cannot_list_or_manage(e):
    e.site()
    e.ok("occupant", "signup", "--email", "pete@example.org", "--name", "Pete")
    n = e.add("pete@example.org", "Before approval", "Can I have a parking spot?")
    e.refused("request", "add", "--as", "pete@example.org", "--location", "Unit 1",
              "--subject", "x", "--text", "y", says="General requests only")
    e.refused("request", "list", "--as", "pete@example.org", says="waiting for approval")
    e.refused("request", "show", str(n), "--as", "pete@example.org", says="waiting for approval")
    e.refused("request", "reply", str(n), "--as", "pete@example.org", "--text", "more",
              says="waiting for approval")
    e.refused("request", "resolve", str(n), "--as", "pete@example.org")
    check(e.ids() == [n], "the building sees it")
    e.ok("occupant", "approve", "pete@example.org")
    check(e.ids("--as", "pete@example.org") == [n], "once active, Pete sees it")


def inactive_and_blocked_occupants_cannot_file(e):
    e.site()
    e.ok("occupant", "set-state", "cy@example.org", "inactive")
    e.refused("request", "add", "--as", "cy@example.org", "--subject", "x", "--text", "y",
              says="not active, so it can't file requests")
    e.ok("occupant", "set-state", "dee@example.org", "blocked")
    e.refused("request", "add", "--as", "dee@example.org", "--subject", "x", "--text", "y",
              says="blocked, so it can't file requests")
    e.refused("request", "add", "--as", "desk@example.org", "--subject", "x", "--text", "y",
              says="filed by occupants")
    check(e.ids() == [], "nothing filed")


# ---- who may see ----------------------------------------------------------------

def occupant_sees_own_and_live_group_requests_only(e):
    e.site()
    a = e.add("ana@example.org", "Ana's", location="Unit 1")
    b = e.add("bo@example.org", "Bo's")
    c = e.add("cy@example.org", "Cy's")
    check(e.ids("--as", "ana@example.org") == [a, b], "Ana: own and Bo's")
    check(e.ids("--as", "bo@example.org") == [a, b], "Bo: own and Ana's")
    check(e.ids("--as", "cy@example.org") == [c], "Cy: own only")
    e.refused("request", "show", str(a), "--as", "cy@example.org", says="no request #1")
    e.refused("request", "reply", str(a), "--as", "cy@example.org", "--text", "hi")
    check(e.show(a, "--as", "bo@example.org")["subject"] == "Ana's", "Bo reads Ana's")
    e.ok("request", "reply", str(a), "--as", "bo@example.org", "--text", "Same in my unit")
    # Bo leaves the group: the requests stay with whoever filed them
    e.ok("group", "member", "remove", "Acme", "bo@example.org", "--none")
    check(e.ids("--as", "ana@example.org") == [a], "Ana no longer sees Bo's")
    check(e.ids("--as", "bo@example.org") == [b], "Bo no longer sees Ana's")
    # an archived group shows no one's requests to the others
    e.ok("group", "member", "add", "Acme", "bo@example.org")
    e.ok("group", "archive", "Acme", "--force")
    check(e.ids("--as", "ana@example.org") == [a], "archived group: own only")


def staff_with_requests_or_admin_see_all_and_others_are_refused(e):
    e.site()
    all_ids = [e.add("ana@example.org", "1"), e.add("cy@example.org", "2"),
               e.add("dee@example.org", "3", location="Building B")]
    check(e.ids("--as", "desk@example.org") == all_ids, "requests permission sees all")
    check(e.ids("--as", "boss@example.org") == all_ids, "admin sees all")
    e.refused("request", "list", "--as", "door@example.org", says="needs the requests permission")
    check(e.ids("--state", "open") == all_ids, "state filter")
    check(e.ids("--location", "Building B") == [all_ids[2]], "location filter")
    check(e.ids("--location", "Site") == [all_ids[2]], "location filter takes what is below")
    check(e.ids("--location", "General") == all_ids[:2], "General filter")
    e.ok("request", "reply", str(all_ids[0]), "--as", "desk@example.org", "--text", "On it")
    check(e.ids("--state", "answered") == [all_ids[0]], "answered by staff")


# ---- the thread and the states ------------------------------------------------------

def replies_and_states_follow_the_rules(e):
    e.site()
    n = e.add("ana@example.org", "Tap", location="Unit 1")
    e.ok("request", "reply", str(n), "--text", "Plumber on Monday.")
    check(e.show(n)["state"] == "answered", "staff reply: answered")
    e.ok("request", "reply", str(n), "--as", "ana@example.org", "--text", "Thanks, which time?")
    check(e.show(n)["state"] == "open", "occupant reply: open again")
    e.refused("request", "resolve", str(n), "--as", "bo@example.org",
              says="only the person who filed")
    e.refused("request", "reopen", str(n), "--as", "ana@example.org", says="not resolved")
    e.ok("request", "resolve", str(n), "--as", "ana@example.org")
    e.refused("request", "resolve", str(n), says="already resolved")
    e.refused("request", "reopen", str(n), "--as", "bo@example.org", says="only the person")
    e.refused("request", "reply", str(n), "--as", "bo@example.org", "--text", "x",
              says="only the person")
    e.offset = 13 * DAY
    e.ok("request", "reopen", str(n), "--as", "ana@example.org")
    check(e.show(n)["state"] == "open", "reopened within 14 days")
    e.ok("request", "resolve", str(n))
    e.offset = 13 * DAY + 15 * DAY
    e.refused("request", "reopen", str(n), "--as", "ana@example.org", says="more than 14 days")
    e.refused("request", "reply", str(n), "--as", "ana@example.org", "--text", "x",
              says="more than 14 days")
    e.ok("request", "reply", str(n), "--text", "For the record.")
    t = e.show(n)
    check(t["state"] == "resolved", "a staff note leaves it resolved")
    check([r["text"] for r in t["replies"]] == ["Plumber on Monday.", "Thanks, which time?",
                                                "For the record."], "thread in order")


def subject_and_text_limits_are_refused_naming_the_field(e):
    e.site()
    e.refused("request", "add", "--as", "ana@example.org", "--subject", "x" * 121,
              "--text", "y", says="subject: at most 120")
    e.refused("request", "add", "--as", "ana@example.org", "--subject", "  ",
              "--text", "y", says="subject: a subject is required")
    e.refused("request", "add", "--as", "ana@example.org", "--subject", "a\x1bb",
              "--text", "y", says="subject")
    e.refused("request", "add", "--as", "ana@example.org", "--subject", "s",
              "--text", "y" * 2001, says="text: at most 2000")
    e.refused("request", "add", "--as", "ana@example.org", "--subject", "s",
              "--text", " \n ", says="text: please write something")
    e.refused("request", "add", "--as", "ana@example.org", "--subject", "s",
              "--text", "a\u202eb", says="text")
    n = e.add("ana@example.org", "é" * 120, "ü" * 2000)
    check(len(e.show(n)["text"]) == 2000, "2000 characters of two bytes fit")
    out = e.ok("request", "add", "--as", "ana@example.org", "--subject", "From stdin",
               "--text", "-", stdin="line one\nline two\n")
    check(e.show(int(out))["text"] == "line one\nline two", "text from stdin, lines kept")
    check(e.ctl("request", "add", "--as", "ana@example.org").returncode == 2, "usage: exit 2")


# ---- notices at the SMTP sink -----------------------------------------------------------

def notices_reach_the_right_people_with_the_tag_and_one_thread(e):
    e.sink()
    e.site()
    e.ok("outbox", "flush")                      # the welcome emails
    before = len(e.received())
    n = e.add("ana@example.org", "Leaky tap", "The tap drips.\nKitchen.", location="Unit 1")
    e.flush()
    new = e.received()[before:]
    check(sorted(m["To"].addresses[0].addr_spec for m in new) ==
          ["boss@example.org", "desk@example.org"], "new request: staff with requests/admin")
    m = new[0]
    check(m["Subject"].startswith("[#R%d] New request: Leaky tap" % n), m["Subject"])
    check("The tap drips.\nKitchen." in m.get_content().replace("\r\n", "\n"),
          "the text, lines kept")
    root = "<r%d@gatehouse.local>" % n
    check(m["Message-ID"].startswith("<r%d." % n), m["Message-ID"])
    check(m["In-Reply-To"] == root and m["References"] == root, "threaded: " + str(m["References"]))
    before = len(e.received())
    e.ok("request", "reply", str(n), "--as", "desk@example.org", "--text", "Plumber Monday.")
    e.ok("request", "resolve", str(n), "--as", "desk@example.org")
    e.flush()
    new = e.received()[before:]
    check([x["To"].addresses[0].addr_spec for x in new] == ["ana@example.org"] * 2,
          "reply and state change: the filer only, not Bo: %r" % [x["To"] for x in new])
    check(all(x["Subject"].startswith("[#R%d]" % n) for x in new), "tags")
    check(all(x["References"] == root for x in new), "one thread")
    check("Plumber Monday." in new[0].get_content(), "the reply's text")
    check("resolved" in new[1]["Subject"], new[1]["Subject"])
    # Bo (group) replies: Ana hears of it, staff too; Ana's own reply: staff only
    before = len(e.received())
    e.ok("request", "reopen", str(n), "--as", "ana@example.org")
    e.ok("request", "reply", str(n), "--as", "bo@example.org", "--text", "Mine drips too.")
    e.flush()
    to = sorted(x["To"].addresses[0].addr_spec for x in e.received()[before:])
    check(to == ["ana@example.org", "boss@example.org", "boss@example.org",
                 "desk@example.org", "desk@example.org"], "reopen and group reply: %r" % to)


# ---- replies by email ---------------------------------------------------------------------

def email_reply_is_threaded_into_the_right_request(e):
    e.sink()
    e.imap()
    e.site()
    a = e.add("ana@example.org", "Leaky tap", location="Unit 1")
    b = e.add("cy@example.org", "Light out")
    e.ok("request", "reply", str(a), "--text", "Plumber on Monday?")
    e.flush()
    notice = [m for m in e.received() if m["To"].addresses[0].addr_spec == "ana@example.org"
              and "[#R%d]" % a in m["Subject"]][-1]
    body = "Monday is fine, after 10.\n\nOn Sat, 5 Dec 2026, Gatehouse <kiosk@lobby.example.org>" \
           " wrote:\n> Plumber on Monday?\n> \n"
    e.dove.deliver("m1", reply_mail("Ana Lima <ANA@example.org>", "Re: " + notice["Subject"],
                                    body, "<m1@mail.example.org>", notice["Message-ID"]))
    # Bo (group) answers by the references only, no tag in the subject
    e.dove.deliver("m2", reply_mail("bo@example.org", "Re: your request", "Me too.\n-- \nBo",
                                    "<m2@mail.example.org>", notice["Message-ID"]))
    # staff answers Cy's by the tag
    e.dove.deliver("m3", reply_mail("desk@example.org", "Re: [#R%d] Light out" % b,
                                    "Fixed today.\n", "<m3@mail.example.org>"))
    # Cy answers his own from a mail program: multipart, Latin-1 quoted-printable
    # text beside HTML; then base64 UTF-8
    e.dove.deliver("m4", (
        "From: Cy <cy@example.org>\r\nSubject: AW: [#R%d] Light out\r\n"
        "Message-ID: <m4@mail.example.org>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
        "--b1\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        "Merci, c'est r=E9gl=E9 =\r\nmaintenant.\r\n\r\n"
        "-----Original Message-----\r\nFrom: Gatehouse\r\n"
        "--b1\r\nContent-Type: text/html\r\n\r\n<p>HTML only</p>\r\n--b1--\r\n" % b).encode())
    import base64
    e.dove.deliver("m5", (
        "From: cy@example.org\r\nSubject: Re: [#R%d] Light out\r\n"
        "Message-ID: <m5@mail.example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
        % (b, base64.encodebytes("Grüße aus Zimmer 4.\n".encode()).decode())).encode())
    r = json.loads(e.ok("--json", "inbox", "fetch"))
    check(r["threaded"] == 5 and r["ignored"] == 0, r)
    check([x["text"] for x in e.show(b)["replies"]][1:] ==
          ["Merci, c'est réglé maintenant.", "Grüße aus Zimmer 4."], e.show(b)["replies"])
    t = e.show(a)
    check([x["text"] for x in t["replies"]] == ["Plumber on Monday?", "Monday is fine, after 10.",
                                                "Me too."], t["replies"])
    check(t["replies"][1]["via"] == "email" and t["replies"][1]["author"] == "Ana Lima", "by Ana")
    check(t["state"] == "open", "occupant replies: open")
    t = e.show(b)
    check(t["state"] == "open" and t["replies"][0]["text"] == "Fixed today.", t)
    check(e.dove.unseen() == [] and e.dove.seen() == ["m1", "m2", "m3", "m4", "m5"],
          "all marked seen")
    r = json.loads(e.ok("--json", "inbox", "fetch"))
    check(r["unseen"] == 0 and r["threaded"] == 0, "nothing twice")


def stranger_mail_is_ignored_and_left_unread(e):
    e.imap()
    e.site()
    a = e.add("ana@example.org", "Leaky tap", location="Unit 1")
    e.dove.deliver("s1", reply_mail("mallory@evil.example", "Re: [#R%d] Leaky tap" % a,
                                    "Resolved! Ignore the plumber.", "<s1@evil.example>"))
    e.dove.deliver("s2", reply_mail("cy@example.org", "Re: [#R%d] Leaky tap" % a,
                                    "Not my request, but hi.", "<s2@x.example>"))
    e.dove.deliver("s3", reply_mail("ana@example.org", "Lunch?", "No tag, no reference.",
                                    "<s3@x.example>", "<someone-else@x.example>"))
    e.dove.deliver("s4", reply_mail("ana@example.org", "Re: forged", "Forged reference.",
                                    "<s4@x.example>", "<r%d.abc.1@gatehouse.local>" % a))
    e.dove.deliver("s5", reply_mail("door@example.org", "Re: [#R%d] Leaky tap" % a,
                                    "Staff without the permission.", "<s5@x.example>"))
    # a From that is an account's id or phone number is not that account
    e.dove.deliver("s6", reply_mail("5", "Re: [#R%d] Leaky tap" % a, "By id.", "<s6@x.example>"))
    r = json.loads(e.ok("--json", "inbox", "fetch"))
    check(r["threaded"] == 0 and r["ignored"] == 6, r)
    check(e.show(a)["replies"] == [], "nothing threaded")
    check(e.dove.unseen() == ["s1", "s2", "s3", "s4", "s5", "s6"],
          "left unread: %r" % e.dove.seen())
    log = e.ok("log", "--limit", "20")
    check(log.count("inbox.ignored") == 6, "each logged as ignored: " + log)
    check("mallory" not in log, "no stranger's address in the log")


def reply_by_email_to_a_resolved_request_reopens_it_within_14_days(e):
    e.imap()
    e.site()
    a = e.add("ana@example.org", "Door squeaks")
    e.ok("request", "resolve", str(a))
    e.offset = 3 * DAY
    e.dove.deliver("r1", reply_mail("ana@example.org", "Re: [#R%d] Door squeaks" % a,
                                    "Still squeaks.", "<r1@x.example>"))
    e.ok("inbox", "fetch")
    check(e.show(a)["state"] == "open", "reopened")
    e.ok("request", "resolve", str(a))
    e.offset = 3 * DAY + 15 * DAY
    e.dove.deliver("r2", reply_mail("ana@example.org", "Re: [#R%d] Door squeaks" % a,
                                    "Again?", "<r2@x.example>"))
    r = json.loads(e.ok("--json", "inbox", "fetch"))
    check(r["ignored"] == 1 and e.show(a)["state"] == "resolved", "too late: ignored, unread")
    check(e.dove.unseen() == ["r2"], e.dove.unseen())


def mailbox_outage_loses_nothing(e):
    e.imap()
    e.site()
    a = e.add("ana@example.org", "Heating")
    e.dove.deliver("o1", reply_mail("ana@example.org", "Re: [#R%d] Heating" % a,
                                    "Still cold.", "<o1@x.example>"))
    e.dove.stop()
    r = e.ctl("--json", "inbox", "fetch")
    check(r.returncode == 1 and "unreachable" in r.stderr, "outage said: %r" % r.stderr)
    check(e.show(a)["replies"] == [], "nothing half-done")
    e.dove.start()
    e.config(imap_password="wrong")
    r = e.ctl("inbox", "fetch")
    check(r.returncode == 1 and "refused the login" in r.stderr, r.stderr)
    e.config(imap_password=PASSWORD, cafile="/etc/ssl/certs/ca-certificates.crt")
    r = e.ctl("inbox", "fetch")
    check(r.returncode == 1 and "TLS" in r.stderr, r.stderr)
    check(e.dove.unseen() == ["o1"], "still unread after three failures")
    e.config(cafile=e.dove.cert)
    e.ok("inbox", "fetch")
    check([x["text"] for x in e.show(a)["replies"]] == ["Still cold."], "threaded once back")
    # the \Seen mark lost after the commit: fetched again, threaded once
    cur = os.path.join(e.dove.maildir, "cur")
    e.dove.stop()
    for n in os.listdir(cur):
        os.rename(os.path.join(cur, n), os.path.join(e.dove.maildir, "new", n.split(":")[0]))
    e.dove.start()
    check(e.dove.unseen() == ["o1"], "unread again")
    r = json.loads(e.ok("--json", "inbox", "fetch"))
    check(r["threaded"] == 1 and len(e.show(a)["replies"]) == 1, "not doubled: %r" % r)
    check(e.dove.seen() == ["o1"], "and marked seen")


def config_mail_imap_must_be_an_imap_url_naming_the_line(e):
    e.ok("init")
    e.config(imap="pop3://mail.example.org/INBOX")
    r = e.ctl("request", "list")
    check(r.returncode == 1 and "gatehouse.conf:9: imap: must start with imap:// or imaps://"
          in r.stderr, r.stderr)
    e.config(imap="imaps://mail.example.org/INBOX", imap_poll_s="2")
    r = e.ctl("request", "list")
    check(r.returncode == 1 and "imap_poll_s" in r.stderr, r.stderr)


def kiosk(e, script, shots):
    """Runs the headless kiosk on this folder's config with a script."""
    gh = os.path.join(os.path.dirname(CTL), "gatehouse")
    path = os.path.join(e.dir, "k.script")
    with open(path, "w") as f:
        f.write(script)
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", GATEHOUSE_CONFIG="/dev/null")
    return subprocess.run([gh, "--config", e.conf, "--headless", "--script", path,
                           "--shots", shots], capture_output=True, text=True, timeout=120,
                          env=env)


def kiosk_mail_thread_threads_replies_and_shows_mailbox_problems(e):
    e.sink()
    e.imap()
    e.site()
    e.config(imap_poll_s="5")
    a = e.add("ana@example.org", "Heating", location="Unit 1")
    e.dove.deliver("k1", reply_mail("ana@example.org", "Re: [#R%d] Heating" % a,
                                    "Radiator still cold.", "<k1@x.example>"))
    shots = os.path.join(e.dir, "shots")
    os.makedirs(shots)
    # the mail thread polls the mailbox at start, threads the reply and
    # delivers the notices it queued, while the screen goes on
    r = kiosk(e, "sleep 4000\nscreen home\nshot 01_home\n", shots)
    check(r.returncode == 0, "kiosk: %d %s" % (r.returncode, r.stderr[-2000:]))
    check([x["text"] for x in e.show(a)["replies"]] == ["Radiator still cold."], "threaded")
    check(e.dove.seen() == ["k1"], "marked seen")
    to = [m["To"].addresses[0].addr_spec for m in e.received() if "[#R%d]" % a in m["Subject"]]
    check(to.count("desk@example.org") == 2, "new request and Ana's reply, delivered: %r" % to)
    # the mailbox down: the staff screen says so, like a relay problem
    e.dove.stop()
    r = kiosk(e, "sleep 3000\ntap \"Staff\"\ntap #staff.who\ntype \"desk@example.org\"\n"
                 "tap #staff.login.next\ntap #staff.pin\ntype \"4711\"\ntap #staff.pin.login\n"
                 "screen staff.menu\nexpect \"Replies by email are not coming in: the replies "
                 "mailbox is unreachable\"\nexpect-not \"Mail is not going out\"\n"
                 "shot 02_staff_mailbox_problem\n", shots)
    check(r.returncode == 0, "kiosk: %d %s" % (r.returncode, r.stderr[-2000:]))
    log = e.ok("log", "--limit", "40")
    check("mail.inbox_problem" in log, "the problem logged: " + log)


TESTS = {f.__name__: f for f in (
    active_occupant_files_inside_their_access_or_general,
    pending_occupant_files_general_only_and_cannot_list_or_manage,
    inactive_and_blocked_occupants_cannot_file,
    occupant_sees_own_and_live_group_requests_only,
    staff_with_requests_or_admin_see_all_and_others_are_refused,
    replies_and_states_follow_the_rules,
    subject_and_text_limits_are_refused_naming_the_field,
    notices_reach_the_right_people_with_the_tag_and_one_thread,
    email_reply_is_threaded_into_the_right_request,
    stranger_mail_is_ignored_and_left_unread,
    reply_by_email_to_a_resolved_request_reopens_it_within_14_days,
    mailbox_outage_loses_nothing,
    kiosk_mail_thread_threads_replies_and_shows_mailbox_problems,
    config_mail_imap_must_be_an_imap_url_naming_the_line,
)}


def main():
    names = sys.argv[3:] or list(TESTS)
    for name in names:
        if name not in TESTS:
            print("no such test: %s" % name)
            return 1
    for name in names:
        e = Env()
        try:
            TESTS[name](e)
        finally:
            e.close()
        print("ok %s" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
