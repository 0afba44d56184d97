# shellcheck shell=bash
# Library of the matchguard end-to-end tests, sourced by tests/e2e.sh.
#
# Every test (a shell function) calls `begin NAME`, which makes a fresh
# directory T (mode 0700) holding the test's whole world:
#   T/.config/matchguard/{matchguard.conf,programs.conf}   (mode 0600; found by
#         matchguard through XDG_CONFIG_HOME, as a user's would be)
#   T/.local/share/matchguard/ledger.db  the ledger ([ledger] path, $LEDGER)
#   T/msmtprc       made from contrib/msmtp/msmtprc.example: host 127.0.0.1,
#                   the port of the test's SMTP server, auth off, tls off,
#                   mode 0600; [relay] command = msmtp -C T/msmtprc
#   T/spool/NNNN/{mail_from,rcpt_tos,data}   what the SMTP server received
#   T/bin/matchguard -> the program under test (so "matchguard" works as a
#                   command name, as in contrib/*muttrc.example)
#   T/tmp (TMPDIR), T/run (XDG_RUNTIME_DIR), T/out.N / T/err.N (outputs)
# and starts tests/e2e/smtp-server.py on 127.0.0.1 (a free port).  `finish`
# stops the server (SIGTERM to its process group), kills whatever the test
# left running (any process whose HOME is T: a filter that a mail client
# started in its own session), and removes T unless a check failed and
# KEEP=1.
#
# Programs run under `env -i` with only PATH (T/bin first), HOME, XDG_*,
# TMPDIR, TZ, LANG/LC_ALL=C.UTF-8, and LD_LIBRARY_PATH and the sanitizer
# *_OPTIONS when set; the mail clients get no TERM (batch mode).
#
# One output line per check: "PASS test: what" or "FAIL test: what (why)".

E2E_PASS=0
E2E_FAIL=0
TNAME=
T=
SPOOL=
PORT=
SERVER_PID=
LEDGER=
CONF=
N=0
RC=0
OUT=
ERR=
TEST_FAILED=0
EXTRA_ENV=()

ME=farida.rahimi@mail.example.net
ME_FULL="Farida Rahimi <$ME>"
MENTOR=anil.mehta@mentor-univ.example.net

ok() {
    E2E_PASS=$((E2E_PASS + 1))
    echo "PASS $TNAME: $1"
}
bad() {
    E2E_FAIL=$((E2E_FAIL + 1))
    TEST_FAILED=1
    echo "FAIL $TNAME: $1"
}
# check WHAT COMMAND...: PASS if the command succeeds
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}

first_err() { # FILE: first non-empty line, short
    grep -m1 -v '^[[:space:]]*$' "${1:-$ERR}" 2>/dev/null | cut -c1-160
}

# need PROGRAM...: a missing program is a failure, never a skip
need() {
    local p missing=0
    for p in "$@"; do
        if ! command -v "$p" >/dev/null 2>&1; then
            bad "needs '$p', which is not installed (contrib/deps.sh installs it)"
            missing=1
        fi
    done
    return $missing
}

# ------------------------------------------------------------ environment --

run_env() { # the environment of every program a test runs
    local v
    RUN_ENV=(
        PATH="$T/bin:$E2E_PATH"
        HOME="$T"
        XDG_CONFIG_HOME="$T/.config"
        XDG_DATA_HOME="$T/.local/share"
        XDG_CACHE_HOME="$T/.cache"
        XDG_STATE_HOME="$T/.local/state"
        XDG_RUNTIME_DIR="$T/run"
        TMPDIR="$T/tmp"
        TZ=America/New_York
        LANG=C.UTF-8
        LC_ALL=C.UTF-8
    )
    for v in LD_LIBRARY_PATH ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS MSAN_OPTIONS; do
        [ -n "${!v+x}" ] && RUN_ENV+=("$v=${!v}")
    done
    RUN_ENV+=("${EXTRA_ENV[@]}")
}

