#!/bin/bash
# The public check-mode acceptance cases (../shared/acceptance) against the
# built binary; every case must pass.  The suite not being there is a
# failure, never a skip.
set -u

BIN=${MG_BIN:-$(dirname "$0")/../src/matchguard}
SRC=${MG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
SUITE=${MG_ACCEPTANCE_DIR:-$SRC/../shared/acceptance}

if [ ! -x "$SUITE/run.sh" ]; then
    echo "FAIL acceptance: the suite is not at $SUITE (set MG_ACCEPTANCE_DIR)"
    echo "0 passed, 1 failed"
    exit 1
fi

# Debian's python3 first: a pyenv shim on PATH costs ~0.3 s a call
PY=${PYTHON3:-$(command -v /usr/bin/python3 || command -v python3)}
out=$(PYTHON=$PY bash "$SUITE/run.sh" "$BIN" 2>&1)
status=$?
pass=$(grep -c '^PASS ' <<< "$out")
fail=$(grep -c '^FAIL ' <<< "$out")
printf '%s\n' "$out"
echo "$pass passed, $fail failed"
[ "$status" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
