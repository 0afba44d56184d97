#!/bin/sh
# audit's two threads under ThreadSanitizer (src/cmd-audit.c: a helper
# judges messages while the main thread reads them, or analyses and
# writes them out while the main thread judges).  The program is built
# with clang -fsanitize=thread in a separate build directory (without
# BOLT), then audits the fixture corpus (out of date order), a generated
# mbox of 300 program messages (in date order), the same with every
# seventh message swapped with the next and with its first message last,
# as text, as JSON and with -q, on every CPU it may use.  A ThreadSanitizer report fails the run, and so does output
# or an exit status that differs from the same audit pinned to one CPU,
# where the main thread does everything.  contrib/test.sh runs it.
#
#   contrib/check-threads.sh [BUILD-DIRECTORY]      (default: build-tsan)
#
# Needs two CPUs (nproc) and taskset (util-linux).  Ends with
# "threads: N passed, M failed, K reports"; exit 0 only if every audit
# passed and there was no report.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
dir=${1:-build-tsan}
case $dir in /*) ;; *) dir=$top/$dir ;; esac
py=${PYTHON3:-/usr/bin/python3}

die() {
    echo "threads: $*"
    echo "threads: 0 passed, 1 failed, 0 reports"
    exit 1
}

[ "$(nproc)" -ge 2 ] || die "one CPU: audit's helper thread would never run"
command -v taskset >/dev/null || die "taskset not found (Debian: util-linux)"
rm -rf "$dir"
mkdir -p "$dir/build" "$dir/logs" "$dir/work" || die "cannot make $dir"
# shellcheck source=source-tree.sh
. "$top/contrib/source-tree.sh"
source_tree "$dir"

cd "$dir/build" || die "cannot enter $dir/build"
"$srcdir/configure" --disable-bolt CC="${CC:-clang}" CFLAGS="-O1 -g -fsanitize=thread" \
    LDFLAGS="-fsanitize=thread" >configure.log 2>&1 \
    || die "configure failed (see $dir/build/configure.log)"
make -j"$(nproc)" src/matchguard >make.log 2>&1 || die "build failed (see $dir/build/make.log)"
mg=$dir/build/src/matchguard

work=$dir/work
mkdir -p "$work/home" "$work/conf"
cp "$srcdir"/tests/corpora/config/*.conf "$work/conf/"
chmod 600 "$work/conf/"*.conf
"$py" "$srcdir/bench/gen-mbox.py" --config "$work/conf" --count 300 --mbox "$work/generated.mbox" \
    >/dev/null 2>&1 || die "bench/gen-mbox.py failed"
# the same with every seventh message swapped with the next (a little out
# of place), and with its first message last (out of order at the end)
"$py" "$srcdir/tests/lib/mbox-reorder.py" swap-pairs "$work/generated.mbox" "$work/swapped.mbox" \
    && "$py" "$srcdir/tests/lib/mbox-reorder.py" first-last "$work/generated.mbox" "$work/rotated.mbox" \
    || die "tests/lib/mbox-reorder.py failed"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
    XDG_STATE_HOME="$work/home/.local/state" XDG_CACHE_HOME="$work/home/.cache" \
    TZ=America/New_York LANG=C.UTF-8 LC_ALL=C.UTF-8
# GSlice's own per-thread caches hand memory between threads under GLib's
# locks, which ThreadSanitizer cannot see: plain malloc, which it can (and
# contrib/tsan.supp for GLib's time zone cache)
export G_SLICE=always-malloc
unset MATCHGUARD_CONFIG MATCHGUARD_LEDGER MATCHGUARD_ALLOW NO_COLOR

passed=0
failed=0
for source in corpus generated swapped rotated; do
    if [ "$source" = corpus ]; then
        set -- "$srcdir"/tests/corpora/*/*/message.eml
    else
        set -- "$work/$source.mbox"
    fi
    for how in text json quiet; do
        case $how in
            text) opt= ;;
            json) opt="--format json" ;;
            quiet) opt=-q ;;
        esac
        # shellcheck disable=SC2086  # $opt is one option or none
        TSAN_OPTIONS="log_path=$dir/logs/tsan-$source-$how:suppressions=$srcdir/contrib/tsan.supp" \
            "$mg" audit --config "$work/conf/matchguard.conf" $opt "$@" >"$work/two" 2>"$work/two.err"
        rc_two=$?
        # shellcheck disable=SC2086
        TSAN_OPTIONS="log_path=$dir/logs/tsan-$source-$how-one-cpu:suppressions=$srcdir/contrib/tsan.supp" \
            taskset -c "$(taskset -pc $$ | sed 's/.*: *//; s/[,-].*//')" \
            "$mg" audit --config "$work/conf/matchguard.conf" $opt "$@" >"$work/one" 2>"$work/one.err"
        rc_one=$?
        if [ "$rc_one" = "$rc_two" ] && [ "$rc_two" -le 2 ] && [ -s "$work/two" ] \
            && cmp -s "$work/one" "$work/two"; then
            echo "PASS audit ($how) of the $source: exit $rc_two, $(wc -l <"$work/two") lines, as on one CPU"
            passed=$((passed + 1))
        else
            echo "FAIL audit ($how) of the $source: exit $rc_two, on one CPU $rc_one; $(head -c 300 "$work/two.err")"
            failed=$((failed + 1))
        fi
    done
done

reports=$(find "$dir/logs" -type f | wc -l)
for f in $(find "$dir/logs" -type f | head -n 5); do
    echo "report $f:"
    grep -E 'WARNING|SUMMARY|^    #[0-9] ' "$f" | head -n 12
done
echo "threads: $passed passed, $failed failed, $reports reports"
[ "$failed" -eq 0 ] && [ "$reports" -eq 0 ]
