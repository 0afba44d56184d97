#!/bin/bash
# The ledger as a user meets it (SPEC 1, 7, 9): import (counts, idempotence,
# each message's Date), log (text and JSON Lines), check reading the ledger
# without changing it, audit replaying in date order, and a ledger that is
# unsafe or damaged.  Each check prints PASS/FAIL; the last line is
# "N passed, M failed".
set -u

# shellcheck source=lib/cli.sh
. "$(dirname "$0")/lib/cli.sh"
private_env ledger

require_bin

private_config
L=$T/.local/share/matchguard/ledger.db   # [ledger] path of config/example.conf
mg() { "$BIN" "$1" --config "$CONF" "${@:2}"; }

# A letter to a program: letter FILE DATE MSGID TO SUBJECT TEXT
letter() {
    cat > "$1" <<EOF
From: Amina Okafor <amina.okafor@example.org>
To: $4
Subject: $5
Date: $2
Message-ID: <$3@laptop.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Dear Selection Committee,

$6

Sincerely,
Amina Okafor
AAMC ID 12345678
EOF
}
GREENFIELD='"Dr. Celeste Moreau" <cmoreau@greenfield-med.example.edu>'
MAPLE='irresidency@maplehollow-mc.example.org'
letter "$T/first-greenfield.eml" "Mon, 15 Feb 2027 09:00:00 -0500" first-gf "$GREENFIELD" "Intent to rank" \
    "After my interview, I will rank Greenfield IR #1 on my rank order list."
letter "$T/update-greenfield.eml" "Thu, 22 Oct 2026 09:12:40 -0400" update-gf "$GREENFIELD" "Update" \
    "I wanted to share that my abstract on genicular artery embolization was accepted at SIR. Greenfield IR remains a program I admire."
letter "$T/first-ashford.eml" "Tue, 16 Feb 2027 10:00:00 -0500" first-ash "$MAPLE" "Intent to rank" \
    "After my interview, I will rank Maple Hollow IR #1 on my rank order list."
letter "$T/friend.eml" "Tue, 16 Feb 2027 10:00:00 -0500" friend "sam@mail.example.net" "Dinner" \
    "Dinner on Friday?"
# an mbox holding the three sent letters, newest first (date order is not file order)
for f in first-ashford first-greenfield update-greenfield friend; do
    printf 'From amina@example.org Mon Feb 15 09:00:00 2027\n'
    cat "$T/$f.eml"
    echo
done > "$T/sent.mbox"

# --- check before any ledger exists ----------------------------------------
expect "check without a ledger works" 0 mg check --at 2027-02-16T10:00:00-05:00 "$T/first-ashford.eml"
if [ -e "$L" ]; then bad "check created a ledger"; else ok "check creates no ledger"; fi

# --- import --------------------------------------------------------------------
expect "import two letters" 0 mg import "$T/first-greenfield.eml" "$T/update-greenfield.eml" "$T/friend.eml"
contains "import reports what it recorded" "$T/out" "recorded 2 messages, 0 already in the ledger, 1 not program mail"
if [ "$(stat -c %a "$L")" = 600 ] && [ "$(stat -c %a "$(dirname "$L")")" = 700 ]; then
    ok "ledger file 0600 in a 0700 directory"
else
    bad "ledger modes: $(stat -c %a "$L") in $(stat -c %a "$(dirname "$L")")"
fi
if grep -qa "genicular" "$L"; then bad "the ledger holds message text"; else ok "the ledger holds no message text"; fi
expect "import is idempotent (files)" 0 mg import "$T/first-greenfield.eml" "$T/update-greenfield.eml"
contains "import again records nothing" "$T/out" "recorded 0 messages, 2 already in the ledger"
expect "import is idempotent (the same mail in an mbox)" 0 mg import "$T/sent.mbox"
contains "mbox import adds only the new letter" "$T/out" "recorded 1 message, 2 already in the ledger, 1 not program mail"
expect "import of a missing source" 74 mg import "$T/nope.mbox"
expect "import with nothing to read" 64 mg import

# --- log ---------------------------------------------------------------------------
expect "log --format json" 0 mg log --format json
lines "log: one line per entry" "$T/out" 3
if "$PY" - "$T/out" <<'PYEOF'
import json, sys
keys = {"time", "message_id", "subject", "kind", "intent", "programs", "recipients", "status", "overrides", "findings"}
rows = [json.loads(l) for l in open(sys.argv[1])]
for r in rows:
    assert set(r) == keys, set(r) ^ keys
    assert r["status"] == "imported", r
