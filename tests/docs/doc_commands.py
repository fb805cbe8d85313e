#!/usr/bin/env python3
"""Runs every gatehousectl command the README and docs/ show, as printed.

Usage: doc_commands.py SOURCE_DIR GATEHOUSECTL PLUGIN_DIR [DOCS_DIR]
(DOCS_DIR, holding README.md and docs/, defaults to SOURCE_DIR.)

Each ```sh block of README.md and docs/*.md (and each line starting with
"gatehousectl " in a plain ``` block) is read line by line (a line
ending in a backslash continues on the next; a trailing "# comment" is
dropped). A line whose command is gatehousectl (also behind
`runuser -u gatehouse --`) is run with bash, as printed, in a scratch
folder where `gatehousectl` is the built program on a demo database
(a command that only reads the source tree, like scripts/archcheck.py,
runs in the source folder)
(scripts/demo-db.sh) and /var/backups/gatehouse and /etc/gatehouse are
scratch folders too. Other lines (apt, systemctl, editors, the packaging
and test scripts) change the machine or take minutes and are listed as
skipped, with the reason.

A command "runs as printed" when gatehousectl understood it: its exit status
is not 2 (usage) and it did not die of a signal. A refusal with a clear
message (exit 1, e.g. unlocking with no relay board attached) is a command
that ran. The test fails listing every command that didn't.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP_REASONS = [
    (r"^(sudo\s+)?apt(-get)?\b", "installs packages"),
    (r"^systemctl\b|^journalctl\b.*-u gatehouse-kiosk -b", "needs the installed service"),
    (r"^editor\b", "opens an editor"),
    (r"^(scripts|tests/pkg)/", "a build or test script (CI runs them)"),
    (r"^ls build-deb", "needs the package built"),
    (r"^install\s+-d", "makes a system folder"),
]


def blocks(path):
    """(line number, command) for each command line of the ```sh blocks."""
    out, inside, shell, pending, start = [], False, False, "", 0
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if line.startswith("```"):
                inside = not inside and line.strip() in ("```", "```sh", "```bash")
                shell = line.strip() != "```"
                continue
            if not inside:
                continue
            # a plain ``` block is a synopsis or an example; only its
            # gatehousectl lines are commands to run
            if not shell and not pending and not line.startswith("gatehousectl "):
                continue
            if not pending:
                start = n
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            cmd = strip_comment(pending + line).strip()
            pending = ""
            if cmd:
                out.append((start, cmd))
    return out


def strip_comment(cmd):
    """Drops a trailing '# ...' that is outside quotes."""
    quote = None
    for i, ch in enumerate(cmd):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or cmd[i - 1].isspace()):
            return cmd[:i]
    return cmd


# Commands that only read the source tree run there, as a reader would.
IN_SOURCE = [r"^python3 scripts/archcheck\.py\b"]


def classify(cmd):
    """(command to run, None, where) or (None, why it is skipped, None)."""
    bare = re.sub(r"^runuser -u gatehouse -- ", "", cmd)
    if re.match(r"^gatehousectl\b", bare):
        return bare, None, "site"
    if any(re.search(p, cmd) for p in IN_SOURCE):
        return cmd, None, "source"
    for pattern, why in SKIP_REASONS:
        if re.search(pattern, cmd):
            return None, why, None
    if re.search(r"(^|[\s;|&(])gatehousectl\s", cmd):
        return cmd, None, "site"
    return None, "not a gatehousectl command", None


def scratch_site(tmp, src, ctl, plugins):
    """A demo database, a config naming it, and a gatehousectl on PATH."""
    db = os.path.join(tmp, "site.db")
    env = dict(os.environ, GATEHOUSECTL=ctl, GATEHOUSE_CONFIG="/dev/null")
    subprocess.run([os.path.join(src, "scripts/demo-db.sh"), "--force", db], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    conf = os.path.join(tmp, "gatehouse.conf")
    with open(conf, "w", encoding="utf-8") as fh:
        fh.write(f"[store]\npath = {db}\n[plugins]\ndir = {plugins}\n"
                 "enable = signup, approvals, occupants, lockctl, requests\n"
                 "[mail]\nrelay = smtp://127.0.0.1:9\nfrom = kiosk@example.org\n"
                 "[kiosk]\nlanguages = en, es, fr\n")
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    wrapper = os.path.join(bindir, "gatehousectl")
    with open(wrapper, "w", encoding="utf-8") as fh:
        fh.write(f'#!/bin/sh\nexec "{ctl}" --config "{conf}" "$@"\n')
    os.chmod(wrapper, 0o755)
    backups = os.path.join(tmp, "backups")
    os.makedirs(backups)
    head = subprocess.run([wrapper, "log", "head"], capture_output=True, text=True, check=True)
    with open(os.path.join(backups, "anchors.txt"), "w", encoding="utf-8") as fh:
        fh.write(head.stdout)
    for name in ("2026-11-01.db", "LATEST.db"):
        subprocess.run([wrapper, "backup", os.path.join(backups, name)], check=True,
                       stdout=subprocess.DEVNULL)
    return bindir, backups, conf


def run_one(cmd, cwd, bindir, backups, conf):
    cmd = cmd.replace("/var/backups/gatehouse", backups)
    cmd = cmd.replace("/etc/gatehouse/gatehouse.conf", conf)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
               GATEHOUSE_CONFIG=conf)
    r = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=120)
    return r.returncode, (r.stderr or r.stdout).strip().splitlines()[-1:] or [""]


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    src, ctl, plugins = (os.path.abspath(a) for a in argv[1:4])
    where = os.path.abspath(argv[4]) if len(argv) == 5 else src
    docs = [os.path.join(where, "README.md")] + sorted(
        os.path.join(where, "docs", f) for f in os.listdir(os.path.join(where, "docs"))
        if f.endswith(".md"))
    tmp = tempfile.mkdtemp(prefix="gh-doccmds-")
    failed, ran, skipped = [], 0, 0
    try:
        bindir, backups, conf = scratch_site(tmp, src, ctl, plugins)
        for doc in docs:
            rel = os.path.relpath(doc, where)
            for line, cmd in blocks(doc):
                runnable, why, where_run = classify(cmd)
                if runnable is None:
                    skipped += 1
                    print(f"skip {rel}:{line}: {cmd}  ({why})")
                    continue
                cwd = src if where_run == "source" else tmp
                rc, last = run_one(runnable, cwd, bindir, backups, conf)
                ran += 1
                ok = rc not in (2,) and rc < 128 and rc >= 0
                print(f"{'ok  ' if ok else 'FAIL'} {rel}:{line}: {cmd}  (exit {rc}) {last[0]}")
                if not ok:
                    failed.append(f"{rel}:{line}: {cmd} (exit {rc}: {last[0]})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{ran} command(s) run, {skipped} skipped, {len(failed)} not understood")
    for f in failed:
        print("not as printed: " + f, file=sys.stderr)
    if ran == 0:
        print("no gatehousectl command found in the docs: the extractor is broken",
              file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
