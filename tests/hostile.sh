#!/bin/bash
# Big and hostile mail in sendmail mode and in check (issue 5, item 3):
# a 25 MB attachment and a 25 MB text body, from a file (as mutt gives it)
# and through a pipe; 100,000 nested multiparts; a 1 MB header line and a
# 1 MB folded one; 100,000 recipients as arguments and in To; mboxes with
# broken "From " lines.  What a user notices: the exit code (SPEC 2's
# table), that the relay got exactly the input bytes or nothing, the
# ledger entry's status (`matchguard log --format json`), and that memory
# stays bounded: the peak resident set of matchguard (with its relay) is
# compared with a small message's, measured the same way in this run
# (GNU time's maximum resident set size), as
# a share of the message size; no timed assertion, only generous upper
# bounds (`hostile.py run ... SECONDS`) where a hang would block.
#
# Inputs are generated (tests/lib/hostile.py gen); the relay is
# tests/lib/fake-relay.  Prints one PASS/FAIL line per check, the
# measurements as NOTE lines, and "N passed, M failed".
set -u

# shellcheck source=lib/cli.sh
. "$(dirname "$0")/lib/cli.sh"
private_env hostile
require_bin
private_config

HELPER=$SRC/tests/lib/hostile.py
RELAY=$SRC/tests/lib/fake-relay
[ -x "$PY" ] || { bad "python3 not found"; summary; }
[ -x /usr/bin/time ] || { bad "/usr/bin/time not found (apt-get install time)"; summary; }
mkdir -p "$T/tmp" "$T/relay" "$T/in"
chmod 700 "$T/tmp"
export TMPDIR=$T/tmp
sed -i "s|^command = .*|command = '$RELAY' '$T/relay' exit:0|" "$CONF"
MB=$((1000 * 1000))
case_no=0

note() { echo "NOTE $*"; }
gen() { "$PY" "$HELPER" gen "$1" "$2" "$3"; }

