#!/usr/bin/env bash
# matchguard end-to-end tests: the real programs a user runs (SPEC 10).
#
#   tests/e2e.sh [TEST-PATTERN...]
#
# neomutt and mutt in batch mode with $sendmail pointing at matchguard,
# msmtp as matchguard's relay, and an SMTP server on 127.0.0.1
# (tests/e2e/smtp-server.py, aiosmtpd) started for every test; assertions on
# what the SMTP server received (envelope and bytes), on exit codes, on what
# the user sees on stderr and on the ledger through `matchguard log --format
# json`.  Each test has its own directory (HOME, XDG_*, TMPDIR, config,
# ledger, msmtprc); see tests/e2e/lib.sh.  The tests are in tests/e2e/t-*.sh.
#
# Environment: MG_BIN (the program; default src/matchguard under the
# repository root), MG_SRCDIR (the source tree; default the repository
# root), PYTHON3 (default /usr/bin/python3: Debian's, with python3-aiosmtpd),
# MG_TIMEOUT (seconds allowed per command, default 30), KEEP=1 (keep the
# directory of every test with a failed check).  Patterns are shell patterns
# matched against test names (e.g. 'mutt-*', '*ledger*').
#
# Prints "PASS test: check" or "FAIL test: check (why)" per check, then
# "N passed, M failed" as the last line.  Exit 0 only if every check passes.
# A program that is missing (neomutt, mutt, msmtp, aiosmtpd) is a failure,
# never a skip: contrib/deps.sh installs them.

set -u

HERE=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(CDPATH='' cd -- "$HERE/.." && pwd)
SRCDIR=${MG_SRCDIR:-$ROOT}
BIN=${MG_BIN:-$ROOT/src/matchguard}
case $BIN in
    /*) ;;
    */*) BIN=$PWD/$BIN ;;
    *) BIN=$(command -v -- "$BIN" || echo "$PWD/$BIN") ;;
esac
E2E=$SRCDIR/tests/e2e
HELPER=$E2E/helper.py
PY=${PYTHON3:-/usr/bin/python3}
E2E_TIMEOUT=${MG_TIMEOUT:-30}
KEEP=${KEEP:-0}
E2E_PATH=${PATH:-/usr/local/bin:/usr/bin:/bin}
ulimit -c 0 2>/dev/null || true

# shellcheck source=e2e/lib.sh
. "$E2E/lib.sh"
trap e2e_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TESTS=()
for f in "$E2E"/t-*.sh; do
    # shellcheck disable=SC1090
    . "$f"
done

TNAME=e2e
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
    bad "$PY cannot import aiosmtpd (apt-get install python3-aiosmtpd; set PYTHON3 to Debian's python3)"
fi

ran=0
for entry in "${TESTS[@]}"; do
    name=${entry%%|*}
    cmd=${entry#*|}
    if [ $# -gt 0 ]; then
        want=0
        for pat in "$@"; do
            # shellcheck disable=SC2053
            [[ $name == $pat ]] && want=1
        done
        [ "$want" = 1 ] || continue
    fi
    ran=$((ran + 1))
    # shellcheck disable=SC2086  # "function arg" on purpose
    $cmd
    finish
done
TNAME=e2e
[ "$ran" -gt 0 ] || bad "no test matched: $*"

echo "$E2E_PASS passed, $E2E_FAIL failed"
[ "$E2E_FAIL" -eq 0 ]
