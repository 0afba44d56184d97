#!/bin/sh
# The test suite built with ./configure --enable-sanitizers (AddressSanitizer
# with LeakSanitizer, UndefinedBehaviorSanitizer) in a separate build
# directory, run with `make check`: the cmocka programs, the CLI, corpus,
# acceptance, keyring and fault tests, and tests/e2e.sh, where neomutt and
# mutt start matchguard themselves.  contrib/test.sh runs it.
#
#   contrib/check-sanitizers.sh [BUILD-DIRECTORY]      (default: build-asan)
#
# A sanitizer report anywhere fails the run: every report is written to
# BUILD-DIRECTORY/logs (log_path, which reaches programs started by the mail
# clients too, as the tests pass the *_OPTIONS variables through), and that
# directory must be empty afterwards, besides every test passing.  The
# compiler is clang (CC to choose another): GCC 12's UBSan writes to stderr
# whatever log_path says, so a report from a matchguard that neomutt ran
# could go unseen.
#
# A source tree configured in place cannot host a VPATH build, so the build
# then uses a copy of the distributed files (make distdir).  Not run:
# tests/hostile.sh, whose checks are peak-memory bounds that ASan's shadow
# memory and quarantine do not keep.
#
# Ends with "sanitizers: N tests passed, M failed, K reports"; exit 0 only
# if every test passed and there was no report.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
dir=${1:-build-asan}
case $dir in /*) ;; *) dir=$top/$dir ;; esac
jobs=$(nproc 2>/dev/null || echo 2)
acceptance=${MG_ACCEPTANCE_DIR:-$(cd .. && pwd)/shared/acceptance}

die() {
    echo "sanitizers: $*"
    echo "sanitizers: 0 tests passed, 1 failed, 0 reports"
    exit 1
}

rm -rf "$dir"
mkdir -p "$dir/build" "$dir/logs" || die "cannot make $dir"
# shellcheck source=source-tree.sh
. "$top/contrib/source-tree.sh"
source_tree "$dir"

cd "$dir/build" || die "cannot enter $dir/build"
"$srcdir/configure" --enable-sanitizers CC="${CC:-clang}" \
    MG_ACCEPTANCE_DIR="$acceptance" >configure.log 2>&1 \
    || die "configure --enable-sanitizers failed (see $dir/build/configure.log)"
make -j"$jobs" >make.log 2>&1 || die "build failed (see $dir/build/make.log)"

# every test but hostile.sh
tests=$(printf 'mg-print-tests:\n\t@echo $(TESTS)\n' | make -s -f Makefile -f - mg-print-tests)
tests=$(echo "$tests" | tr ' ' '\n' | grep -v '^tests/hostile\.sh$' | tr '\n' ' ')

# halt at the first error, full stacks (GLib is built without frame
# pointers), leaks checked at exit; the suppressions are for one-time
# allocations of the libraries only (tests/lsan.supp)
ASAN_OPTIONS="log_path=$dir/logs/asan:halt_on_error=1:detect_leaks=1:print_stacktrace=1:fast_unwind_on_malloc=0:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1"
UBSAN_OPTIONS="log_path=$dir/logs/ubsan:halt_on_error=1:print_stacktrace=1"
LSAN_OPTIONS="suppressions=$srcdir/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
make -j"$jobs" check TESTS="$tests" >check.log 2>&1
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

passed=$(grep -l '^:test-result: PASS' tests/*.trs 2>/dev/null | wc -l)
failed=$(grep -l '^:test-result: \(FAIL\|ERROR\)' tests/*.trs 2>/dev/null | wc -l)
for trs in $(grep -l '^:test-result: \(FAIL\|ERROR\)' tests/*.trs 2>/dev/null); do
    log=${trs%.trs}.log
    echo "FAIL ${log%.log} (see $dir/build/$log)"
    grep -E '^(FAIL|ERROR) |^\[  FAILED  \]|runtime error|Sanitizer' "$log" | head -n 5
done
[ "$passed" -gt 0 ] || failed=$((failed + 1))
reports=$(find "$dir/logs" -type f | wc -l)
for f in $(find "$dir/logs" -type f | head -n 5); do
    echo "report $f:"
    grep -E 'ERROR|runtime error|SUMMARY|^    #[0-9] ' "$f" | head -n 12
done
echo "sanitizers: $passed tests passed, $failed failed, $reports reports"
[ "$failed" -eq 0 ] && [ "$reports" -eq 0 ]
