#!/bin/bash
# The public sendmail-mode acceptance tests (../shared/acceptance/sendmail,
# SPEC 2, 6, 7) against the built binary: matchguard run as mutt runs it,
# with a capturing relay.  Every test must pass.  The suite not being there
# is a failure, never a skip.
set -u

BIN=${MG_BIN:-$(dirname "$0")/../src/matchguard}
SRC=${MG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
SUITE=${MG_ACCEPTANCE_DIR:-$SRC/../shared/acceptance}

if [ ! -f "$SUITE/sendmail/run.sh" ]; then
    echo "FAIL acceptance-sendmail: the suite is not at $SUITE/sendmail (set MG_ACCEPTANCE_DIR)"
    echo "0 passed, 1 failed"
    exit 1
fi

# Debian's python3 first: a pyenv shim on PATH costs ~0.3 s a call
PY=${PYTHON3:-$(command -v /usr/bin/python3 || command -v python3)}
out=$(PYTHON=$PY bash "$SUITE/sendmail/run.sh" "$BIN" 2>&1)
status=$?
pass=0
fail=0
while IFS= read -r line; do
    case $line in
        PASS\ *) pass=$((pass + 1)); echo "$line" ;;
        FAIL\ *) fail=$((fail + 1)); echo "$line" ;;
        NOTE\ *) echo "$line" ;;
    esac
done <<< "$out"
printf '%s\n' "$out" | tail -n 1
# a run that died early (no summary) is a failure too
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
    echo "FAIL acceptance-sendmail: run.sh exited $status: $(printf '%s\n' "$out" | tail -n 3 | tr '\n' ' ')"
    fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