# newest last, at each message's own Date
assert [r["message_id"] for r in rows] == ["<update-gf@laptop.example.org>", "<first-gf@laptop.example.org>",
                                           "<first-ash@laptop.example.org>"], rows
assert rows[0]["time"].startswith("2026-10-22T09:12:40"), rows[0]["time"]
assert rows[1]["programs"] == ["greenfield-ir"] and rows[1]["intent"] == "first" and rows[1]["kind"] == "intent"
assert rows[0]["kind"] == "update" and rows[0]["recipients"] == ["cmoreau@greenfield-med.example.edu"]
PYEOF
then ok "log JSON: SPEC 9 keys, Date order, kind, intent, programs"; else bad "log JSON content"; fi
expect "log as text" 0 mg log
contains "log text shows status and subject" "$T/out" "imported"

# --- check reads the ledger and changes nothing -----------------------------------------
letter "$T/first-stonebridge.eml" "Wed, 17 Feb 2027 10:00:00 -0500" first-sb "ir-program@stonebridge-health.example.edu" \
    "Intent to rank" "After my interview, I will rank Stonebridge IR #1 on my rank order list."
cp -p "$L" "$T/before.db"
expect "check: #1 to a third program is blocked by the ledger" 2 mg check --format json --at 2027-02-17T10:00:00-05:00 "$T/first-stonebridge.eml"
contains "check names first-choice-duplicate" "$T/out" '"rule":"first-choice-duplicate"'
contains "the finding names the other program" "$T/out" "greenfield-ir"
if cmp -s "$L" "$T/before.db"; then ok "check left the ledger byte-identical"; else bad "check changed the ledger"; fi
expect "check --no-ledger ignores history" 0 mg check --no-ledger --at 2027-02-17T10:00:00-05:00 "$T/first-stonebridge.eml"
expect "check --at before the earlier letters does not see them" 0 mg check --at 2027-02-14T10:00:00-05:00 "$T/first-stonebridge.eml"
MATCHGUARD_LEDGER="$T/other.db" expect "MATCHGUARD_LEDGER names another (missing) ledger" 0 mg check --at 2027-02-17T10:00:00-05:00 "$T/first-stonebridge.eml"
expect "--ledger names another (missing) ledger" 0 mg check --ledger "$T/other.db" --at 2027-02-17T10:00:00-05:00 "$T/first-stonebridge.eml"

# --- status --------------------------------------------------------------------------
# the ledger now holds: an update (2026-10-22) and #1 (2027-02-15) to Greenfield, #1 to Maple Hollow (2027-02-16)
expect "status --format json" 0 mg status --format json --at 2027-02-20T10:00:00-05:00
if "$PY" - "$T/out" <<'PYEOF'
import json, sys
rows = {r["id"]: r for r in map(json.loads, open(sys.argv[1]))}
g, m, a = rows["greenfield-ir"], rows["maple-hollow-ir"], rows["ashford-ir"]
assert g["total"] == 2 and g["messages"]["update"] == 1 and g["messages"]["intent"] == 1, g
assert g["intent"] == "first" and g["last_contact"] == "2027-02-15", g
# 14 days after the last unsolicited message
assert g["next_followup"] == "2027-03-01" and g["next_followup_reason"], g
assert m["intent"] == "first" and m["total"] == 1, m
# Ashford asked not to be written to after its interview (2026-12-09)
assert a["total"] == 0 and a["next_followup"] is None, a
assert rows["stonebridge-ir"]["next_followup"] == "now", rows["stonebridge-ir"]
assert len(rows) == 8, len(rows)   # every program of config/example.conf and programs.conf
PYEOF
then ok "status JSON: kinds, last contact, intent, next follow-up"; else bad "status JSON: $(head -c 800 "$T/out")"; fi
expect "status as text for two programs" 0 mg status --at 2027-02-20T10:00:00-05:00 greenfield-ir maple-hollow-ir
contains "status text: two programs told #1 is flagged" "$T/out" "#1 was told to more than one program!"
if awk 'length($0) > 80 { exit 1 }' "$T/out"; then ok "status text fits 80 columns"; else bad "status text wider than 80 columns"; fi
expect "status before the second #1 letter" 0 mg status --at 2027-02-15T12:00:00-05:00 greenfield-ir
contains "status: one #1 is the one to keep" "$T/out" "#1: tell no other program"
expect "status --svg" 0 mg status --svg "$T/season.svg" --at 2027-02-20T10:00:00-05:00
if "$PY" - "$T/season.svg" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()          # well-formed XML, or this raises
assert root.tag == ns + "svg", root.tag
groups = {g.get("id"): g for g in root.iter(ns + "g") if g.get("class") == "program"}
assert len(groups) == 8, sorted(groups)
marks = lambda pid: [c for c in groups["program-" + pid].iter(ns + "circle") if "message" in c.get("class", "")]
g = marks("greenfield-ir")
assert sorted(c.get("class") for c in g) == ["message intent imported", "message update imported"], g
assert [c for c in marks("maple-hollow-ir") if "intent" in c.get("class")], "maple #1 letter"
assert marks("stonebridge-ir") == []
titles = "".join(t.text or "" for t in root.iter(ns + "title"))
assert "2026-10-22" in titles and "interview 2026-11-10" in titles, titles[:300]
texts = [t.text for t in root.iter(ns + "text")]
assert "rank deadline" in texts and "Match Day" in texts, texts
PYEOF
then ok "status --svg: valid SVG, a row per program, a mark per ledger entry, interview and deadlines"; else bad "status --svg content"; fi
expect "status of an unknown program" 64 mg status nope-ir
contains "status names the unknown program" "$T/err" "nope-ir"

