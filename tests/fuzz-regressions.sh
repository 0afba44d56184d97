#!/bin/bash
# Replays the inputs the fuzzers found crashes with (tests/data/
# fuzz-regressions; README, "Fuzzing") through the real program, the way
# fuzz/fuzz-message and fuzz/fuzz-config took them:
#
#   message/*   `check --no-ledger`, `check --at header --no-ledger`, and
#               sendmail mode with -t (the relay tests/lib/fake-relay)
#   config/*    as the configuration file (`registry check`, `check` of an
#               example message, `status --svg`), and as a spreadsheet
#               (`registry import-csv` into a copy of the example
#               configuration)
#
# Each run must end with one of matchguard's own exit codes (0, 1, 2 and
# the sysexits of SPEC 2), never a signal or the time limit, and say
# nothing of a sanitizer on stderr.  fuzz/run.sh also replays these files
# through the fuzz targets themselves.  Prints "N passed, M failed".
set -u

# shellcheck source=lib/cli.sh
. "$(dirname "$0")/lib/cli.sh"
private_env fuzz-regressions
require_bin

FIXTURES=$SRC/tests/data/fuzz-regressions
# a failed g_return_if_fail() in GLib is a bug of ours: make it a signal
export G_DEBUG=fatal-criticals
RELAY=$SRC/tests/lib/fake-relay
EXAMPLE=$SRC/contrib/examples/01-clean-update.eml
mkdir -p "$T/relay" "$T/tmp"
export TMPDIR=$T/tmp

# fresh_config: a private copy of the example configuration in $T/conf
# with the fake relay and a ledger of its own; sets CONF
fresh_config() {
    rm -rf "$T/conf" "$T/ledger.db"
    private_config
    sed -i -e "s|^command = .*|command = '$RELAY' '$T/relay' exit:0|" \
        -e "s|^path = .*|path = $T/ledger.db|" "$CONF"
}

# run WHAT COMMAND...: passes when COMMAND exits with a code of matchguard
# and stderr holds no sanitizer report (input on stdin as given)
run() {
    local what=$1 rc
    shift
    timeout -k 5 60 "$@" >"$T/out" 2>"$T/err"
    rc=$?
    case $rc in
        0|1|2|64|65|69|70|74|75|77|78) ;;
        *) bad "$what: exit $rc ($(head -c 300 "$T/err"))"; return ;;
    esac
    if grep -qE 'runtime error|AddressSanitizer|LeakSanitizer|Assertion|CRITICAL' "$T/err"; then
        bad "$what: $(grep -m 1 -E 'runtime error|Sanitizer|Assertion|CRITICAL' "$T/err")"
        return
    fi
    ok "$what (exit $rc)"
}

n=0
for f in "$FIXTURES"/message/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    name=message/$(basename "$f")
    fresh_config
    run "$name: check" "$BIN" check --no-ledger --config "$CONF" "$f"
    run "$name: check --at header" "$BIN" check --at header --no-ledger --config "$CONF" "$f"
    run "$name: sendmail -t" "$BIN" --config "$CONF" -t <"$f"
done

for f in "$FIXTURES"/config/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    name=config/$(basename "$f")
    fresh_config
    cp "$f" "$T/conf/fuzz.conf"
    chmod 600 "$T/conf/fuzz.conf"
    run "$name: registry check" "$BIN" registry check --config "$T/conf/fuzz.conf"
    run "$name: check" "$BIN" check --no-ledger --config "$T/conf/fuzz.conf" "$EXAMPLE"
    run "$name: status --svg" "$BIN" status --config "$T/conf/fuzz.conf" --ledger "$T/ledger.db" \
        --svg "$T/season.svg"
    run "$name: registry import-csv" "$BIN" registry import-csv --config "$CONF" "$f"
done

[ "$n" -gt 0 ] || bad "no fixtures in $FIXTURES"
summary
