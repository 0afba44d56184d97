#!/usr/bin/env python3
"""Assembles the seed corpora of the fuzz targets from the test fixtures.

    fuzz/seeds.py SRCDIR ACCEPTANCE-DIR OUT-DIR

writes OUT-DIR/message (fuzz-message: every .eml of tests/corpora,
tests/data/messages, contrib/examples and the acceptance suite) and
OUT-DIR/config (fuzz-config: every .conf of config/, tests/data,
tests/corpora/config and the acceptance suite, and the CSVs that
tests/test-csv.c and tests/registry-cli.sh write), one file per distinct
input, named by its SHA-1.  A missing ACCEPTANCE-DIR adds nothing.
Prints "message: N seeds" and "config: N seeds".  The regression fixtures
(tests/data/fuzz-regressions) are not copied: fuzz/run.sh passes them as
corpus directories of their own.
"""
import hashlib
import os
import re
import sys


def walk(top, suffixes):
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(suffixes):
                yield os.path.join(root, name)


def put(out, data, seen):
    name = hashlib.sha1(data).hexdigest()
    if name not in seen:
        seen.add(name)
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


def printf_bytes(fmt):
    """The bytes printf(1) writes for a format without conversions."""
    out = bytearray()
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c == "\\" and i + 1 < len(fmt):
            n = fmt[i + 1]
            if n == "x":
                m = re.match(r"[0-9a-fA-F]{1,2}", fmt[i + 2:])
                out.append(int(m.group(0), 16))
                i += 2 + len(m.group(0))
                continue
            out += {"n": b"\n", "r": b"\r", "t": b"\t", "\\": b"\\"}.get(n, ("\\" + n).encode())
            i += 2
        elif c == "%" and fmt[i + 1:i + 2] == "%":
            out += b"%"
            i += 2
        else:
            out += c.encode()
            i += 1
    return bytes(out)


def c_string(literal):
    """The bytes of a C string literal's body (escapes \\n \\r \\t \\" \\\\ \\xHH)."""
    out = bytearray()
    i = 0
    while i < len(literal):
        c = literal[i]
        if c == "\\":
            n = literal[i + 1]
            if n == "x":
                m = re.match(r"[0-9a-fA-F]+", literal[i + 2:])
                out.append(int(m.group(0), 16) & 0xFF)
                i += 2 + len(m.group(0))
                continue
            out += {"n": b"\n", "r": b"\r", "t": b"\t", "0": b"\0"}.get(n, n.encode())
            i += 2
        else:
            out += c.encode()
            i += 1
    return bytes(out)


def csv_seeds(srcdir):
    """The CSV texts the tests parse."""
    csvs = []
    path = os.path.join(srcdir, "tests", "test-csv.c")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                # table rows: { "what", "DATA", ...
                m = re.match(r'\s*\{ "(?:[^"\\]|\\.)*", "((?:[^"\\]|\\.)*)"', line)
                if m:
                    csvs.append(c_string(m.group(1)))
    path = os.path.join(srcdir, "tests", "registry-cli.sh")
    if os.path.exists(path):
        files = {}
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r"printf '([^']*)' >(>?) \"\$T/([\w.-]+\.csv)\"", text):
            data = printf_bytes(m.group(1))
            files[m.group(3)] = (files.get(m.group(3), b"") if m.group(2) else b"") + data
        for m in re.finditer(r"cat > \"\$T/([\w.-]+\.csv)\" <<'EOF'\n(.*?)^EOF$", text,
                             re.S | re.M):
            files[m.group(1)] = m.group(2).encode()
        csvs.extend(files[k] for k in sorted(files))
    return csvs


def main():
    srcdir, acceptance, out = sys.argv[1:4]
    counts = {}
    for target in ("message", "config"):
        os.makedirs(os.path.join(out, target), exist_ok=True)
    seen = set()
    for top in ("tests/corpora", "tests/data/messages", "contrib/examples"):
        for path in walk(os.path.join(srcdir, top), (".eml", ".txt", ".bin")):
            put(os.path.join(out, "message"), open(path, "rb").read(), seen)
    if os.path.isdir(acceptance):
        for path in walk(acceptance, (".eml",)):
            put(os.path.join(out, "message"), open(path, "rb").read(), seen)
    counts["message"] = len(seen)
    seen = set()
    for top in ("config", "tests/data/config", "tests/data/unit", "tests/corpora/config"):
        for path in walk(os.path.join(srcdir, top), (".conf",)):
            put(os.path.join(out, "config"), open(path, "rb").read(), seen)
    if os.path.isdir(acceptance):
        for path in walk(acceptance, (".conf",)):
            put(os.path.join(out, "config"), open(path, "rb").read(), seen)
    for data in csv_seeds(srcdir):
        put(os.path.join(out, "config"), data, seen)
    counts["config"] = len(seen)
    for target in ("message", "config"):
        print("%s: %d seeds" % (target, counts[target]))


if __name__ == "__main__":
    main()
