#!/usr/bin/env bash
# matchguard fixture corpus: check mode on our own realistic messages.
#
#   tests/corpus.sh [CASE-PATTERN...]
#
# For every case directory tests/corpora/<topic>/<NNN-name>/ holding a
# case.json (or only those matching one of the shell patterns, tried against
# "topic/NNN-name", "NNN-name" and "topic", e.g. 'wording/*', 'broken',
# '*salutation*'):
#   1. make a fresh temporary directory T, copy tests/corpora/config/*.conf
#      into it (mode 0600), point HOME, XDG_* and TMPDIR inside T;
#   2. run, under env -i with TZ=America/New_York and LANG/LC_ALL=C.UTF-8:
#        $MG_BIN check --config T/matchguard.conf --no-ledger --at AT
#                      --format json [--to ADDR]... message.eml
#   3. compare the single JSON line and the exit status with case.json
#      (tests/lib/compare.py); check --no-ledger must not write a ledger.
#
# Environment: MG_BIN (the program; default src/matchguard under the
# repository root), MG_SRCDIR (the source tree; default the repository root),
# PYTHON3 (default /usr/bin/python3), MG_TIMEOUT (seconds per case, default
# 60), KEEP=1 (keep the temporary directory of every failing case).
# PATH, LD_LIBRARY_PATH and the sanitizer *_OPTIONS variables are passed
# through to the program; nothing else is.
#
# Prints "PASS name: detail" or "FAIL name: detail" per case, then exactly
# "N passed, M failed" as the last line.  Exit 0 only if every case passes.
# A missing or non-executable binary fails every case; nothing is skipped.

set -u

HERE=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(CDPATH='' cd -- "$HERE/.." && pwd)
SRCDIR=${MG_SRCDIR:-$ROOT}
BIN=${MG_BIN:-$ROOT/src/matchguard}
case $BIN in
    /*) ;;
    *) BIN=$PWD/$BIN ;;
esac
PY=${PYTHON3:-/usr/bin/python3}
TIMEOUT=${MG_TIMEOUT:-60}
KEEP=${KEEP:-0}
CORPORA=$SRCDIR/tests/corpora
COMPARE=$SRCDIR/tests/lib/compare.py
ulimit -c 0 2>/dev/null || true

if ! command -v "$PY" >/dev/null 2>&1; then
    echo "corpus.sh: python3 not found ($PY); set PYTHON3" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

have_bin=1
if [ ! -f "$BIN" ] || [ ! -x "$BIN" ]; then
    have_bin=0
    echo "corpus.sh: $BIN is not an executable file; every case fails" >&2
fi

PASS_ENV=()
for v in PATH LD_LIBRARY_PATH ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS MSAN_OPTIONS; do
    [ -n "${!v+x}" ] && PASS_ENV+=("$v=${!v}")
done

# Run the program in a clean environment rooted at $T (call in a subshell).
mg() {
    exec env -i \
        "${PASS_ENV[@]}" \
        HOME="$T" \
        XDG_CONFIG_HOME="$T/.config" \
        XDG_DATA_HOME="$T/.local/share" \
        XDG_CACHE_HOME="$T/.cache" \
        XDG_STATE_HOME="$T/.local/state" \
        XDG_RUNTIME_DIR="$T/run" \
        TMPDIR="$T/tmp" \
        TZ=America/New_York \
        LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        MATCHGUARD_CONFIG="$T/matchguard.conf" \
        timeout -k 5 "$TIMEOUT" "$BIN" "$@"
}

# One line per case under $CORPORA, sorted: DIR<TAB>AT<TAB>ADDR ADDR...
# (the "at" and "to" fields of its case.json; AT is "-" when case.json cannot
# be read, and the case then fails).  One python3 start for the whole run.
list_cases() {
    "$PY" - "$CORPORA" <<'EOF'
import json, os, sys
root = sys.argv[1]
for topic in sorted(os.listdir(root)):
    tdir = os.path.join(root, topic)
    if topic == "config" or not os.path.isdir(tdir):
        continue
    for name in sorted(os.listdir(tdir)):
        cj = os.path.join(tdir, name, "case.json")
        if not os.path.isfile(cj):
            continue
        try:
            with open(cj, encoding="utf-8") as f:
                c = json.load(f)
            at = str(c.get("at") or "-")
            to = " ".join(str(a) for a in c.get("to", []))
        except Exception:  # noqa: BLE001
            at, to = "-", ""
        print("%s\t%s\t%s" % (os.path.join(tdir, name), at, to))
EOF
}

selected() {
    local rel=$1 pat
    [ $# -gt 0 ] || return 0
    shift
    [ $# -gt 0 ] || return 0
    for pat in "$@"; do
        # shellcheck disable=SC2053  # pattern match on purpose
        if [[ $rel == $pat || ${rel##*/} == $pat || ${rel%%/*} == $pat ]]; then
            return 0
        fi
    done
    return 1
}

pass=0
fail=0
total=0
while IFS=$'\t' read -r dir at to; do
    cj=$dir/case.json
    rel=${dir#"$CORPORA"/}
    selected "$rel" "$@" || continue
    total=$((total + 1))

    if [ "$have_bin" = 0 ]; then
        fail=$((fail + 1))
        echo "FAIL $rel: binary $BIN not found or not executable"
        continue
    fi

    T=$(mktemp -d "${TMPDIR:-/tmp}/mg-corpus.XXXXXX")
    mkdir -p "$T/.config" "$T/.local/share" "$T/.local/state" "$T/.cache" "$T/run" "$T/tmp"
    chmod 700 "$T" "$T/run"
    cp "$CORPORA"/config/*.conf "$T/"
    chmod 600 "$T"/*.conf

    to_args=()
    for addr in $to; do
        to_args+=(--to "$addr")
    done

    if [ -z "$at" ] || [ "$at" = - ]; then
        ok=0
        detail="harness: case.json is unreadable or has no 'at'"
    else
        { (cd "$T" && mg check --config "$T/matchguard.conf" --no-ledger --at "$at" --format json \
            "${to_args[@]}" "$dir/message.eml") >"$T/check.out" 2>"$T/check.err"; } 2>/dev/null
        rc=$?
        line=$("$PY" "$COMPARE" "$cj" "$T/check.out" "$T/check.err" "$rc" 2>&1 | tail -n 1)
        case $line in
            PASS\ *) ok=1; detail=${line#PASS } ;;
            FAIL\ *) ok=0; detail=${line#FAIL } ;;
            *) ok=0; detail="harness: could not compare output (${line:-no output})" ;;
        esac
        # SPEC 1: check is a dry run; with --no-ledger it must not write one
        for l in "$T/ledger.db" "$T/.local/share/matchguard/ledger.db"; do
            if [ -e "$l" ]; then
                ok=0
                detail="check --no-ledger wrote ${l#"$T"/} (SPEC 1: dry run); $detail"
            fi
        done
    fi

    if [ "$ok" = 1 ]; then
        pass=$((pass + 1))
        echo "PASS $rel: $detail"
        rm -rf "$T"
    else
        fail=$((fail + 1))
        if [ "$KEEP" = 1 ]; then
            echo "FAIL $rel: $detail [kept $T]"
        else
            echo "FAIL $rel: $detail"
            rm -rf "$T"
        fi
    fi
done < <(list_cases)

if [ "$total" -eq 0 ]; then
    echo "corpus.sh: no case matched under $CORPORA" >&2
    fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