# run PROGRAM ARGS... (stdin from the caller): RC, OUT, ERR
run() {
    N=$((N + 1))
    OUT=$T/out.$N
    ERR=$T/err.$N
    run_env
    # exec in a subshell: the shell adds nothing ("Killed", ...) to ERR; in
    # the background and waited for, so that a SIGTERM to the tests is
    # handled at once (the EXIT trap then reaps it)
    { (cd "$T" && exec env -i "${RUN_ENV[@]}" timeout -k 5 "$E2E_TIMEOUT" "$@") <&0 >"$OUT" 2>"$ERR" &
        wait $!; } 2>/dev/null
    RC=$?
}
# mg ARGS...: matchguard itself, as a mail client runs it
mg() { run "$BIN" "$@"; }
# client neomutt|mutt ARGS...: a mail client in batch mode with T/muttrc
client() {
    local c=$1
    shift
    run "$c" -n -F "$T/muttrc" "$@"
}

# expect_rc WANT WHAT
expect_rc() {
    local want=$1 what=$2
    if [ "$RC" -eq "$want" ]; then
        ok "$what: exit $want"
    elif [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
        bad "$what: timed out after ${E2E_TIMEOUT}s (exit $RC)"
    else
        bad "$what: exit $RC, expected $want (stderr: $(first_err))"
    fi
}
expect_stderr() { # REGEX WHAT
    if grep -qiE -- "$1" "$ERR" 2>/dev/null; then
        ok "$2"
    else
        bad "$2: /$1/ not on stderr ($(first_err))"
    fi
}

# --------------------------------------------------------------- the sink --

received() { # number of messages the SMTP server stored
    local n=0 d
    for d in "$SPOOL"/[0-9][0-9][0-9][0-9]; do
        [ -d "$d" ] && n=$((n + 1))
    done
    echo "$n"
}
expect_received() { # COUNT WHAT
    local got
    got=$(received)
    if [ "$got" -eq "$1" ]; then ok "$2: SMTP server has $1 message(s)"; else bad "$2: SMTP server has $got message(s), expected $1"; fi
}
smtp() { # N: the directory of the Nth message received
    printf '%s/%04d' "$SPOOL" "$1"
}
# expect_envelope N FROM RCPT...: MAIL FROM and RCPT TO of message N, in order
expect_envelope() {
    local d
    d=$(smtp "$1")
    local from=$2
    shift 2
    local got_from got_rcpt want_rcpt
    got_from=$(cat "$d/mail_from" 2>/dev/null)
    got_rcpt=$(tr '\n' ' ' <"$d/rcpt_tos" 2>/dev/null)
    want_rcpt="$* "
    if [ "$got_from" = "$from" ]; then ok "envelope sender is $from"; else bad "envelope sender is '$got_from', expected '$from'"; fi
    if [ "$got_rcpt" = "$want_rcpt" ]; then ok "envelope recipients are $*"; else bad "envelope recipients are '$got_rcpt', expected '$want_rcpt'"; fi
}
# smtp_unix N OUT: message N's DATA with LF line ends (msmtp sends CRLF)
smtp_unix() {
    "$PY" "$HELPER" unix "$(smtp "$1")/data" "$2"
}
# expect_same GOT WANT WHAT: byte-identical files
expect_same() {
    if [ -f "$1" ] && [ -f "$2" ] && cmp -s "$1" "$2"; then
        ok "$3"
    else
        local d=""
        [ -f "$1" ] && [ -f "$2" ] && d=$(diff "$2" "$1" 2>/dev/null | grep '^[<>]' | head -n 4 | tr '\n' '|' | cut -c1-240)
        bad "$3 (differs: ${d:-a file is missing})"
    fi
}
header() { "$PY" "$HELPER" header "$1" "$2"; }
has_header() { "$PY" "$HELPER" has-header "$1" "$2"; }

# ----------------------------------------------------------------- ledger --

# read_log: `matchguard log --format json`; LOG_ROWS = one line per entry,
# "STATUS<TAB>PROGRAMS<TAB>OVERRIDES<TAB>FINDINGS<TAB>RECIPIENTS", oldest first
LOG_ROWS=()
read_log() {
    LOG_ROWS=()
    local saveN=$N saveRC=$RC saveOUT=$OUT saveERR=$ERR out
    mg log --format json </dev/null
    local lrc=$RC lout=$OUT lerr=$ERR
    N=$saveN RC=$saveRC OUT=$saveOUT ERR=$saveERR
    N=$((N + 1))
    if [ "$lrc" -ne 0 ]; then
        bad "matchguard log --format json exited $lrc ($(first_err "$lerr"))"
        return 1
    fi
    if ! out=$("$PY" "$HELPER" log "$lout"); then
        bad "matchguard log --format json: $out"
        return 1
    fi
    [ -n "$out" ] && mapfile -t LOG_ROWS <<<"$out"
    return 0
}
log_field() { # ROW INDEX (0 status, 1 programs, 2 overrides, 3 findings, 4 recipients)
    printf '%s\n' "$1" | cut -f$(($2 + 1))
}
# expect_statuses "STATUS STATUS ..." WHAT: the statuses of every entry, oldest first
expect_statuses() {
    read_log || return
    local got="" row
    for row in "${LOG_ROWS[@]}"; do
        got="$got ${row%%$'\t'*}"
    done
    got=${got# }
    if [ "$got" = "$1" ]; then ok "$2: ledger statuses '$1'"; else bad "$2: ledger statuses '${got:-(no entry)}', expected '$1'"; fi
}

# ---------------------------------------------------------------- set up ---

set_relay() { # VALUE: the [relay] command line
    sed -i "s|^command *=.*|command = $1|" "$CONF"
}
conf_set() { # KEY VALUE: replace "KEY = ..." in matchguard.conf
    sed -i "s|^$1 *=.*|$1 = $2|" "$CONF"
}

# write_muttrc FILE SENDMAIL-VALUE [LINE...]: the test's own settings
# (From, hostname, no Fcc, folders inside T); with SENDMAIL-VALUE empty,
# $sendmail and $use_envelope_from are left to the LINEs (e.g. a `source` of
# contrib/neomuttrc.example)
write_muttrc() {
    local f=$1 sm=$2 l
    shift 2
    {
        echo "# written by tests/e2e/lib.sh"
        for l in "$@"; do echo "$l"; done
        echo "set from=\"$ME_FULL\""
        echo "set hostname=\"laptop.mail.example.net\""
        if [ -n "$sm" ]; then
            echo "set sendmail=\"$sm\""
            echo "set use_envelope_from=no"
        fi
        echo "set sleep_time=0"
        echo "set copy=no"
        echo "set record=\"\""
        echo "set folder=\"$T/Mail\""
        echo "set spoolfile=\"$T/Mail/inbox\""
        echo "set postponed=\"$T/Mail/postponed\""
        echo "set charset=\"utf-8\""
    } >"$f"
}

start_server() {
    rm -f "$T/port"
    "$PY" "$E2E/smtp-server.py" --spool "$SPOOL" --port-file "$T/port" \
        --parent $$ --lifetime 300 >"$T/server.log" 2>&1 </dev/null &
    SERVER_PID=$!
    local i
    for i in $(seq 200); do
        [ -s "$T/port" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    PORT=$(cat "$T/port" 2>/dev/null)
    if [ -z "$PORT" ]; then
        bad "the SMTP server (tests/e2e/smtp-server.py) did not start: $(head -c 300 "$T/server.log")"
        return 1
    fi
}
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null
    local i
    for i in $(seq 100); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -KILL -- "-$SERVER_PID" 2>/dev/null || kill -KILL "$SERVER_PID" 2>/dev/null
        bad "the SMTP server did not stop on SIGTERM"
    fi
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
}

# processes left running with HOME=T (a filter that a client started with
# setsid, a relay): killed one by one, by pid
reap() {
    [ -n "$T" ] || return 0
    local e p kv
    for e in /proc/[0-9]*/environ; do
        p=${e#/proc/}
        p=${p%/environ}
        [ "$p" = "$$" ] && continue
        while IFS= read -r -d '' kv; do
            if [ "$kv" = "HOME=$T" ]; then
                kill -KILL "$p" 2>/dev/null
                break
            fi
        done 2>/dev/null <"$e"
    done
}

begin() {
    TNAME=$1
    TEST_FAILED=0
    N=0
    EXTRA_ENV=()
    T=$(mktemp -d "${TMPDIR:-/tmp}/mg-e2e.XXXXXX") || { bad "mktemp failed"; return 1; }
    chmod 700 "$T"
    mkdir -p "$T/.config/matchguard" "$T/.local/share" "$T/.local/state" "$T/.cache" \
        "$T/run" "$T/tmp" "$T/bin" "$T/Mail" "$T/spool"
    chmod 700 "$T/run"
    SPOOL=$T/spool
    CONF=$T/.config/matchguard/matchguard.conf
    LEDGER=$T/.local/share/matchguard/ledger.db
    cp "$E2E/config/matchguard.conf" "$E2E/config/programs.conf" "$T/.config/matchguard/"
    chmod 600 "$T/.config/matchguard/"*.conf
    sed -i "s|^path *=.*|path = $LEDGER|" "$CONF"
    ln -s "$BIN" "$T/bin/matchguard"
    if [ ! -x "$BIN" ]; then
        bad "the program $BIN is not an executable file"
        return 1
    fi
    start_server || return 1
    # msmtp's configuration: the contrib example with the test's server
    cp "$SRCDIR/contrib/msmtp/msmtprc.example" "$T/msmtprc"
    "$PY" "$HELPER" rc-set "$T/msmtprc" host=127.0.0.1 port="$PORT" auth=off tls=off \
        user=- passwordeval=- from="$ME" ||
        { bad "cannot write T/msmtprc"; return 1; }
    chmod 600 "$T/msmtprc"
    set_relay "msmtp -C '$T/msmtprc'"
    write_muttrc "$T/muttrc" "$BIN"
    return 0
}

finish() {
    stop_server
    reap
    if [ "$TEST_FAILED" = 1 ] && [ "$KEEP" = 1 ]; then
        echo "NOTE $TNAME: kept $T"
    else
        rm -rf "$T"
    fi
    T=
}

e2e_cleanup() {
    stop_server
    reap
    [ -n "$T" ] && [ "$KEEP" != 1 ] && rm -rf "$T"
}

# ------------------------------------------------------------- messages ----

# full_message FILE FROM-HEADER TO-HEADER SUBJECT BODY-FILE [EXTRA-HEADER...]
full_message() {
    local f=$1 from=$2 to=$3 subj=$4 body=$5
    shift 5
    {
        printf 'Date: %s\n' "$(LC_ALL=C date -R)"
        printf 'From: %s\nTo: %s\nSubject: %s\n' "$from" "$to" "$subj"
        printf 'Message-ID: <%s.%s@laptop.mail.example.net>\n' "$(date +%s%N)" "$RANDOM"
        local h
        for h in "$@"; do printf '%s\n' "$h"; done
        printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
        cat "$body"
    } >"$f"
}

# first_letter FILE PROGRAM-ID: "I will rank <program> #1", from the template
declare -A PROG_DR PROG_ADDR PROG_ALIAS
while IFS='|' read -r _id _dr _addr _alias; do
    PROG_DR[$_id]=$_dr
    PROG_ADDR[$_id]=$_addr
    PROG_ALIAS[$_id]=$_alias
done <<'EOF'
alderpoint-ir|Ruth Okonkwo|rokonkwo@alderpoint.example.edu|Alderpoint IR
birchfield-ir|Martin Lescaut|mlescaut@birchfield.example.org|Birchfield IR
coralview-ir|Hannah Sato|hsato@coralview-med.example.edu|Coralview IR
dunmore-ir|Peter Varga|pvarga@dunmore.example.org|Dunmore IR
elmstead-ir|Amara Diallo|adiallo@elmstead-health.example.org|Elmstead IR
foxhollow-ir|Lucia Moretti|lmoretti@foxhollow.example.edu|Foxhollow IR
glenrock-ir|Samuel Idowu|sidowu@glenrock.example.org|Glenrock IR
hollisport-ir|Ingrid Dahl|idahl@hollisport.example.edu|Hollisport IR
ironbridge-ir|Kwame Asante|kasante@ironbridge-med.example.org|Ironbridge IR
juniper-vale-ir|Noor Siddiqui|nsiddiqui@junipervale.example.edu|Juniper Vale IR
EOF
unset _id _dr _addr _alias

first_letter() {
    local f=$1 id=$2
    local dr=${PROG_DR[$id]}
    sed -e "s/@LAST@/${dr##* }/" -e "s/@ALIAS@/${PROG_ALIAS[$id]}/" \
        "$E2E/messages/first-template.txt" >"$T/first-$id.txt"
    full_message "$f" "$ME_FULL" "\"Dr. $dr\" <${PROG_ADDR[$id]}>" \
        "Letter of intent - Farida Rahimi" "$T/first-$id.txt"
}