# --- audit ---------------------------------------------------------------------------
cp -p "$L" "$T/before.db"
expect "audit finds the second #1 letter in date order" 2 mg audit --format json "$T/sent.mbox"
lines "audit: one line per message" "$T/out" 4
if "$PY" - "$T/out" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {r["message_id"]: r for r in rows}
assert by["<first-ash@laptop.example.org>"]["verdict"] == "block", by
assert "first-choice-duplicate" in [f["rule"] for f in by["<first-ash@laptop.example.org>"]["findings"]]
assert by["<first-gf@laptop.example.org>"]["verdict"] == "ok", by["<first-gf@laptop.example.org>"]
assert [r["message_id"] for r in rows][0] == "<update-gf@laptop.example.org>"
PYEOF
then ok "audit: the earlier #1 passes, the later one is blocked, date order"; else bad "audit content: $(head -c 600 "$T/out")"; fi
if cmp -s "$L" "$T/before.db"; then ok "audit left the ledger alone"; else bad "audit changed the ledger"; fi
expect "audit of the clean letter alone" 0 mg audit "$T/update-greenfield.eml"
contains "audit text summary" "$T/out" "1 message replayed, 0 would have been refused"

# --- audit in two threads -----------------------------------------------------------------
# With two CPUs audit judges in a helper thread while it reads, as long as
# the messages come in date order, and starts again in sorted order with
# the helper analysing ahead when one does not (src/cmd-audit.c); with one
# CPU it reads, sorts and judges in the main thread.  The fixture corpus
# (HTML, broken MIME, every rule: 250-odd messages, named in an order
# unrelated to their dates), a generated mbox of 150 program messages in
# date order, the same with every seventh message swapped with the next
# (a little out of place: taken in its place while reading) and with its
# first message moved to the end (found out of order only at the last,
# after most were judged) must come out the same, byte for byte, with the
# same exit status.
mkdir -p "$T/corpus-conf"
cp "$SRC"/tests/corpora/config/*.conf "$T/corpus-conf/"
chmod 600 "$T/corpus-conf/"*.conf
if ! "$PY" "$SRC/bench/gen-mbox.py" --config "$T/corpus-conf" --count 150 --mbox "$T/generated.mbox" > /dev/null \
    || ! "$PY" "$SRC/tests/lib/mbox-reorder.py" first-last "$T/generated.mbox" "$T/rotated.mbox" \
    || ! "$PY" "$SRC/tests/lib/mbox-reorder.py" swap-pairs "$T/generated.mbox" "$T/swapped.mbox"; then
    bad "audit in two threads: gen-mbox.py or mbox-reorder.py failed"
elif [ "$(nproc)" -lt 2 ] || ! command -v taskset > /dev/null; then
    bad "audit in two threads: needs two CPUs and taskset (util-linux) to compare with one ($(nproc) CPU)"
else
    corpus_messages=("$SRC"/tests/corpora/*/*/message.eml)
    for source in corpus generated rotated swapped; do
        if [ "$source" = corpus ]; then set -- "${corpus_messages[@]}"; else set -- "$T/$source.mbox"; fi
        for how in "" "--format json" "-q"; do
            # shellcheck disable=SC2086  # $how is one option or none
            taskset -c 0 "$BIN" audit --config "$T/corpus-conf/matchguard.conf" $how "$@" > "$T/one" 2> "$T/one.err"
            rc_one=$?
            # shellcheck disable=SC2086
            "$BIN" audit --config "$T/corpus-conf/matchguard.conf" $how "$@" > "$T/two" 2> "$T/two.err"
            rc_two=$?
            if [ "$rc_one" = "$rc_two" ] && [ "$rc_one" -le 2 ] && [ -s "$T/one" ] && cmp -s "$T/one" "$T/two"; then
                ok "audit ${how:-(text)} of the $source: one CPU and two write the same (exit $rc_one, $(wc -l < "$T/one") lines)"
            else
                bad "audit ${how:-(text)} of the $source: one CPU exit $rc_one, two exit $rc_two ($(cmp "$T/one" "$T/two" 2>&1 | head -1); $(head -c 200 "$T/two.err"))"
            fi
        done
    done
    set --
    # sources that cannot be read, around an mbox found out of order at its
    # end (read again, kept and sorted): each error reported once, the same
    # exit status, the same output
    taskset -c 0 "$BIN" audit --config "$T/corpus-conf/matchguard.conf" -q "$T/missing-1.mbox" \
        "$T/rotated.mbox" "$T/missing-2" > "$T/one" 2> "$T/one.err"
    rc_one=$?
    "$BIN" audit --config "$T/corpus-conf/matchguard.conf" -q "$T/missing-1.mbox" \
        "$T/rotated.mbox" "$T/missing-2" > "$T/two" 2> "$T/two.err"
    rc_two=$?
    if [ "$rc_one" = 74 ] && [ "$rc_two" = 74 ] && cmp -s "$T/one" "$T/two" && cmp -s "$T/one.err" "$T/two.err" \
        && [ "$(grep -c "cannot read" "$T/two.err")" = 2 ]; then
        ok "audit with unreadable sources: each reported once, exit 74, as on one CPU"
    else
        bad "audit with unreadable sources: exit $rc_two, on one CPU $rc_one; $(head -c 300 "$T/two.err")"
    fi
