#!/bin/sh
# Runs the whole test suite on a fresh Debian machine: installs what is
# missing, builds, runs every test (unit tests, the fixture corpus, the CLI
# tests and the public acceptance cases), prints each test program's own
# summary and ends with one line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

contrib/deps.sh || exit 1
{ [ -x configure ] || ./autogen.sh; } && { [ -f Makefile ] || ./configure; } \
    && make -j"$(nproc 2>/dev/null || echo 2)" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

make -j"$(nproc 2>/dev/null || echo 2)" check >/dev/null 2>&1
status=$?

passed=0
failed=0
for log in tests/*.log; do
    case $log in tests/test-suite.log) continue ;; esac
    name=${log%.log}
    echo "== ${name#tests/}"
    if grep -q '^\[==========\]' "$log"; then
        # cmocka: its own closing lines
        grep -E '^\[  (PASSED|FAILED)  \]|^\[==========\] .* run' "$log"
        p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
        f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    else
        grep -E '^(FAIL|ERROR) |^acceptance:|^sendmail:' "$log" | head -n 20
        line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
        echo "${line:-no summary (see $log)}"
        p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
        f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    fi
    # a program that crashed or printed no summary counts as one failure
    [ -n "${p:-}" ] || p=0
    [ -n "${f:-}" ] || f=0
    if grep -q '^:test-result: FAIL' "$name.trs" 2>/dev/null && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p))
    failed=$((failed + f))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# memory errors, leaks and undefined behaviour: the suite built with ASan
# and UBSan, audit's two threads under TSan, and the suite under valgrind
# (README, "Sanitizers and valgrind")
for step in sanitizers threads valgrind; do
    echo "== $step"
    start=$(date +%s)
    if contrib/check-$step.sh >"$step.log" 2>&1; then
        passed=$((passed + 1))
    else
        grep -E '^(FAIL |report |valgrind: /)' "$step.log" | head -n 20
        failed=$((failed + 1))
    fi
    echo "$(tail -n 1 "$step.log") ($(($(date +%s) - start)) s; see $step.log)"
done

# the libFuzzer targets, each for a fixed time (README, "Fuzzing"); one
# result per target
echo "== fuzz"
start=$(date +%s)
fuzz/run.sh 60 >fuzz.log 2>&1
grep -E '^(FAIL |fuzz|  )' fuzz.log | head -n 20
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' fuzz.log | tail -n 1)
p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
[ -n "$p" ] || p=0
[ -n "$f" ] || f=2
passed=$((passed + p))
failed=$((failed + f))
echo "fuzz: ${line:-no summary} ($(($(date +%s) - start)) s; see fuzz.log)"

# the release tarball builds and passes the same tests
echo "== distcheck"
if make distcheck >distcheck.log 2>&1; then
    echo "make distcheck: ok"
    passed=$((passed + 1))
else
    tail -n 20 distcheck.log
    echo "make distcheck: FAILED (see distcheck.log)"
    failed=$((failed + 1))
fi
rm -f matchguard-*.tar.gz
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
