#!/bin/bash
# valgrind memcheck over the test suite of a built tree: every cmocka
# program runs under valgrind, and so does every run of matchguard in the
# shell tests (tests/e2e.sh included, where neomutt and mutt start it as
# their $sendmail): MG_BIN names a wrapper that runs the real program under
# valgrind, under the name it was called by (a "sendmail" link to it still
# means sendmail mode).  Not run unless named: tests/hostile.sh
# (peak-memory bounds, 25 MB inputs), tests/faults.sh (its read-only TMPDIR
# is where valgrind itself must write) and tests/corpus.sh (check mode on
# 259 fixture messages, one process each: 10 to 25 minutes under valgrind
# for code paths the other tests take); contrib/check-sanitizers.sh runs
# all three but hostile.sh.  tests/e2e.sh runs alone, before the others:
# some of its checks are timed (a ledger busy past busy_timeout_ms given up
# within 8 s, 8 senders at once).  contrib/test.sh runs this; so does
# `make check-valgrind`.
#
#   contrib/check-valgrind.sh [TEST...]      (default: all; e.g. tests/e2e.sh)
#
# Environment: MG_BUILDDIR (the built tree, default the source tree),
# MG_VALGRIND_LOGS (default MG_BUILDDIR/valgrind-logs, emptied first),
# VALGRIND (default valgrind), PYTHON3, MG_ACCEPTANCE_DIR as for make check,
# MG_TIMEOUT (seconds per command in the shell tests, default 120).
#
# A run fails on any memcheck error or definite leak (--leak-check=full
# --errors-for-leak-kinds=definite; suppressions in tests/valgrind.supp), on
# a valgrind log without its closing summary (a run killed under valgrind),
# and on a failing test.  One valgrind log per process in MG_VALGRIND_LOGS,
# each test's output in MG_VALGRIND_LOGS/out.  Prints "ok TEST (S s)" or
# "FAIL TEST: ..." per test, and ends with "valgrind: N runs clean, M with
# errors; tests: P passed, F failed"; exit 0 only if nothing failed.
set -u
SRC=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
BUILD=$(CDPATH='' cd -- "${MG_BUILDDIR:-$SRC}" && pwd) || exit 1
LOGS=${MG_VALGRIND_LOGS:-$BUILD/valgrind-logs}
VALGRIND=$(command -v "${VALGRIND:-valgrind}") || {
    echo "valgrind: not installed (contrib/deps.sh installs it)"
    echo "valgrind: 0 runs clean, 0 with errors; tests: 0 passed, 1 failed"
    exit 1
}

rm -rf "$LOGS"
mkdir -p "$LOGS/bin" "$LOGS/out" || exit 1
VG_OPTS="--tool=memcheck --leak-check=full --show-leak-kinds=definite
--errors-for-leak-kinds=definite --error-exitcode=99 --num-callers=40
--child-silent-after-fork=yes --suppressions=$SRC/tests/valgrind.supp"

# the program as the tests and the mail clients run it, through a link of
# the name it was called by; GLib allocates with malloc and clears what it
# frees, so that valgrind sees it all
mkdir -p "$LOGS/real"
ln -s "$BUILD/src/matchguard" "$LOGS/real/matchguard"
ln -s "$BUILD/src/matchguard" "$LOGS/real/sendmail"
cat >"$LOGS/bin/matchguard" <<EOF
#!/bin/sh
case \${0##*/} in sendmail) real='$LOGS/real/sendmail' ;; *) real='$LOGS/real/matchguard' ;; esac
G_SLICE=always-malloc G_DEBUG=gc-friendly
export G_SLICE G_DEBUG
exec '$VALGRIND' $(echo $VG_OPTS) --log-file='$LOGS/matchguard.%p.vg' "\$real" "\$@"
EOF
chmod +x "$LOGS/bin/matchguard"

cd "$BUILD" || exit 1
all=$(printf 'mg-print:\n\t@echo $(TESTS)\n' | make -s -f Makefile -f - mg-print)
[ -n "$all" ] && [ -x src/matchguard ] || {
    echo "valgrind: $BUILD is not a built tree (run make and make check first)"
    echo "valgrind: 0 runs clean, 0 with errors; tests: 0 passed, 1 failed"
    exit 1
}
if [ $# -gt 0 ]; then
    all="$*"
else
    all=$(echo "$all" | tr ' ' '\n' | grep -vE '^tests/(hostile|faults|corpus)\.sh$')
fi

# one_test TEST: runs it (a cmocka program under valgrind, a shell test
# with MG_BIN the wrapper), its output in out/NAME.out, its exit status in
# out/NAME.rc
one_test() {
    local t=$1 name=${1#tests/} start=$SECONDS
    case $t in
        *.sh)
            MG_BIN=$LOGS/bin/matchguard MG_SRCDIR=$SRC MG_TIMEOUT=${MG_TIMEOUT:-120} \
                PYTHON3=${PYTHON3:-/usr/bin/python3} \
                MG_ACCEPTANCE_DIR=${MG_ACCEPTANCE_DIR:-$(cd "$SRC/.." && pwd)/shared/acceptance} \
                bash "$SRC/$t" >"$LOGS/out/$name.out" 2>&1
            ;;
        *)
            G_SLICE=always-malloc G_DEBUG=gc-friendly \
                "$VALGRIND" $VG_OPTS --log-file="$LOGS/$name.%p.vg" "$t" \
                >"$LOGS/out/$name.out" 2>&1
            ;;
    esac
    echo "$?" >"$LOGS/out/$name.rc"
    echo $((SECONDS - start)) >"$LOGS/out/$name.secs"
}

# tests/e2e.sh alone, then the others as many at a time as there are
# processors, the slowest first
jobs=$(nproc 2>/dev/null || echo 2)
slow='^tests/(e2e|corpus|acceptance-sendmail|acceptance)\.sh$'
order=$( (for t in e2e corpus acceptance-sendmail acceptance; do
              echo "$all" | tr ' ' '\n' | grep -x "tests/$t\.sh"
          done
          echo "$all" | tr ' ' '\n' | grep -vE "$slow") | grep .)
running=0
for t in $order; do
    if [ "$t" = tests/e2e.sh ]; then
        one_test "$t"
        continue
    fi
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
    one_test "$t" &
    running=$((running + 1))
done
wait

passed=0
failed=0
for t in $order; do
    name=${t#tests/}
    rc=$(cat "$LOGS/out/$name.rc" 2>/dev/null || echo 1)
    secs=$(cat "$LOGS/out/$name.secs" 2>/dev/null)
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok $name (${secs:-?} s)"
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc, ${secs:-?} s (see $LOGS/out/$name.out)"
        grep -E '^(FAIL|ERROR) |^\[  FAILED  \]' "$LOGS/out/$name.out" | head -n 10
    fi
done

clean=0
dirty=0
for log in "$LOGS"/*.vg; do
    [ -f "$log" ] || continue
    if grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
        clean=$((clean + 1))
        continue
    fi
    dirty=$((dirty + 1))
    if [ "$dirty" -le 5 ]; then
        echo "valgrind: $log:"
        grep -E 'Command:|^==[0-9]+== [A-Z][a-z]|definitely lost|    (at|by) 0x|ERROR SUMMARY' "$log" | head -n 20
        grep -q 'ERROR SUMMARY' "$log" || echo "  (no summary: the process was killed)"
    fi
done
[ "$clean" -gt 0 ] || dirty=$((dirty + 1))
echo "valgrind: $clean runs clean, $dirty with errors; tests: $passed passed, $failed failed"
[ "$dirty" -eq 0 ] && [ "$failed" -eq 0 ]