fi

# --- unsafe or damaged ledgers -----------------------------------------------------------
chmod 660 "$L"
expect "a group-writable ledger is refused" 75 mg check --at 2027-02-17T10:00:00-05:00 "$T/first-stonebridge.eml"
contains "the refusal says what to do" "$T/err" "chmod"
chmod 600 "$L"
head -c 4096 /dev/urandom > "$T/corrupt.db"
chmod 600 "$T/corrupt.db"
cp -p "$T/corrupt.db" "$T/corrupt.orig"
expect "a corrupt ledger: check exits 75" 75 mg check --ledger "$T/corrupt.db" "$T/first-stonebridge.eml"
expect "a corrupt ledger: import exits 75" 75 mg import --ledger "$T/corrupt.db" "$T/first-stonebridge.eml"
lines "one line of error" "$T/err" 1
if cmp -s "$T/corrupt.db" "$T/corrupt.orig" && [ ! -e "$T/corrupt.db-journal" ]; then ok "the corrupt file is untouched"; else bad "the corrupt file was changed"; fi

# --- sendmail mode: own options, --allow, the confirmation window ----------------
printf '#!/bin/sh\nprintf "%%s\\n" "$@" > "$RELAY_OUT.args"\ncat > "$RELAY_OUT.body"\n' > "$T/relay.sh"
chmod 755 "$T/relay.sh"
sed -e "s|^command = .*|command = $T/relay.sh|" -e "s|^path = .*|path = $T/send.db|" "$CONF" > "$T/conf/send.conf"
chmod 600 "$T/conf/send.conf"
export RELAY_OUT=$T/relayed
letter "$T/template.eml" "Wed, 17 Feb 2027 10:00:00 -0500" tmpl "$MAPLE" "Update" \
    "I am writing to [Program Name] to share that my abstract on genicular artery embolization was accepted at SIR."
expect "sendmail: a placeholder is refused" 77 "$BIN" --config "$T/conf/send.conf" -oi -- "$MAPLE" < "$T/template.eml"
contains "the refusal names the rule and the override header" "$T/err" "X-Matchguard-Override: placeholder"
if [ -e "$RELAY_OUT.body" ]; then bad "a refused message reached the relay"; else ok "a refused message never reaches the relay"; fi
expect "sendmail: --allow before the sendmail options releases it" 0 "$BIN" --config "$T/conf/send.conf" --allow placeholder -oi -- "$MAPLE" < "$T/template.eml"
if cmp -s "$RELAY_OUT.body" "$T/template.eml"; then ok "relayed byte for byte"; else bad "relayed bytes differ"; fi
if [ "$(cat "$RELAY_OUT.args")" = "$(printf '%s\n' -oi -- "$MAPLE")" ]; then
    ok "the relay gets the sendmail options, not matchguard's own"
else
    bad "relay arguments: $(tr '\n' ' ' < "$RELAY_OUT.args")"
