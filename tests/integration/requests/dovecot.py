#!/usr/bin/python3
"""A real IMAP server for the requests tests: Debian's dovecot-imapd, run by
the test with its own configuration (TESTING.md "IMAP: a real Dovecot on
loopback"); nothing of the system's Dovecot is used or changed.

    d = Dovecot(folder)        # config, passwd-file user, test certificate
    d.start()                  # on a free loopback port; d.port
    d.deliver("reply.eml", raw_bytes)   # a message into Maildir/new
    d.unseen(), d.seen()       # file names by \\Seen flag (from the Maildir)
    d.stop()                   # kill of the pid in base_dir/master.pid

Plain IMAP with STARTTLS required (ssl = required) and a self-signed
certificate for 127.0.0.1, which the kiosk is given as [mail] cafile.
"""
import os
import shutil
import signal
import socket
import subprocess
import time

USER, PASSWORD = "kiosk", "imap-secret"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Dovecot:
    def __init__(self, folder):
        self.dir = os.path.join(folder, "dovecot")
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(folder, 0o755)
        os.chmod(self.dir, 0o755)
        self.base = os.path.join(self.dir, "run")
        self.mail = os.path.join(self.dir, "mail")
        self.maildir = os.path.join(self.mail, USER)
        self.cert = os.path.join(self.dir, "cert.pem")
        self.key = os.path.join(self.dir, "key.pem")
        self.conf = os.path.join(self.dir, "dovecot.conf")
        self.port = free_port()
        self.running = False
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(self.maildir, sub), exist_ok=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", self.key, "-out", self.cert, "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=60)
        with open(os.path.join(self.dir, "passwd"), "w") as f:
            f.write("%s:{PLAIN}%s\n" % (USER, PASSWORD))
        self.write_conf()
        subprocess.run(["chown", "-R", "nobody:nogroup", self.mail], check=True)

    def write_conf(self):
        d = self.dir
        conf = f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.base}
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
mail_location = maildir:{self.mail}/%u
first_valid_uid = 0
default_internal_user = nobody
default_internal_group = nogroup
default_login_user = nobody
ssl = required
ssl_cert = <{self.cert}
ssl_key = <{self.key}
disable_plaintext_auth = yes
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={self.mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""
        os.makedirs(os.path.join(d, "state"), exist_ok=True)
        with open(self.conf, "w") as f:
            f.write(conf)

    def start(self):
        # The master daemonizes; its children must not hold a pipe of ours.
        subprocess.run(["dovecot", "-c", self.conf], check=True, timeout=30,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        self.running = True
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("dovecot did not listen on %d: %s" % (self.port, self.log()))

    def pid(self):
        try:
            return int(open(os.path.join(self.base, "master.pid")).read().strip())
        except (OSError, ValueError):
            return 0

    def stop(self):
        pid = self.pid()
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            deadline = time.time() + 10
            while time.time() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        self.running = False

    def log(self):
        try:
            return open(os.path.join(self.dir, "dovecot.log")).read()[-3000:]
        except OSError:
            return ""

    def deliver(self, name, raw):
        tmp = os.path.join(self.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(raw)
        dst = os.path.join(self.maildir, "new", name)
        os.rename(tmp, dst)
        shutil.chown(dst, "nobody", "nogroup")

    def _files(self):
        out = {}
        for sub in ("new", "cur"):
            for n in os.listdir(os.path.join(self.maildir, sub)):
                base, _, flags = n.partition(":2,")
                out[base] = sub == "cur" and "S" in flags
        return out

    def seen(self):
        return sorted(k for k, v in self._files().items() if v)

    def unseen(self):
        return sorted(k for k, v in self._files().items() if not v)
