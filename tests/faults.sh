#!/bin/bash
# Fault injection in sendmail mode (issue 5, item 5): a relay that closes
# its input early, one that hangs past [relay] timeout_seconds (before and
# after reading the end of the message), a full or read-only TMPDIR for
# the spool, an unwritable ledger directory, a ledger that turns read-only
# while the relay runs.  Each time: the exit code of SPEC 2's table (so
# mutt keeps the message when it was not sent), one line that says what
# happened, the relay got exactly the input or nothing it could send (it
# never read the end of a message it did not get whole), the ledger
# entry's status, and -- sending the same message again -- that nothing is
# ever relayed twice.
#
# Full disks and read-only directories are real file systems: a 1 MB (or
# read-only) tmpfs mounted in a private mount namespace (`unshare -rm`, no
# root needed where user namespaces are allowed; Debian's default), so the
# test also works as root, whom permission bits do not stop.  The relay is
# tests/lib/fake-relay; inputs come from tests/lib/hostile.py.  Prints one
# PASS/FAIL line per check and "N passed, M failed".
set -u

# shellcheck source=lib/cli.sh
. "$(dirname "$0")/lib/cli.sh"
private_env faults
require_bin
private_config

HELPER=$SRC/tests/lib/hostile.py
RELAY=$SRC/tests/lib/fake-relay
[ -x "$PY" ] || { bad "python3 not found"; summary; }
[ -x /usr/bin/time ] || { bad "/usr/bin/time not found (apt-get install time)"; summary; }
mkdir -p "$T/tmp" "$T/relay" "$T/in" "$T/mnt"
chmod 700 "$T/tmp" "$T/mnt"
export TMPDIR=$T/tmp
MB=$((1000 * 1000))
MODE=exit:0
TIMEOUT=300

gen() { "$PY" "$HELPER" gen "$1" "$2" "$3"; }
count() { cat "$T/relay/count" 2>/dev/null || echo 0; }

# relay MODE [TIMEOUT]: the relay's behaviour and [relay] timeout_seconds
relay() {
    sed -i -e "/^timeout_seconds = /d" \
        -e "s|^command = .*|command = '$RELAY' '$T/relay' $1\ntimeout_seconds = ${2:-300}|" "$CONF"
}

# send LEDGER SECONDS INPUT [WRAPPER...]: sendmail mode as mutt runs it, to
# the program's contact, under WRAPPER (e.g. the namespace of mounted());
# sets RC, SECS and RUN (the relay's run count before)
send() {
    local ledger=$1 seconds=$2 input=$3
    shift 3
    RUN=$(count)
    LEDGER=$ledger
    rm -f "$T/result"
    "$PY" "$HELPER" run "$T/result" "$seconds" "$input" "$T/out" "$T/err" -- \
        "$@" "$BIN" --config "$CONF" --ledger "$ledger" -oi -- cmoreau@greenfield-med.example.edu
    read -r RC _ SECS <"$T/result" 2>/dev/null || { RC=255 SECS=0; }
}

code() { # WHAT WANT
    if [ "$RC" -eq "$2" ]; then ok "$1: exit $2"
    else bad "$1: exit $RC, expected $2 ($(head -c 300 "$T/err"))"; fi
}

# one_line WHAT PATTERN: matchguard's own stderr (not the relay's, not the
# findings) is one line, matching the extended regex PATTERN
one_line() {
    local own
    own=$(grep '^matchguard: ' "$T/err")
    if [ "$(printf '%s\n' "$own" | grep -c .)" -ne 1 ]; then
        bad "$1: matchguard said $(printf '%s\n' "$own" | grep -c .) lines: $own"
    elif ! printf '%s\n' "$own" | grep -qE -- "$2"; then
        bad "$1: '$own' does not match /$2/"
    else ok "$1: one line: ${own:0:150}"; fi
}

runs() { # WHAT N: the relay ran N more times
    local n=$(($(count) - RUN))
    if [ "$n" -eq "$2" ]; then ok "$1: the relay ran $2 time(s)"
    else bad "$1: the relay ran $n time(s), expected $2"; fi
}