# send NAME SECONDS INPUT [ARGS...]: sendmail mode on a fresh ledger
# ($T/NAME.db) with the program's contact as recipient unless ARGS are
# given; sets RC, PEAK (KB), SECS, and RUN (the relay's run number before)
send() {
    local name=$1 seconds=$2 input=$3
    shift 3
    [ $# -gt 0 ] || set -- -oi -- cmoreau@greenfield-med.example.edu
    RUN=$(cat "$T/relay/count" 2>/dev/null || echo 0)
    LEDGER=$T/$name.db
    rm -f "$T/result"
    # 100,000 arguments need more than the 2 MB of arguments an 8 MB
    # stack allows (ARG_MAX is a quarter of the stack limit)
    (ulimit -s 65536 2>/dev/null
     exec "$PY" "$HELPER" run "$T/result" "$seconds" "$input" "$T/out" "$T/err" -- \
        "$BIN" --config "$CONF" --ledger "$LEDGER" "$@")
    read -r RC PEAK SECS <"$T/result" 2>/dev/null || { RC=255 PEAK=0 SECS=0; }
}

# relayed WHAT FILE: the relay ran once more, got FILE byte for byte and
# read it to the end
relayed() {
    local n=$((RUN + 1))
    if [ "$(cat "$T/relay/count" 2>/dev/null || echo 0)" -ne "$n" ]; then
        bad "$1: the relay ran $(($(cat "$T/relay/count" 2>/dev/null || echo 0) - RUN)) times, expected once"
    elif ! cmp -s "$2" "$T/relay/got.$n"; then
        bad "$1: the relay got $(wc -c <"$T/relay/got.$n") bytes that differ from the $(wc -c <"$2") sent"
    elif [ ! -e "$T/relay/eof.$n" ]; then
        bad "$1: the relay did not read to the end"
    else
        ok "$1: the relay got exactly the input bytes"
    fi
}

not_relayed() {
    if [ "$(cat "$T/relay/count" 2>/dev/null || echo 0)" -eq "$RUN" ]; then ok "$1: nothing relayed"
    else bad "$1: the relay ran"; fi
}

code() { # WHAT WANT
    if [ "$RC" -eq "$2" ]; then ok "$1: exit $2"
    else bad "$1: exit $RC, expected $2 ($(head -c 300 "$T/err"))"; fi
}

# status WHAT WANT: the status of the newest ledger entry ("none": no entry)
status() {
    local got
    got=$("$BIN" log --config "$CONF" --ledger "$LEDGER" --format json 2>/dev/null |
        "$PY" -c 'import sys, json
rows = [json.loads(l) for l in sys.stdin if l.strip()]
print(rows[-1]["status"] if rows else "none")')
    if [ "$got" = "$2" ]; then ok "$1: ledger entry $2"
    else bad "$1: ledger entry '$got', expected $2"; fi
}

# bounded WHAT SIZE SHARE: peak RSS above the baseline is under SIZE
# bytes * SHARE (a decimal fraction), and within the generous time bound
bounded() {
    local extra=$((PEAK - BASE_PEAK))
    note "$1: $SIZE_NOTE peak ${PEAK} KB (baseline ${BASE_PEAK} KB, +${extra} KB), ${SECS} s"
    if "$PY" -c "import sys; sys.exit(0 if $extra * 1024 < $2 * $3 else 1)"; then
        ok "$1: peak memory ${extra} KB over the baseline, under $3 of the message size"
    else
        bad "$1: peak memory ${extra} KB over the baseline, not under $3 of $2 bytes"
    fi
}

no_spool_left() {
    if [ -z "$(ls -A "$T/tmp")" ]; then ok "$1: nothing left in TMPDIR"
    else bad "$1: left in TMPDIR: $(ls -A "$T/tmp" | head -3)"; fi
}

# --- the baseline: a small clean letter -------------------------------------
gen small 0 "$T/in/small.eml"
send small 60 "$T/in/small.eml"
code "small letter" 0
relayed "small letter" "$T/in/small.eml"
status "small letter" sent
BASE_PEAK=$PEAK
note "baseline: small letter ($(wc -c <"$T/in/small.eml") bytes) peak ${PEAK} KB, ${SECS} s"

# --- 25 MB attachment -------------------------------------------------------
gen attachment $((25 * MB)) "$T/in/attachment.eml"
SIZE=$(wc -c <"$T/in/attachment.eml")
SIZE_NOTE="$((SIZE / MB)) MB,"
send attachment 120 "$T/in/attachment.eml"
code "25 MB attachment from a file" 0
relayed "25 MB attachment from a file" "$T/in/attachment.eml"
status "25 MB attachment from a file" sent
bounded "25 MB attachment from a file" "$SIZE" 0.1
no_spool_left "25 MB attachment from a file"

send attachment-pipe 120 "pipe:$T/in/attachment.eml"
code "25 MB attachment through a pipe" 0
relayed "25 MB attachment through a pipe" "$T/in/attachment.eml"
status "25 MB attachment through a pipe" sent
bounded "25 MB attachment through a pipe" "$SIZE" 0.1
no_spool_left "25 MB attachment through a pipe"
rm -f "$T/relay/got."*

# --- 25 MB of text in the letter's own part ---------------------------------
gen text $((25 * MB)) "$T/in/text.eml"
SIZE=$(wc -c <"$T/in/text.eml")
SIZE_NOTE="$((SIZE / MB)) MB,"
send text 120 "pipe:$T/in/text.eml"
code "25 MB text body" 0
relayed "25 MB text body" "$T/in/text.eml"
status "25 MB text body" sent
bounded "25 MB text body" "$SIZE" 0.25
rm -f "$T/relay/got."* "$T/in/text.eml" "$T/in/attachment.eml"

# --- 100,000 nested multiparts: the letter is below the 64 levels read ------
gen nested 100000 "$T/in/nested.eml"
SIZE=$(wc -c <"$T/in/nested.eml")
SIZE_NOTE="100,000 levels, $((SIZE / MB)) MB,"
send nested 120 "$T/in/nested.eml"
code "100,000 nested multiparts" 77
not_relayed "100,000 nested multiparts"
status "100,000 nested multiparts" refused
contains "100,000 nested multiparts: the refusal says the structure was too deep to read" \
    "$T/err" "deeper than 64 levels"
bounded "100,000 nested multiparts" "$SIZE" 4

# --- 1 MB header lines ------------------------------------------------------
gen header $MB "$T/in/header.eml"
SIZE=$(wc -c <"$T/in/header.eml")
SIZE_NOTE="1 MB Subject line,"
send header 60 "$T/in/header.eml"
code "1 MB Subject line" 0
relayed "1 MB Subject line" "$T/in/header.eml"
status "1 MB Subject line" sent
bounded "1 MB Subject line" "$SIZE" 48

# of placeholder-like XXXX: refused, and the refusal is a screenful, not
# the megabyte (the Subject is read up to 1024 bytes)
gen header-x $MB "$T/in/header-x.eml"
send header-x 60 "$T/in/header-x.eml"
code "1 MB Subject of XXXX" 77
not_relayed "1 MB Subject of XXXX"
status "1 MB Subject of XXXX" refused
contains "1 MB Subject of XXXX: the refusal names the placeholder rule" "$T/err" "block[placeholder]"
if [ "$(wc -c <"$T/err")" -lt 16384 ]; then ok "1 MB Subject of XXXX: $(wc -c <"$T/err") bytes on stderr"
else bad "1 MB Subject of XXXX: $(wc -c <"$T/err") bytes on stderr"; fi

gen folded $MB "$T/in/folded.eml"
SIZE=$(wc -c <"$T/in/folded.eml")
SIZE_NOTE="1 MB Subject folded every 4 bytes,"
send folded 60 "$T/in/folded.eml"
code "1 MB folded Subject" 0
relayed "1 MB folded Subject" "$T/in/folded.eml"
status "1 MB folded Subject" sent
bounded "1 MB folded Subject" "$SIZE" 96

# --- 100,000 recipients -----------------------------------------------------
# as mutt passes them: arguments (one is the program's contact)
gen rcpt-args 100000 "$T/in/rcpt.args"
mapfile -t rcpts <"$T/in/rcpt.args"
SIZE=$(wc -c <"$T/in/rcpt.args")
SIZE_NOTE="100,000 recipient arguments,"
send rcpt-args 150 "$T/in/small.eml" -oi -- "${rcpts[@]}"
code "100,000 recipient arguments" 0
relayed "100,000 recipient arguments" "$T/in/small.eml"
if cmp -s <(printf '%s\n' -oi -- "${rcpts[@]}") "$T/relay/args.$((RUN + 1))"; then
    ok "100,000 recipient arguments: the relay got every argument in order"
else bad "100,000 recipient arguments: the relay's arguments differ"; fi
status "100,000 recipient arguments" sent
bounded "100,000 recipient arguments" "$SIZE" 32
unset rcpts

# in To, with -t
gen rcpt 20000 "$T/in/rcpt.eml"
SIZE=$(wc -c <"$T/in/rcpt.eml")
SIZE_NOTE="20,000 recipients in To (-t),"
send rcpt-t 120 "$T/in/rcpt.eml" -oi -t
code "20,000 recipients in To with -t" 0
relayed "20,000 recipients in To with -t" "$T/in/rcpt.eml"
status "20,000 recipients in To with -t" sent
bounded "20,000 recipients in To with -t" "$SIZE" 32

# --- mboxes with broken "From " lines ---------------------------------------
# in sendmail mode an mbox is one message: judged by its first headers,
# relayed as it is
gen mbox-broken 3 "$T/in/three.mbox"
send mbox-stdin 60 "$T/in/three.mbox"
code "an mbox on standard input" 0
relayed "an mbox on standard input" "$T/in/three.mbox"
status "an mbox on standard input" sent

# check reads it message by message: every real message is judged, in
# bounded memory
gen mbox-broken 20000 "$T/in/broken.mbox"
SIZE=$(wc -c <"$T/in/broken.mbox")
SIZE_NOTE="20,000 messages with bare/unescaped From lines, $((SIZE / MB)) MB,"
RUN=$(cat "$T/relay/count")
"$PY" "$HELPER" run "$T/result" 120 /dev/null "$T/out" "$T/err" -- \
    "$BIN" check --config "$CONF" --no-ledger --format json "$T/in/broken.mbox"
read -r RC PEAK SECS <"$T/result"
code "check of a broken mbox" 0
not_relayed "check of a broken mbox"
n=$("$PY" -c 'import sys, json
ids = {json.loads(l)["message_id"] for l in open(sys.argv[1]) if l.strip()}
print(sum(1 for i in range(20000) if "<m%d@example.org>" % i in ids))' "$T/out")
if [ "$n" -eq 20000 ]; then ok "check of a broken mbox: all 20,000 messages judged"
else bad "check of a broken mbox: $n of 20,000 messages judged"; fi
bounded "check of a broken mbox" "$SIZE" 1

gen mbox-from-only 200000 "$T/in/from-only.mbox"
SIZE=$(wc -c <"$T/in/from-only.mbox")
SIZE_NOTE="200,000 From lines and nothing else,"
"$PY" "$HELPER" run "$T/result" 120 /dev/null "$T/out" "$T/err" -- \
    "$BIN" check --config "$CONF" --no-ledger --format json "$T/in/from-only.mbox"
read -r RC PEAK SECS <"$T/result"
if [ "$RC" -ne 124 ] && [ "$RC" -lt 128 ]; then ok "check of an mbox of From lines only: ends (exit $RC)"
else bad "check of an mbox of From lines only: exit $RC"; fi
bounded "check of an mbox of From lines only" "$SIZE" 1

summary
