# shellcheck shell=bash
# Helpers of the command-line test scripts (tests/cli.sh, ledger-cli.sh,
# secret.sh, man.sh), sourced near the top of each, before any check:
#
#     # shellcheck source=lib/cli.sh
#     . "$(dirname "$0")/lib/cli.sh"
#
# Every check prints one line, "PASS what" or "FAIL what: why", and counts
# itself in $pass or $fail.  The script ends with `summary`, which prints
# "N passed, M failed" and exits 0 if nothing failed, 1 otherwise (also the
# way out when a check finds there is nothing more to test).
#
#   ok WHAT                       a check that passed
#   bad WHAT                      a check that failed (WHAT says why)
#   expect WHAT EXIT COMMAND...   runs COMMAND with its stdout in $T/out and
#                                 its stderr in $T/err; passes if it exits EXIT
#   contains WHAT FILE TEXT       passes if FILE has TEXT (a fixed string)
#   lacks WHAT FILE TEXT          passes if FILE does not have TEXT
#   lines WHAT FILE N             passes if FILE has N non-empty lines
#   summary                       the last line of a script
#   require_bin                   a failed check and the summary (exit 1)
#                                 unless $BIN, the program, can be run
#   private_config                copies config/example.conf and programs.conf
#                                 of the source tree $SRC into $T/conf, mode
#                                 0600 (matchguard refuses a configuration
#                                 others can read: it holds the applicant's
#                                 ID), and sets CONF to the example.conf copy
#
# expect and private_config need T, the script's private temporary
# directory, to be set before they are called.  A failure shows the first 300 bytes of stderr (expect) or
# 400 bytes of the file (contains).

pass=0
fail=0

ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

expect() {
    local name=$1 want=$2 rc
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$name"
    else bad "$name: exit $rc, expected $want ($(head -c 300 "$T/err"))"; fi
}

contains() {
    if grep -qF -- "$3" "$2"; then ok "$1"
    else bad "$1: '$3' not in $(head -c 400 "$2")"; fi
}

lacks() {
    if grep -qF -- "$3" "$2"; then bad "$1: '$3' found"
    else ok "$1"; fi
}

lines() {
    local n
    n=$(grep -c . "$2")
    if [ "$n" -eq "$3" ]; then ok "$1"
    else bad "$1: $n lines, expected $3"; fi
}

# private_env NAME: sets BIN (the program under test), SRC (the source
# tree), PY (python3) and T, a private temporary directory removed on exit;
# HOME and XDG_CONFIG_HOME point into T, time is New York's, the locale
# UTF-8, and none of matchguard's environment variables is set.
private_env() {
    BIN=${MG_BIN:-$(dirname "$0")/../src/matchguard}
    SRC=${MG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
    PY=${PYTHON3:-$(command -v /usr/bin/python3 || command -v python3)}
    T=$(mktemp -d "${TMPDIR:-/tmp}/mg-$1.XXXXXX")
    trap 'rm -rf "$T"' EXIT
    export TZ=America/New_York LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$T" XDG_CONFIG_HOME="$T/xdg"
    unset MATCHGUARD_CONFIG MATCHGUARD_LEDGER MATCHGUARD_ALLOW NO_COLOR
}

require_bin() {
    [ -x "$BIN" ] || { bad "binary $BIN not found"; summary; }
}

private_config() {
    mkdir -p "$T/conf"
    cp "$SRC/config/example.conf" "$SRC/config/programs.conf" "$T/conf/"
    chmod 600 "$T/conf/"*.conf
    CONF=$T/conf/example.conf
}

summary() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ] && exit 0
    exit 1
}
