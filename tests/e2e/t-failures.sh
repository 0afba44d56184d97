# shellcheck shell=bash
# End-to-end: when delivery, the configuration, the ledger or the input is
# broken (SPEC 2 exit codes).  matchguard is run as mutt runs it; the relay
# is msmtp to the test's SMTP server unless a test says otherwise.
# Sourced by tests/e2e.sh.

# a clean update to Alderpoint as a full message: T/update.eml
make_update() {
    full_message "$T/update.eml" "$ME_FULL" "\"Dr. Ruth Okonkwo\" <rokonkwo@alderpoint.example.edu>" \
        "Application update - Farida Rahimi" "$E2E/messages/update-alderpoint.txt"
}
send_update() {
    mg -oem -oi -f "$ME" -- rokonkwo@alderpoint.example.edu <"$T/update.eml"
}
newest_status() { # WANT WHAT
    read_log || return
    local row=${LOG_ROWS[-1]:-}
    [ "${row%%$'\t'*}" = "$1" ] && ok "$2: ledger's newest entry is $1" ||
        bad "$2: ledger's newest entry is '${row%%$'\t'*}', expected $1"
}

t_relay_exit_75() {
    begin relay-exits-75 || return
    set_relay "'$E2E/fake-relay' --dir '$T/relay' --mode exit:75"
    make_update
    send_update
    expect_rc 75 "relay exits 75"
    expect_same "$T/relay/stdin" "$T/update.eml" "the relay got the message byte for byte"
    newest_status failed "relay exits 75"
}

t_smtp_down() {
    begin msmtp-cannot-connect || return
    need msmtp || return
    stop_server
    make_update
    send_update
    expect_rc 75 "SMTP server down (msmtp exits 75)"
    expect_stderr 'msmtp' "the user sees msmtp's own error"
    newest_status failed "SMTP server down"
    # the server back: the same message goes through (a failed entry is no sent mail)
    start_server || return
    "$PY" "$HELPER" rc-set "$T/msmtprc" port="$PORT"
    send_update
    expect_rc 0 "the same message once the server is back"
    expect_received 1 "after the server came back"
    newest_status sent "after the server came back"
}

t_relay_missing() {
    begin relay-missing-69 || return
    set_relay "'$T/no-such-dir/msmtp' -C '$T/msmtprc'"
    make_update
    send_update
    expect_rc 69 "relay does not exist"
    [ -s "$ERR" ] && ok "relay missing: a message on stderr" || bad "relay missing: nothing on stderr"
    expect_received 0 "relay missing"
}

t_relay_signal() {
    begin relay-killed-by-signal-75 || return
    set_relay "'$E2E/fake-relay' --dir '$T/relay' --mode signal"
    make_update
    send_update
    expect_rc 75 "relay killed by SIGKILL"
    newest_status failed "relay killed"
}

t_config_error() {
    begin neomutt-config-unknown-key-78 || return
    need neomutt || return
    local ln
    ln=$(grep -n '^\[policy\]' "$CONF" | cut -d: -f1)
    sed -i "${ln}a colour = red" "$CONF"
    ln=$((ln + 1))
    client neomutt -s "Application update - Farida Rahimi" -- rokonkwo@alderpoint.example.edu \
        <"$E2E/messages/update-alderpoint.txt"
    expect_rc 1 "neomutt with an unknown key in matchguard.conf"
    expect_stderr 'child exited 78' "neomutt reports matchguard's exit 78"
    expect_stderr "matchguard\\.conf(:$ln([^0-9]|$)|.*line $ln([^0-9]|$))" "the user sees matchguard.conf:$ln"
    expect_stderr 'colour' "the user sees the unknown key's name"
    expect_received 0 "broken configuration"
}

t_ledger_locked() {
    begin ledger-locked-past-timeout-75 || return
    need msmtp || return
    conf_set busy_timeout_ms 300
    make_update
    send_update
    expect_rc 0 "first message (creates the ledger)"
    # another process holds the ledger's write lock (BEGIN EXCLUSIVE) for 20 s
    "$PY" "$HELPER" lock "$LEDGER" "$T/locked" 20 >"$T/locker.log" 2>&1 &
    local locker=$! i
    for i in $(seq 100); do
        [ -e "$T/locked" ] && break
        sleep 0.05
    done
    [ -e "$T/locked" ] || bad "could not lock the ledger: $(head -c 200 "$T/locker.log")"
    first_letter "$T/first.eml" birchfield-ir
    local t0=$SECONDS
    mg -oem -oi -f "$ME" -- "${PROG_ADDR[birchfield-ir]}" <"$T/first.eml"
    local took=$((SECONDS - t0))
    expect_rc 75 "ledger locked by another process past busy_timeout_ms=300"
    [ "$took" -le 8 ] && ok "gave up after the busy timeout (${took}s), not after the lock" ||
        bad "took ${took}s with busy_timeout_ms=300"
    expect_stderr 'ledger|lock|busy' "the user is told the ledger is busy"
    expect_received 1 "ledger locked (nothing more relayed)"
    kill -TERM "$locker" 2>/dev/null
    wait "$locker" 2>/dev/null
    mg -oem -oi -f "$ME" -- "${PROG_ADDR[birchfield-ir]}" <"$T/first.eml"
    expect_rc 0 "the same message once the lock is gone"
    expect_received 2 "after the lock"
}

