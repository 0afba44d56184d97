#!/usr/bin/python3
"""Helpers for the matchguard end-to-end tests (standard library only).

  helper.py log FILE                 check `matchguard log --format json` output
                                     against SPEC 9 and print one line per entry:
                                     STATUS<TAB>PROGRAMS<TAB>OVERRIDES<TAB>FINDINGS<TAB>RECIPIENTS
                                     (lists comma-separated); 'ERROR: ...' and exit 1
                                     on a problem
  helper.py unix FILE OUT            DATA as received by SMTP (CRLF) -> LF line ends
  helper.py strip-headers IN OUT NAME...
                                     copy IN to OUT without the header fields NAME
                                     (case-insensitive, continuation lines included)
  helper.py header FILE NAME         print the unfolded value of the first NAME field;
                                     exit 1 if there is none
  helper.py has-header FILE NAME     exit 0 if the header block has a NAME field
  helper.py body FILE                print the body (after the first empty line)
  helper.py garbage OUT              4096 deterministic pseudo-random bytes
  helper.py lock DB READY SECONDS    open DB, BEGIN EXCLUSIVE, create READY, hold the
                                     lock for SECONDS (or until SIGTERM), roll back
  helper.py rc-set FILE KEY=VALUE... set "KEY VALUE" lines of an msmtp config
                                     (a line is replaced where KEY is, else appended;
                                     VALUE '-' deletes the line)
  helper.py argv FILE                print a NUL-separated argv file one word a line
"""

import json
import sys

LOG_KEYS = ("time", "message_id", "subject", "kind", "intent", "programs", "recipients",
            "status", "overrides", "findings")


def ids(v):
    if not isinstance(v, list):
        return None
    out = []
    for x in v:
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, dict) and isinstance(x.get("id"), str):
            out.append(x["id"])
        elif isinstance(x, dict) and isinstance(x.get("rule"), str):
            out.append(x["rule"])
        else:
            return None
    return out


def cmd_log(path):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            print("ERROR: log line %d is not JSON: %s" % (n, line[:60]))
            return 1
        if not isinstance(obj, dict):
            print("ERROR: log line %d is not an object" % n)
            return 1
        missing = [k for k in LOG_KEYS if k not in obj]
        if missing:
            print("ERROR: log entry %d lacks %s (SPEC 9)" % (n, ",".join(missing)))
            return 1
        lists = [ids(obj[k]) for k in ("programs", "overrides", "findings", "recipients")]
        if any(x is None for x in lists) or not isinstance(obj["status"], str):
            print("ERROR: log entry %d: programs/overrides/findings/recipients are not "
                  "lists, or status is not a string" % n)
            return 1
        rows.append("\t".join([obj["status"]] + [",".join(x) for x in lists]))
    for r in rows:
        print(r)
    return 0


def read(path):
    with open(path, "rb") as f:
        return f.read()


def split_head(data):
    """(header block with its last line end, the empty line, body)"""
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = data.find(sep)
        if i >= 0:
            half = len(sep) // 2
            return data[:i + half], data[i + half:i + len(sep)], data[i + len(sep):]
    return data, b"", b""


def fields(head):
    """[(name-lower, raw bytes incl. continuation lines)]"""
    out = []
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and out:
            out[-1][1] += line
        else:
            name = line.split(b":", 1)[0].strip().lower().decode("latin-1")
            out.append([name, line])
    return out


def cmd_unix(src, dst):
    with open(dst, "wb") as f:
        f.write(read(src).replace(b"\r\n", b"\n"))
    return 0


def cmd_strip_headers(src, dst, names):
    head, blank, body = split_head(read(src))
    drop = {n.lower() for n in names}
    kept = b"".join(raw for name, raw in fields(head) if name not in drop)
    with open(dst, "wb") as f:
        f.write(kept + blank + body)
    return 0


def cmd_header(src, name, quiet=False):
    head = split_head(read(src))[0]
    for n, raw in fields(head):
        if n == name.lower():
            if not quiet:
                value = raw.split(b":", 1)[1]
                value = b" ".join(value.split())
                print(value.decode("utf-8", "replace"))
            return 0
    return 1


def cmd_body(src):
    body = split_head(read(src))[2]
    sys.stdout.buffer.write(body)
    return 0


def cmd_garbage(path):
    import random
    rnd = random.Random(20261128)
    data = bytes(rnd.randrange(256) for _ in range(4096))
    # no header line can be read out of it: a NUL first, no ':' at all
    data = b"\x00\xff\xfe" + data[3:].replace(b":", b"\x01")
    with open(path, "wb") as f:
        f.write(data)
    return 0


def cmd_lock(db, ready, seconds):
    import signal
    import sqlite3
    import time
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    con = sqlite3.connect(db, isolation_level=None, timeout=5)
    con.execute("BEGIN EXCLUSIVE")
    with open(ready, "w") as f:
        f.write("locked\n")
    try:
        time.sleep(float(seconds))
    finally:
        con.execute("ROLLBACK")
        con.close()
    return 0


def cmd_rc_set(path, pairs):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for pair in pairs:
        key, _, value = pair.partition("=")
        done = False
        for i, l in enumerate(lines):
            words = l.split()
            if words and words[0] == key:
                if value == "-":
                    lines[i] = None
                else:
                    lines[i] = "%s %s" % (key, value)
                done = True
        lines = [l for l in lines if l is not None]
        if not done and value != "-":
            lines.append("%s %s" % (key, value))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return 0


def cmd_argv(path):
    data = read(path)
    for w in data.split(b"\0")[:-1]:
        print(w.decode("utf-8", "replace"))
    return 0


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    cmd, a = sys.argv[1], sys.argv[2:]
    try:
        if cmd == "log":
            return cmd_log(a[0])
        if cmd == "unix":
            return cmd_unix(a[0], a[1])
        if cmd == "strip-headers":
            return cmd_strip_headers(a[0], a[1], a[2:])
        if cmd == "header":
            return cmd_header(a[0], a[1])
        if cmd == "has-header":
            return cmd_header(a[0], a[1], quiet=True)
        if cmd == "body":
            return cmd_body(a[0])
        if cmd == "garbage":
            return cmd_garbage(a[0])
        if cmd == "lock":
            return cmd_lock(a[0], a[1], a[2])
        if cmd == "rc-set":
            return cmd_rc_set(a[0], a[1:])
        if cmd == "argv":
            return cmd_argv(a[0])
    except OSError as e:
        print("ERROR: %s" % e)
        return 1
    print("unknown command %s" % cmd)
    return 2


if __name__ == "__main__":
    sys.exit(main())
