#!/usr/bin/env python3
"""Compare one `matchguard check --format json` run with a corpus case.json.

    compare.py CASE.json STDOUT STDERR EXIT-CODE

Prints exactly one line, "PASS <detail>" or "FAIL <detail>", and exits 0 on
PASS, 1 on FAIL.  Standard library only.  Whatever the program printed
(garbage, several objects, nothing) gives a FAIL line, never a traceback.

What is judged (SPEC 1, 5, 6, 9):
  - exactly one JSON object on stdout (JSON Lines, one message);
  - its "verdict" equals case.json "verdict", and the exit status is the
    verdict's (0 ok, 1 warn, 2 block);
  - every rule in "must" is among findings[].rule, no rule in "must_not" is;
  - "kind", "intent" and the set of programs[].id, when case.json has them
    ("programs": [] also accepts a missing or null "programs");
  - "severity": {rule: level} - every finding of that rule has that level;
  - the verdict is the worst finding severity (info counts as ok).
"shape", "keys" and any other field of case.json are documentation only.
"""

import json
import signal
import sys

EXIT = {"ok": 0, "warn": 1, "block": 2}
RANK = {"off": 0, "info": 0, "warn": 1, "block": 2}


def clip(s, n=160):
    s = s.replace("\n", "\\n")
    return s if len(s) <= n else s[:n] + "..."


def first_stderr_line(path):
    try:
        with open(path, "rb") as f:
            for raw in f.read().decode("utf-8", "replace").splitlines():
                if raw.strip():
                    return clip(raw.strip(), 120)
    except OSError:
        pass
    return ""


def program_ids(progs):
    """Sorted program ids; an ambiguous recipient (id null) sorts last as None."""
    ids = [p.get("id") if isinstance(p, dict) else p for p in progs]
    return sorted(ids, key=lambda x: (x is None, str(x)))


def judge(cj, out_path, err_path, rc):
    if rc == 124:
        return False, "timed out"
    if rc in (126, 127):
        return False, "could not run the binary (exit %d: not found or not executable)" % rc
    if rc >= 128:
        try:
            name = signal.Signals(rc - 128).name
        except ValueError:
            name = "signal %d" % (rc - 128)
        return False, "crashed (%s, exit %d)" % (name, rc)
    try:
        with open(out_path, "rb") as f:
            raw = f.read()
    except OSError as e:
        return False, "no stdout: %s" % e
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False, "stdout is not UTF-8 (exit %d)" % rc
    lines = [l for l in text.splitlines() if l.strip()]
    if not lines:
        err = first_stderr_line(err_path)
        return False, "no JSON output (exit %d)%s" % (rc, (": " + err) if err else "")
    objs = []
    for i, l in enumerate(lines, 1):
        try:
            objs.append(json.loads(l))
        except ValueError:
            return False, "stdout line %d is not JSON: %s (exit %d)" % (i, clip(l, 80), rc)
    if len(objs) != 1:
        return False, "expected one JSON object, got %d lines (exit %d)" % (len(objs), rc)
    obj = objs[0]
    if not isinstance(obj, dict):
        return False, "JSON line is not an object (exit %d)" % rc

    problems = []
    verdict = obj.get("verdict")
    findings = obj.get("findings")
    if not isinstance(findings, list) or not all(isinstance(f, dict) for f in findings):
        return False, "no findings array in the JSON object (verdict %r, exit %d)" % (verdict, rc)
    rules = [f.get("rule") for f in findings]
    got = ", ".join("%s(%s)" % (f.get("rule"), f.get("severity")) for f in findings) or "none"

    want = cj["verdict"]
    if verdict != want:
        problems.append("verdict %s != expected %s" % (verdict, want))
    if rc != EXIT[want]:
        problems.append("exit %d != expected %d" % (rc, EXIT[want]))
    elif verdict in EXIT and rc != EXIT[verdict]:
        problems.append("exit %d does not match printed verdict %s" % (rc, verdict))
    missing = [r for r in cj.get("must", []) if r not in rules]
    if missing:
        problems.append("missing " + ",".join(missing))
    unexpected = [r for r in cj.get("must_not", []) if r in rules]
    if unexpected:
        problems.append("unexpected " + ",".join(unexpected))
    for key in ("kind", "intent"):
        if key in cj and obj.get(key) != cj[key]:
            problems.append("%s %r != expected %r" % (key, obj.get(key), cj[key]))
    if "programs" in cj:
        progs = obj.get("programs")
        if progs is None and cj["programs"] == []:
            progs = []          # a missing/null "programs" is read as none
        ids = program_ids(progs) if isinstance(progs, list) else None
        if ids != program_ids(cj["programs"]):
            problems.append("programs %s != expected %s" % (ids, sorted(cj["programs"])))
    for rule, sev in (cj.get("severity") or {}).items():
        sevs = sorted({str(f.get("severity")) for f in findings if f.get("rule") == rule})
        if sevs and sevs != [sev]:
            problems.append("severity of %s %s != expected %s" % (rule, "/".join(sevs), sev))
    # SPEC 6: the verdict is the worst finding severity
    ranks = [RANK.get(f.get("severity"), -1) for f in findings]
    if -1 in ranks:
        problems.append("finding with unknown severity")
    elif verdict in EXIT and EXIT[verdict] != max(ranks + [0]):
        problems.append("verdict %s inconsistent with finding severities (SPEC 6)" % verdict)
    if problems:
        return False, "; ".join(problems) + " | findings: " + got
    return True, "%s (exit %d) findings: %s" % (verdict, rc, got)


def main():
    if len(sys.argv) < 5:
        print("FAIL harness: compare.py needs CASE STDOUT STDERR RC")
        return 1
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            cj = json.load(f)
        rc = int(sys.argv[4])
        if cj.get("verdict") not in EXIT:
            raise ValueError("case.json verdict %r is not ok/warn/block" % cj.get("verdict"))
    except Exception as e:  # noqa: BLE001
        print("FAIL harness: %s" % e)
        return 1
    try:
        ok, detail = judge(cj, sys.argv[2], sys.argv[3], rc)
    except Exception as e:  # noqa: BLE001  (never let odd output crash the harness)
        ok, detail = False, "could not judge output: %s: %s" % (type(e).__name__, clip(str(e), 100))
    print(("PASS " if ok else "FAIL ") + detail)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
