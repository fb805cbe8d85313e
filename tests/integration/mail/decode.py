#!/usr/bin/python3
"""Reads a received message the way a mail client would (Python's email
package, policy.default) and prints what it found, one fact a line, for the
C tests to match:

  HDR <name>: <decoded value>       every header, RFC 2047 decoded
  NAME <To|From>: <display name>    decoded display name (policy.default)
  RFCNAME <To|From>: <display name> decoded by email.header (RFC 2047 6.2)
  ADDR <To|From>: <address>
  DEFECTS <n>                       parser defects in headers and body
  MAXLINE <n>                       longest raw line (without CRLF)
  MAXEWLINE <n>                     longest raw line holding an encoded-word
  MAXWORD <n>                       longest raw RFC 2047 encoded-word
  BAREEOL <n>                       lone CR or LF in the raw bytes
  BODY                              then the decoded body text, as is
"""
import email
import email.header
import email.policy
import email.utils
import re
import sys


def main(path):
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    out = []
    defects = len(msg.defects)
    for name, value in msg.items():
        out.append("HDR %s: %s" % (name, str(value)))
        defects += len(getattr(value, "defects", ()))
    for h in ("From", "To"):
        v = msg[h]
        if v is not None and v.addresses:
            a = v.addresses[0]
            out.append("NAME %s: %s" % (h, a.display_name))
            out.append("ADDR %s: %s" % (h, a.addr_spec))
    # The same names through the RFC 2047 decoder of email.header, which
    # ignores the folding between adjacent encoded-words as RFC 2047 6.2
    # says (policy.default's address parser keeps it as a space).
    compat = email.message_from_bytes(raw)
    for h in ("From", "To"):
        v = compat[h]
        if v is not None:
            name, addr = email.utils.parseaddr(re.sub(r"\r?\n[ \t]", " ", str(v)))
            dec = str(email.header.make_header(email.header.decode_header(name)))
            out.append("RFCNAME %s: %s" % (h, dec))
    lines = raw.split(b"\r\n")
    out.append("MAXLINE %d" % max(len(x) for x in lines))
    ew_lines = [x for x in lines if re.search(rb"=\?[^?\s]+\?[bBqQ]\?", x)]
    out.append("MAXEWLINE %d" % max([len(x) for x in ew_lines] or [0]))
    words = re.findall(rb"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=", raw)
    out.append("MAXWORD %d" % max([len(w) for w in words] or [0]))
    bare = len(re.findall(rb"\r(?!\n)|(?<!\r)\n", raw))
    out.append("BAREEOL %d" % bare)
    # quoted-printable keeps the CRLF of each line in the decoded text; a
    # reader shows lines, so compare lines (BAREEOL checks the raw ends)
    body = msg.get_content().replace("\r\n", "\n")
    out.append("DEFECTS %d" % defects)
    out.append("BODY")
    sys.stdout.write("\n".join(out) + "\n" + body)
    return 0


def names(paths):
    """--names F...: per file, the RFC 2047 decoded To display name and the
    Subject, one line each ("N <i> <name>", "S <i> <subject>")."""
    for i, path in enumerate(paths):
        raw = open(path, "rb").read()
        compat = email.message_from_bytes(raw)
        name, _ = email.utils.parseaddr(re.sub(r"\r?\n[ \t]", " ", str(compat["To"])))
        dec = str(email.header.make_header(email.header.decode_header(name)))
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        sys.stdout.write("N %d %s\nS %d %s\n" % (i, dec, i, str(msg["Subject"])))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--names":
        sys.exit(names(sys.argv[2:]))
    sys.exit(main(sys.argv[1]))
