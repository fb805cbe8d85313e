"""kiosk.py: the one harness the kiosk's UI tests share (approvals, signup,
staff_session run_case.py; occupants' ghcheck.py).

A case gets a fresh database in a temporary folder made with gatehousectl,
a config whose [plugins] dir is the build's plugin folder with only the
plugin under test enabled, runs the kiosk headless on its virtual clock with
a script (SCRIPTS/NAME.script, {{NAME}} filled in first), keeps a screenshot
of every step, and reads the outcome back through `gatehousectl --json`,
never through SQL.

    import sys, os
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
    from kiosk import Env, Fail, check, case, main
    @case
    def some_rule(env): ...
    if __name__ == "__main__":
        sys.exit(main("signup", extra=("login",)))
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


def run(argv, env=None, timeout=60):
    """(exit code, stdout, stderr) of argv, with env added to ours."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=e)
    return p.returncode, p.stdout, p.stderr


def matching(entries, action, outcome=None, actor=None, target=None, reason=None):
    """The activity-log entries of `action` that match every filter given
    (target and reason: a part of it, as `log` shows it: accounts are stored
    by id and shown with their current name and email, issue 16)."""
    out = []
    for e in entries:
        if e["action"] != action:
            continue
        if outcome and e["outcome"] != outcome:
            continue
        if actor and e["actor"] != actor:
            continue
        if target and target not in e.get("target_shown", e["target"]):
            continue
        if reason and reason not in e.get("reason_shown", e["reason"]):
            continue
        out.append(e)
    return out


class Ctl:
    """gatehousectl on one database: by --config CONF, or by --db DB."""

    def __init__(self, ctl, conf=None, db=None):
        self.exe = ctl
        self.where = ["--config", conf] if conf else ["--db", db]

    def ctl(self, *args, js=False, ok=True, env=None):
        argv = [self.exe] + self.where + (["--json"] if js else []) + list(args)
        rc, out, err = run(argv, env=env)
        if ok and rc != 0:
            raise Fail("gatehousectl %s: exit %d: %s%s" % (" ".join(args), rc, out, err))
        if js:
            return json.loads(out) if rc == 0 else None
        return rc, out, err

    def account(self, who):
        return self.ctl("occupant", "show", who, js=True, ok=False)

    def occupants(self):
        return self.ctl("occupant", "list", js=True)

    def log(self, limit=None):
        return self.ctl("log", *(["--limit", str(limit)] if limit else []), js=True)

    def log_entries(self, action, outcome=None, **filters):
        return matching(self.log(), action, outcome=outcome, **filters)

    def log_has(self, action, outcome=None, **filters):
        found = matching(self.log(), action, outcome=outcome, **filters)
        return found[0] if found else None

    def outbox(self):
        return self.ctl("outbox", "list", js=True)

    def welcomes_to(self, email):
        return [m for m in self.outbox() if m["kind"] == "welcome" and
                m["to"].lower() == email.lower()]

    def code_for(self, email):
        """The setup code of the newest welcome email to EMAIL, from its body."""
        mails = self.welcomes_to(email)
        check(mails, "no welcome email to %s in the outbox" % email)
        newest = max(mails, key=lambda m: m["id"])
        body = self.ctl("outbox", "show", str(newest["id"]), js=True)["body"]
        m = re.search(r"^\s+(\d{6})\s*$", body, re.M)
        check(m, "no 6-digit code in the welcome email:\n" + body)
        return m.group(1)


class Env(Ctl):
    """A fresh site for one case: a.ctl, a.gatehouse, a.plugins, a.scripts,
    a.shots from the command line; `plugin` the one plugin enabled."""

    def __init__(self, a, plugin, case=None):
        self.a = a
        self.case = case
        self.tmp = tempfile.mkdtemp(prefix="gh-%s-" % plugin.replace("_", "-"))
        self.db = os.path.join(self.tmp, "k.db")
        self.conf = os.path.join(self.tmp, "k.conf")
        with open(self.conf, "w") as f:
            f.write("[store]\npath = %s\n[plugins]\ndir = %s\nenable = %s\n"
                    "[screen]\nwidth = 1080\nheight = 1920\n" % (self.db, a.plugins, plugin))
        shutil.rmtree(a.shots, ignore_errors=True)
        os.makedirs(a.shots)
        Ctl.__init__(self, a.ctl, conf=self.conf)
        self.ctl("init")

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self, argv, env=None, timeout=60):
        return run(argv, env=env, timeout=timeout)

    def script(self, name, **subs):
        """SCRIPTS/NAME.script with every {{KEY}} filled in, as a file."""
        with open(os.path.join(self.a.scripts, name + ".script")) as f:
            text = f.read()
        for k, v in subs.items():
            text = text.replace("{{%s}}" % k, str(v))
        left = re.search(r"\{\{\w+\}\}", text)
        check(not left, "script %s: %s not filled in" % (name, left and left.group(0)))
        path = os.path.join(self.tmp, name + ".script")
        with open(path, "w") as f:
            f.write(text)
        return path

    def kiosk_argv(self, path):
        return [self.a.gatehouse, "--config", self.conf, "--headless", "--script", path,
                "--shots", self.a.shots]

    def kiosk(self, name, **subs):
        """Runs the kiosk with script NAME to its end; Fail unless it held."""
        rc, out, err = run(self.kiosk_argv(self.script(name, **subs)), timeout=100)
        if rc != 0:
            raise Fail("kiosk script %s: exit %d\n%s%s" % (name, rc, out, err))

    def kiosk_meanwhile(self, name, change, ready="01_ready", **subs):
        """Runs script NAME in the background; once its screenshot `ready`
        exists, calls change() (a change from outside while the kiosk runs)."""
        p = subprocess.Popen(self.kiosk_argv(self.script(name, **subs)),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        shot = os.path.join(self.a.shots, ready + ".png")
        deadline = time.time() + 60
        while not os.path.exists(shot) and p.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        if change and p.poll() is None and os.path.exists(shot):
            change()
        out, _ = p.communicate(timeout=100)
        if p.returncode != 0:
            raise Fail("kiosk script %s: exit %d\n%s" % (name, p.returncode, out))


CASES = {}


def case(fn):
    """Registers a test case under its function's name (the rule it checks)."""
    CASES[fn.__name__] = fn
    return fn


def main(plugin, extra=(), env_class=Env):
    """The command line every run_case.py has:
        run_case.py CASE --gatehouse EXE --ctl EXE --plugins DIR --scripts DIR
                         --shots DIR [--EXTRA VALUE...]
    Runs CASE on a fresh env_class(a, plugin, case). Exit 0 pass, 1 fail."""
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    for o in ("gatehouse", "ctl", "plugins", "scripts", "shots") + tuple(extra):
        ap.add_argument("--" + o, required=True)
    a = ap.parse_args()
    env = None
    try:
        env = env_class(a, plugin, a.case)
        CASES[a.case](env)
    except Fail as e:
        print("FAIL %s: %s" % (a.case, e), file=sys.stderr)
        print("(screenshots in %s)" % a.shots, file=sys.stderr)
        return 1
    finally:
        if env:
            env.close()
    print("ok %s (screenshots in %s)" % (a.case, a.shots))
    return 0
