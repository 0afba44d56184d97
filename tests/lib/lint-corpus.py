#!/usr/bin/env python3
"""Check the fixture corpus itself (not the program).  Standard library only.

    lint-corpus.py [CORPORA-DIR]        (default: tests/corpora beside this file)

For every <topic>/<NNN-name>/ directory:
  - case.json is valid JSON with spec, why, at (ISO-8601 with a UTC offset),
    verdict (ok/warn/block), must, must_not; optional to, kind, intent,
    programs, severity use the SPEC's vocabulary;
  - must and must_not name SPEC rule ids and do not overlap; no case expects a
    rule that needs the ledger (the corpus runs with --no-ledger);
  - the verdict agrees with the severities the case asserts;
  - message.eml parses with Python's email package (policy=default) without
    defects, has From, and a Date no later than `at` - except under broken/,
    whose messages are malformed on purpose.
Prints one line per problem and "N cases, M problems"; exits 1 on problems.
"""

import datetime
import email
import email.policy
import email.utils
import json
import os
import sys

RULES = {
    "first-choice-duplicate", "followup-limit", "followup-too-soon", "applicant-id-missing",
    "applicant-id-wrong", "multiple-programs", "placeholder", "wrong-program", "nrmp-rank-inquiry",
    "nrmp-commitment", "status-inquiry", "tone-emotional", "thank-you-late", "thank-you-duplicate",
    "followup-repeated", "reschedule-repeated", "cc-faculty", "salutation", "generic-message",
    "track-mismatch", "unwanted-contact", "ambiguous-recipient", "subject-missing",
    "after-rank-deadline", "too-long",
}
LEDGER_RULES = {"followup-limit", "followup-too-soon", "followup-repeated", "thank-you-duplicate",
                "reschedule-repeated"}
KINDS = {"thank-you", "update", "intent", "interest", "inquiry", "scheduling", "reschedule", "reply",
         "other"}
INTENTS = {"none", "interest", "strong", "first"}
RANK = {"info": 0, "warn": 1, "block": 2}
VERDICT = {"ok": 0, "warn": 1, "block": 2}


def defects(msg):
    out = list(msg.defects)
    if msg.is_multipart():
        for part in msg.get_payload():
            out.extend(defects(part))
    return out


def lint_case(root, rel):
    probs = []
    d = os.path.join(root, rel)
    try:
        with open(os.path.join(d, "case.json"), encoding="utf-8") as f:
            c = json.load(f)
    except Exception as e:  # noqa: BLE001
        return ["case.json: %s" % e]
    for k in ("spec", "why", "at", "verdict", "must", "must_not"):
        if k not in c:
            probs.append("case.json lacks %s" % k)
    if probs:
        return probs
    try:
        at = datetime.datetime.fromisoformat(c["at"])
        if at.utcoffset() is None:
            probs.append("at has no UTC offset")
    except ValueError:
        probs.append("at is not ISO-8601: %r" % c["at"])
        at = None
    if c["verdict"] not in VERDICT:
        probs.append("verdict %r" % c["verdict"])
    for field in ("must", "must_not"):
        for r in c[field]:
            if r not in RULES:
                probs.append("%s: unknown rule %r" % (field, r))
    if set(c["must"]) & set(c["must_not"]):
        probs.append("must and must_not overlap: %s" % sorted(set(c["must"]) & set(c["must_not"])))
    if set(c["must"]) & LEDGER_RULES:
        probs.append("expects a ledger rule under --no-ledger: %s" % sorted(set(c["must"]) & LEDGER_RULES))
    if "kind" in c and c["kind"] not in KINDS:
        probs.append("kind %r" % c["kind"])
    if "intent" in c and c["intent"] not in INTENTS:
        probs.append("intent %r" % c["intent"])
    if "to" in c and not (isinstance(c["to"], list) and all("@" in a for a in c["to"])):
        probs.append("to must be a list of addresses")
    if "programs" in c and not isinstance(c["programs"], list):
        probs.append("programs must be a list")
    sev = c.get("severity") or {}
    for r, s in sev.items():
        if r not in RULES or s not in RANK:
            probs.append("severity %r: %r" % (r, s))
        if r not in c["must"]:
            probs.append("severity given for %s, which is not in must" % r)
    if c["verdict"] in VERDICT and sev:
        worst = max(RANK.get(s, 0) for s in sev.values())
        if worst > VERDICT[c["verdict"]]:
            probs.append("verdict %s is milder than the asserted severities" % c["verdict"])
        if worst < VERDICT[c["verdict"]] and len(sev) == len(c["must"]):
            probs.append("verdict %s is worse than every asserted finding" % c["verdict"])
    try:
        with open(os.path.join(d, "message.eml"), "rb") as f:
            raw = f.read()
    except OSError as e:
        return probs + ["message.eml: %s" % e]
    if rel.split(os.sep)[0] == "broken":
        return probs
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    dfs = defects(msg)
    if dfs:
        probs.append("MIME defects: %s" % ", ".join(type(x).__name__ for x in dfs))
    if not msg["From"]:
        probs.append("no From header")
    if msg["Date"] and at is not None:
        try:
            sent = email.utils.parsedate_to_datetime(str(msg["Date"]))
            if sent > at:
                probs.append("Date %s is later than at %s" % (msg["Date"], c["at"]))
        except (TypeError, ValueError):
            probs.append("unparsable Date %r" % str(msg["Date"]))
    return probs


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                              "..", "corpora")
    n = bad = 0
    for topic in sorted(os.listdir(root)):
        tdir = os.path.join(root, topic)
        if not os.path.isdir(tdir):
            continue
        for name in sorted(os.listdir(tdir)):
            if not os.path.isfile(os.path.join(tdir, name, "case.json")):
                continue
            n += 1
            for p in lint_case(root, os.path.join(topic, name)):
                bad += 1
                print("%s/%s: %s" % (topic, name, p))
    print("%d cases, %d problems" % (n, bad))
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