fi
expect "log after the sends" 0 "$BIN" log --config "$T/conf/send.conf" --format json
if "$PY" - "$T/out" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["status"] for r in rows] == ["refused", "sent"], rows
assert rows[1]["overrides"] == ["placeholder"] and "placeholder" in rows[1]["findings"], rows[1]
assert rows[0]["overrides"] == [] and "placeholder" in rows[0]["findings"], rows[0]
PYEOF
then ok "the ledger: refused, then sent with the override recorded"; else bad "ledger after --allow: $(cat "$T/out")"; fi

# a warning waits for confirmation; with a window of 0 minutes no re-send confirms it
letter "$T/status.eml" "Wed, 17 Feb 2027 10:00:00 -0500" status "$MAPLE" "Application" \
    "Have you had a chance to review my application to Maple Hollow IR?"
sed -i 's/^confirm_window_minutes = .*/confirm_window_minutes = 0/' "$T/conf/send.conf"
rm -f "$RELAY_OUT.body"
expect "sendmail: a warning is refused the first time" 77 "$BIN" --config "$T/conf/send.conf" -oi -- "$MAPLE" < "$T/status.eml"
contains "the refusal explains how to confirm" "$T/err" "send the same"
sleep 1
expect "sendmail: outside the window the re-send is refused again" 77 "$BIN" --config "$T/conf/send.conf" -oi -- "$MAPLE" < "$T/status.eml"
sed -i 's/^confirm_window_minutes = .*/confirm_window_minutes = 15/' "$T/conf/send.conf"
expect "sendmail: inside the window the re-send is relayed" 0 "$BIN" --config "$T/conf/send.conf" -oi -- "$MAPLE" < "$T/status.eml"
if cmp -s "$RELAY_OUT.body" "$T/status.eml"; then ok "the confirmed message relayed byte for byte"; else bad "confirmed message bytes differ"; fi
expect "sendmail: no recipients and no -t" 64 "$BIN" --config "$T/conf/send.conf" -oi < "$T/status.eml"

# A #1 letter that another send commits while this one waits for the write
# lock counts, though that send took its time after this one started: the
# time of a send is taken with the lock held (SPEC 7: the check and the
# pending entry are one transaction).  Here the other send is a transaction
# held open by the test, which commits an entry of #1 intent to Greenfield
# stamped a second after this send started, and commits it a second after
# that.
sed -e "s|^command = .*|command = $T/relay.sh|" -e "s|^path = .*|path = $T/race.db|" "$CONF" > "$T/conf/race.conf"
chmod 600 "$T/conf/race.conf"
expect "race: a ledger with one update" 0 mg import --config "$T/conf/race.conf" "$T/update-greenfield.eml"
rm -f "$RELAY_OUT.body"
if "$PY" - "$T/race.db" "$BIN" "$T/conf/race.conf" "$MAPLE" "$T/first-ashford.eml" "$T/race" <<'PYEOF'
import sqlite3, subprocess, sys, time
db, binary, conf, rcpt, letter, out = sys.argv[1:]
con = sqlite3.connect(db, isolation_level=None)
con.execute("BEGIN IMMEDIATE")
started = time.time()
with open(letter, "rb") as stdin, open(out + ".err", "wb") as err:
    send = subprocess.Popen([binary, "--config", conf, "-oi", "--", rcpt], stdin=stdin,
                            stdout=subprocess.DEVNULL, stderr=err)
    stamp = int(started) + 1
    con.execute("INSERT INTO entries (time, message_id, kind, intent, is_reply, programs, recipients,"
                " status, findings, overrides) VALUES (?, 'other-first', 'intent', 'first', 0,"
                " 'greenfield-ir', 'cmoreau@greenfield-med.example.edu', 'pending', '', '')", (stamp,))
    con.execute("INSERT INTO entry_programs (program, entry) VALUES ('greenfield-ir', last_insert_rowid())")
    while time.time() < stamp + 1.2:
        time.sleep(0.05)
    if send.poll() is not None:
        sys.exit("the send did not wait for the lock (exit %d)" % send.returncode)
    con.execute("COMMIT")
    rc = send.wait(timeout=60)
sys.exit(0 if rc == 77 else "the send exited %d, expected 77" % rc)
PYEOF
then ok "race: a #1 letter committed while the send waited for the lock refuses the second"
else bad "race: the second #1 letter was not refused ($(head -c 300 "$T/race.err"))"; fi
contains "race: the refusal names first-choice-duplicate" "$T/race.err" "first-choice-duplicate"
if [ -e "$RELAY_OUT.body" ]; then bad "race: the second #1 letter reached the relay"; else ok "race: the second #1 letter never reaches the relay"; fi

summary