# a slow relay (an SMTP server that takes its time) must not hold the
# ledger: a second send meanwhile is decided at once, against the first
# one's pending entry (SPEC 7: only the check and the pending insert are one
# transaction)
t_slow_relay() {
    begin slow-relay-does-not-hold-the-ledger || return
    need msmtp || return
    conf_set busy_timeout_ms 1000
    local slow=$T/.config/matchguard/slow.conf
    cp "$CONF" "$slow"
    sed -i "s|^command *=.*|command = '$E2E/fake-relay' --dir '$T/relay' --mode sleep:4|" "$slow"
    first_letter "$T/first.eml" birchfield-ir
    make_update
    run_env
    (cd "$T" && env -i "${RUN_ENV[@]}" MATCHGUARD_CONFIG="$slow" timeout -k 5 "$E2E_TIMEOUT" \
        "$BIN" -oem -oi -f "$ME" -- "${PROG_ADDR[birchfield-ir]}" \
        <"$T/first.eml" >"$T/slow.out" 2>"$T/slow.err"; echo $? >"$T/slow.rc") 2>/dev/null &
    local slowpid=$! i
    for i in $(seq 100); do
        [ -s "$T/relay/stdin" ] && break
        sleep 0.05
    done
    [ -s "$T/relay/stdin" ] || bad "the slow relay was not started"
    local t0=$SECONDS
    send_update
    expect_rc 0 "a clean update to another program while the #1 letter's relay is still running"
    [ ! -e "$T/slow.rc" ] && [ $((SECONDS - t0)) -le 3 ] && ok "decided at once, not after the slow relay" ||
        bad "the second send waited for the slow relay ($((SECONDS - t0))s)"
    first_letter "$T/first2.eml" coralview-ir
    mg -oem -oi -f "$ME" -- "${PROG_ADDR[coralview-ir]}" <"$T/first2.eml"
    expect_rc 77 "a #1 letter to a third program while the first #1 letter is pending"
    expect_stderr 'first-choice-duplicate' "the refusal names first-choice-duplicate"
    wait "$slowpid"
    [ "$(cat "$T/slow.rc" 2>/dev/null)" = 0 ] && ok "the slow send finished with exit 0" ||
        bad "the slow send exited $(cat "$T/slow.rc" 2>/dev/null) ($(first_err "$T/slow.err"))"
    expect_received 1 "the update (the #1 letter went to the slow relay)"
    read_log || return
    local got="" row
    for row in "${LOG_ROWS[@]}"; do
        got="$got $(log_field "$row" 0):$(log_field "$row" 1)"
    done
    case $got in
        *sent:birchfield-ir*) ok "ledger: the slow #1 letter ends sent" ;;
        *) bad "ledger:$got (the slow #1 letter should end sent)" ;;
    esac
    case $got in
        *sent:alderpoint-ir*) ok "ledger: the update is sent" ;;
        *) bad "ledger:$got (the update should be sent)" ;;
    esac
}

t_ledger_corrupt() {
    begin ledger-corrupt-75 || return
    mkdir -p "$(dirname "$LEDGER")"
    chmod 700 "$(dirname "$LEDGER")"
    "$PY" "$HELPER" garbage "$LEDGER"
    chmod 600 "$LEDGER"
    cp "$LEDGER" "$T/ledger.orig"
    make_update
    send_update
    expect_rc 75 "corrupt ledger file"
    expect_stderr 'ledger' "the message names the ledger"
    expect_stderr "corrupt|not a database|malformed|unreadable" "the message says what is wrong"
    expect_received 0 "corrupt ledger"
    expect_same "$LEDGER" "$T/ledger.orig" "the corrupt ledger file is left byte-identical"
}

t_bad_input() {
    begin empty-and-garbage-input-65 || return
    mg -oi -- sam.okoro@gmail.example.com </dev/null
    expect_rc 65 "empty stdin"
    [ -s "$ERR" ] && ok "empty stdin: a message on stderr" || bad "empty stdin: nothing on stderr"
    "$PY" "$HELPER" garbage "$T/garbage.bin"
    mg -oi -- rokonkwo@alderpoint.example.edu <"$T/garbage.bin"
    expect_rc 65 "4 KiB of binary garbage"
    [ -s "$ERR" ] && ok "garbage: a message on stderr" || bad "garbage: nothing on stderr"
    expect_received 0 "empty and garbage input"
}

TESTS+=(
    "relay-exits-75|t_relay_exit_75"
    "msmtp-cannot-connect|t_smtp_down"
    "relay-missing-69|t_relay_missing"
    "relay-killed-by-signal-75|t_relay_signal"
    "neomutt-config-unknown-key-78|t_config_error"
    "ledger-locked-past-timeout-75|t_ledger_locked"
    "slow-relay-does-not-hold-the-ledger|t_slow_relay"
    "ledger-corrupt-75|t_ledger_corrupt"
    "empty-and-garbage-input-65|t_bad_input"
)
