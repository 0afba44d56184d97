#!/bin/sh
# Builds the libFuzzer targets (make fuzz) and runs each for a fixed time
# (README, "Fuzzing").  contrib/test.sh runs it.
#
#   fuzz/run.sh [SECONDS [TARGET...]]    (default: 60 s; message config)
#
# Each target starts from seeds made from the test fixtures
# (fuzz/seeds.py: the corpus, the example and acceptance messages, the
# configuration files and the CSVs of the tests), assembled in a scratch
# directory that is removed afterwards, and from the regression fixtures
# tests/data/fuzz-regressions/TARGET, which it replays first, with the
# dictionary fuzz/TARGET.dict.  Limits:
# -max_total_time=SECONDS, 10 s per input (-timeout), 2 GB
# (-rss_limit_mb); a crash, a sanitizer report, a leak, a slow input or
# running out of memory fails the target, and the input that did it is kept
# in fuzz/crashes/ (of the build directory) for a regression fixture.
#
# Environment: MG_BUILDDIR (default: the source tree, configured in
# place), MG_ACCEPTANCE_DIR (default ../shared/acceptance; seeds only),
# PYTHON3, CLANG (passed to make), FUZZ_KEEP=1 keeps the scratch directory.
#
# Prints a line per target and ends with "N passed, M failed", one per
# target; exit 0 only when every target passed.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-message config}
build=${MG_BUILDDIR:-$top}
acceptance=${MG_ACCEPTANCE_DIR:-$(cd .. && pwd)/shared/acceptance}
py=${PYTHON3:-python3}
crashes=$build/fuzz/crashes
ntargets=$(echo "$targets" | wc -w)

case $seconds in
    ''|*[!0-9]*) echo "run.sh: SECONDS must be a number: $seconds" >&2; exit 64 ;;
esac

die() {
    echo "fuzz: $*"
    echo "0 passed, $ntargets failed"
    exit 1
}

mkdir -p "$crashes" || die "cannot make $crashes"
make -C "$build" ${CLANG:+CLANG="$CLANG"} fuzz >"$build/fuzz/build.log" 2>&1 \
    || die "make fuzz failed (see $build/fuzz/build.log)"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mg-fuzz.XXXXXX") || die "cannot make a scratch directory"
[ "${FUZZ_KEEP:-0}" = 1 ] || trap 'rm -rf "$scratch"' EXIT
"$py" "$top/fuzz/seeds.py" "$top" "$acceptance" "$scratch/seeds" >"$scratch/seeds.log" 2>&1 \
    || { cat "$scratch/seeds.log"; die "fuzz/seeds.py failed"; }

# leaks are checked after every input; the suppressions are for one-time
# allocations of the libraries only
LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
ASAN_OPTIONS="detect_leaks=1:print_stacktrace=1"
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS ASAN_OPTIONS UBSAN_OPTIONS

passed=0
failed=0
for t in $targets; do
    bin=$build/fuzz/fuzz-$t
    log=$build/fuzz/fuzz-$t.log
    seeds=$scratch/seeds/$t
    [ -d "$seeds" ] || { echo "FAIL fuzz-$t: no such target"; failed=$((failed + 1)); continue; }
    mkdir -p "$scratch/corpus-$t"
    set -- "$scratch/corpus-$t" "$seeds"
    [ -d "$top/tests/data/fuzz-regressions/$t" ] && set -- "$@" "$top/tests/data/fuzz-regressions/$t"
    [ -f "$top/fuzz/$t.dict" ] && set -- -dict="$top/fuzz/$t.dict" "$@"
    start=$(date +%s)
    # the wall-clock limit is for a fuzzer stuck outside any one input
    timeout -k 10 $((seconds * 2 + 120)) "$bin" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/$t-" \
        "$@" >"$log" 2>&1
    status=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
    took=$(($(date +%s) - start))
    if [ "$status" -eq 0 ] && [ -n "$runs" ]; then
        echo "fuzz-$t: ok, $runs inputs in $took s ($(find "$scratch/corpus-$t" -type f | wc -l) new in the corpus)"
        passed=$((passed + 1))
    else
        echo "FAIL fuzz-$t: exit $status after $took s (see $log)"
        grep -E '^==[0-9]+==ERROR|runtime error|CRITICAL|^SUMMARY|ALARM|out-of-memory|Test unit written|^fuzz-' \
            "$log" | head -n 8 | sed 's/^/  /'
        failed=$((failed + 1))
    fi
done
echo "crashing inputs, if any, are kept in $crashes"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