# whole WHAT FILE: the relay's last run got FILE byte for byte, to the end
whole() {
    local n
    n=$(count)
    if cmp -s "$2" "$T/relay/got.$n" && [ -e "$T/relay/eof.$n" ]; then
        ok "$1: the relay got exactly the input bytes"
    else bad "$1: the relay's input differs from the message"; fi
}

# no_end WHAT: the relay's last run never read the end of its input, so
# it cannot have sent anything
no_end() {
    local n
    n=$(count)
    if [ ! -e "$T/relay/eof.$n" ] && [ "$(wc -c <"$T/relay/got.$n")" -lt "$(wc -c <"$2")" ]; then
        ok "$1: the relay got $(wc -c <"$T/relay/got.$n") of $(wc -c <"$2") bytes and never the end"
    else bad "$1: the relay read the whole message"; fi
}

# status WHAT WANT...: the statuses of the ledger's entries, oldest first
status() {
    local what=$1 got
    shift
    got=$("$BIN" log --config "$CONF" --ledger "$LEDGER" --format json 2>"$T/log.err" |
        "$PY" -c 'import sys, json
print(" ".join(json.loads(l)["status"] for l in sys.stdin if l.strip()) or "none")')
    if [ "$got" = "$*" ]; then ok "$what: ledger $*"
    else bad "$what: ledger '$got', expected '$*' ($(head -c 200 "$T/log.err"))"; fi
}

# mounted OPTIONS COMMAND...: COMMAND in a private mount namespace where
# $T/mnt is a fresh tmpfs mounted with OPTIONS
MOUNT_WRAP=$T/in/mounted
cat >"$MOUNT_WRAP" <<'EOF'
#!/bin/sh
# mounted DIR OPTIONS COMMAND...: runs COMMAND with a tmpfs on DIR
dir=$1 options=$2
shift 2
mount -t tmpfs -o "$options" matchguard-test "$dir" || exit 97
exec "$@"
EOF
chmod +x "$MOUNT_WRAP"
mounted() { # OPTIONS: the wrapper words for send
    WRAP=(unshare -rm "$MOUNT_WRAP" "$T/mnt" "$1")
}
if unshare -rm true 2>/dev/null; then ok "unshare -rm works (private mount namespaces)"
else bad "unshare -rm fails: user namespaces are needed for the full-disk tests"; summary; fi

gen small 0 "$T/in/small.eml"
gen attachment $((2 * MB)) "$T/in/2mb.eml"
gen attachment $((8 * MB)) "$T/in/8mb.eml"

# --- a relay that closes its input early ------------------------------------
# exit 0 after 1000 bytes of 2 MB: believed (sendmail without -i stops at a
# "." line), recorded sent, with a warning; matchguard is not killed by SIGPIPE
relay head:1000:0
send "$T/early0.db" 60 "$T/in/2mb.eml"
code "relay reads 1000 bytes and exits 0" 0
one_line "relay reads 1000 bytes and exits 0" "warning: relay .* stopped reading before the end .* exited 0; it may have sent only part"
runs "relay reads 1000 bytes and exits 0" 1
status "relay reads 1000 bytes and exits 0" sent

# exit 75 after 1000 bytes: failed, the relay's status, the client keeps it
relay head:1000:75
send "$T/early75.db" 60 "$T/in/2mb.eml"
code "relay reads 1000 bytes and exits 75" 75
one_line "relay reads 1000 bytes and exits 75" "relay .* stopped reading before the end of the message and exited 75"
runs "relay reads 1000 bytes and exits 75" 1
status "relay reads 1000 bytes and exits 75" failed
# sent again once the relay works: relayed once more, whole; then a third
# time: refused (the same text again), not relayed twice
relay exit:0
send "$T/early75.db" 60 "$T/in/2mb.eml"
code "the same message again, relay working" 0
runs "the same message again, relay working" 1
whole "the same message again, relay working" "$T/in/2mb.eml"
status "the same message again, relay working" failed sent
send "$T/early75.db" 60 "$T/in/2mb.eml"
code "the same message a third time" 77
runs "the same message a third time" 0
contains "the same message a third time: refused as a repeat" "$T/err" "followup-repeated"
status "the same message a third time" failed sent refused

# a relay that closes its input at once and exits 1 (small message, in
# memory: the whole of it fits in the pipe)
relay head:0:1
send "$T/early1.db" 60 "$T/in/small.eml"
code "relay reads nothing and exits 1" 1
runs "relay reads nothing and exits 1" 1
status "relay reads nothing and exits 1" failed

# --- a relay that hangs past timeout_seconds ---------------------------------
# without reading (8 MB: the write blocks); stopped before it saw the end
relay hang 2
send "$T/hang.db" 60 "$T/in/8mb.eml"
code "relay hangs without reading (timeout 2 s)" 75
one_line "relay hangs without reading (timeout 2 s)" "did not finish within 2 seconds \(\[relay\] timeout_seconds\).*never got the end of the message, so it sent nothing"
runs "relay hangs without reading" 1
status "relay hangs without reading" failed
if "$PY" -c "import sys; sys.exit(0 if $SECS < 30 else 1)"; then ok "relay hangs without reading: matchguard gave up (${SECS} s)"
else bad "relay hangs without reading: took ${SECS} s"; fi

# after reading 100 KB of 8 MB, input still open
relay head-hang:100000 2
send "$T/headhang.db" 60 "$T/in/8mb.eml"
code "relay hangs after 100 KB (timeout 2 s)" 75
no_end "relay hangs after 100 KB" "$T/in/8mb.eml"
status "relay hangs after 100 KB" failed

# after reading everything, ignoring SIGTERM: SIGKILL, and the error says
# the relay had the whole message
relay end-hang 1
send "$T/endhang.db" 60 "$T/in/small.eml"
code "relay hangs after the end, ignoring SIGTERM (timeout 1 s)" 75
one_line "relay hangs after the end, ignoring SIGTERM" "did not finish within 1 seconds.*had the whole message, which may or may not have gone out"
whole "relay hangs after the end, ignoring SIGTERM" "$T/in/small.eml"
status "relay hangs after the end, ignoring SIGTERM" failed
# the same message again: relayed (a failed entry is no sent mail), once
relay exit:0
send "$T/endhang.db" 60 "$T/in/small.eml"
code "after a timeout, the same message again" 0
runs "after a timeout, the same message again" 1
status "after a timeout, the same message again" failed sent

# timeout 0: no limit (a relay that takes 3 s is waited for)
relay head:0:0 0
sed -i "s|^command = .*|command = /bin/sh -c 'sleep 3; cat >/dev/null' relay|" "$CONF"
send "$T/notimeout.db" 60 "$T/in/small.eml"
code "timeout_seconds = 0 waits for a 3 s relay" 0

# --- TMPDIR full or read-only: the spool cannot be written -----------------
relay exit:0
mounted size=1m,mode=700
TMPDIR=$T/mnt send "$T/full.db" 60 "$T/in/2mb.eml" "${WRAP[@]}"
code "TMPDIR on a full 1 MB file system, 2 MB message" 74
one_line "TMPDIR full" "cannot write a spool file in '.*': No space left on device"
runs "TMPDIR full" 0
status "TMPDIR full" none

mounted ro,mode=700
TMPDIR=$T/mnt send "$T/rotmp.db" 60 "$T/in/2mb.eml" "${WRAP[@]}"
code "read-only TMPDIR, 2 MB message" 74
one_line "read-only TMPDIR" "cannot create a spool file in '.*': Read-only file system"
runs "read-only TMPDIR" 0
status "read-only TMPDIR" none

# a small message stays in memory: a full TMPDIR does not matter
mounted size=1m,mode=700
TMPDIR=$T/mnt send "$T/fullsmall.db" 60 "$T/in/small.eml" "${WRAP[@]}"
code "full TMPDIR, small message (kept in memory)" 0
whole "full TMPDIR, small message" "$T/in/small.eml"

# --- an unwritable ledger directory -----------------------------------------
mounted ro,mode=700
send "$T/mnt/ledger.db" 60 "$T/in/small.eml" "${WRAP[@]}"
code "ledger in a read-only directory" 75
one_line "ledger in a read-only directory" "ledger.*Read-only file system; the message was not sent"
runs "ledger in a read-only directory" 0

mounted ro,mode=700
send "$T/mnt/sub/ledger.db" 60 "$T/in/small.eml" "${WRAP[@]}"
code "ledger directory cannot be created" 75
one_line "ledger directory cannot be created" "cannot create ledger directory .*Read-only file system; the message was not sent"
runs "ledger directory cannot be created" 0

# a ledger that exists, then turns read-only (an existing ledger on a
# file system remounted read-only): nothing sent, the client keeps it
cat >"$T/in/remount" <<EOF
#!/bin/sh
# the first send creates the ledger; then the file system turns read-only
"\$@" <"$T/in/small.eml" >/dev/null 2>&1 || exit 96
echo "first: \$(cat "$T/relay/count")" >"$T/in/remount.log"
mount -o remount,ro "$T/mnt" || exit 98
exec "\$@"
EOF
chmod +x "$T/in/remount"
gen attachment 1000 "$T/in/second.eml"
mounted size=4m,mode=700
RUN0=$(count)
send "$T/mnt/ledger.db" 60 "$T/in/second.eml" "${WRAP[@]}" "$T/in/remount"
code "ledger turned read-only before the send" 75
one_line "ledger turned read-only" "ledger.*(Read-only file system|readonly|read-only).*the message was not sent"
if [ "$(count)" -eq $((RUN0 + 1)) ]; then ok "ledger turned read-only: only the first message was relayed"
else bad "ledger turned read-only: the relay ran $(($(count) - RUN0)) times, expected 1 (the first message)"; fi

# the ledger's file system fills up just before the second send: its
# entry cannot be committed, and by then the relay is already running (it
# starts while the entry is made durable, mg_relay_start()); it must be
# killed before it reads the end of its input, and the client keeps the
# message
cat >"$T/in/fill" <<EOF
#!/bin/sh
# the first send creates the ledger; then the file system fills up
"\$@" <"$T/in/small.eml" >/dev/null 2>&1 || exit 96
echo "first: \$(cat "$T/relay/count")" >"$T/in/fill.log"
dd if=/dev/zero of="$T/mnt/filler" bs=4k >/dev/null 2>&1
exec "\$@"
EOF
chmod +x "$T/in/fill"
mounted size=1m,mode=700
RUN0=$(count)
send "$T/mnt/ledger.db" 60 "$T/in/second.eml" "${WRAP[@]}" "$T/in/fill"
code "ledger's disk full at the commit" 75
one_line "ledger's disk full at the commit" "ledger.*(full|No space left).*the message was not sent"
read_end=0
for ((n = RUN0 + 2; n <= $(count); n++)); do
    if [ -e "$T/relay/eof.$n" ] || [ -s "$T/relay/got.$n" ]; then read_end=1; fi
done
if [ "$(head -c 7 "$T/in/fill.log" 2>/dev/null)" != "first: " ]; then
    bad "ledger's disk full at the commit: the first send failed"
elif [ "$read_end" -eq 0 ]; then
    ok "ledger's disk full at the commit: the relay started for it read nothing ($(($(count) - RUN0 - 1)) run(s))"
else bad "ledger's disk full at the commit: the relay read the message"; fi

# another process takes the ledger while the relay runs, past
# busy_timeout_ms: the relay's status stands (the message went), the
# entry stays pending (it counts as sent mail), and the user is told
cat >"$T/in/lock-relay" <<EOF
#!/bin/sh
# a relay that sends, then leaves the ledger locked for 5 s behind it
"$RELAY" "$T/relay" exit:0 "\$@" || exit \$?
"$PY" "$SRC/tests/e2e/helper.py" lock "$T/locked.db" "$T/in/locked" 5 >/dev/null 2>&1 &
i=0
while [ ! -e "$T/in/locked" ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done
EOF
chmod +x "$T/in/lock-relay"
sed -i -e "s|^command = .*|command = '$T/in/lock-relay'|" \
    -e "s|^busy_timeout_ms = .*|busy_timeout_ms = 300|" "$CONF"
send "$T/locked.db" 60 "$T/in/small.eml"
code "ledger locked by another process while the relay runs" 0
runs "ledger locked while the relay runs" 1
whole "ledger locked while the relay runs" "$T/in/small.eml"
one_line "ledger locked while the relay runs" "ledger.*relay's status was 0"
status "ledger locked while the relay runs" pending

summary
