#!/bin/sh
# bolt.sh - links matchguard and lays out its code by how it runs: BOLT
# (LLVM's post-link optimizer) instruments the program, the instrumented
# program sends, checks and audits mail from the source tree, and BOLT
# then puts the code that ran together, hottest first, and the rest after.
#
# Why: the kernel maps a program's code in 64 KiB blocks around each page
# it faults in.  Linked as it comes (SQLite's objects from Debian's static
# archive, then ours, each in one piece), the code a send runs is spread
# over nearly all of the program's 1.1 MB of text, so nearly all of it is
# resident; laid out, it fits in about 300 KB (bench/README.md, peak RSS).
# BOLT moves code and changes nothing it does; the whole test suite runs
# on the result.
#
# Usage (Makefile.am, src_matchguard_LINK when configure found BOLT):
#   contrib/bolt.sh MODE SRCDIR LLVM-BOLT MERGE-FDATA RELAY OUT LINK-COMMAND...
# LINK-COMMAND (the link, with --emit-relocs, and its objects) must write
# OUT.unbolted; RELAY is a program that reads its standard input and exits
# 0 (bench/null-relay).  Writes OUT.  When BOLT fails, MODE "auto"
# (configure found BOLT by itself) says so and keeps the program as
# linked; MODE "yes" (--enable-bolt) fails.  A failed link always fails.
set -eu

[ $# -gt 6 ] || { echo "usage: bolt.sh MODE SRCDIR LLVM-BOLT MERGE-FDATA RELAY OUT LINK-COMMAND..." >&2; exit 2; }
mode=$1 srcdir=$2 bolt=$3 merge=$4 relay=$5 out=$6
shift 6
in=$out.unbolted
case $relay in /*) ;; *) relay=$(pwd)/$relay ;; esac
rm -f "$in"
"$@"

work=$(mktemp -d "${TMPDIR:-/tmp}/mg-bolt.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail () {
  [ -f "$work/log" ] && tail -n 20 "$work/log" >&2
  if [ "$mode" = auto ]; then
    echo "bolt.sh: $1; $out is linked without BOLT's layout (configure --disable-bolt skips this)" >&2
    rm -f "$out.tmp"
    mv -f "$in" "$out"
    exit 0
  fi
  echo "bolt.sh: $1 (configure --disable-bolt builds without BOLT)" >&2
  exit 1
}

"$bolt" "$in" -o "$work/instrumented" -instrument -instrumentation-file="$work/profile" \
  -instrumentation-file-append-pid > "$work/log" 2>&1 || fail "instrumenting $in failed"

# --- the training: a sandbox like the tests', the fixture corpus's config --
mkdir -m 700 "$work/home" "$work/config" "$work/data" "$work/state" "$work/cache" \
  "$work/run" "$work/tmp" "$work/ledger"
cp "$srcdir/tests/corpora/config/programs.conf" "$work/"
awk -v relay="$relay" -v ledger="$work/ledger/ledger.db" '
  /^\[/ { section = $0 }
  section == "[relay]" && /^command[ \t]*=/ { print "command = " relay; next }
  section == "[ledger]" && /^path[ \t]*=/ { print "path = " ledger; next }
  section == "[policy]" && /^warnings[ \t]*=/ { print "warnings = pass"; next }
  { print }' "$srcdir/tests/corpora/config/matchguard.conf" > "$work/matchguard.conf"
chmod 600 "$work"/*.conf
mg=$work/instrumented
run () {  # runs the instrumented program; its verdicts do not matter here
  env -i PATH=/usr/bin:/bin HOME="$work/home" XDG_CONFIG_HOME="$work/config" \
    XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache" \
    XDG_RUNTIME_DIR="$work/run" TMPDIR="$work/tmp" TZ=America/New_York LC_ALL=C.UTF-8 \
    MATCHGUARD_CONFIG="$work/matchguard.conf" "$mg" "$@" > /dev/null 2>> "$work/runs.log" || true
}

typical=$srcdir/bench/data/typical-30k.eml
# a message past the spool's memory limit: typical-30k.eml with 730 KB
# more of its PDF (zeros: the same build every time), so that it is
# spooled to a file as a large one is
big=$work/big.eml
head -c 540000 /dev/zero | base64 -w 76 > "$work/extra.b64"
awk -v extra="$work/extra.b64" '
  /^Content-Type: application\/pdf/ { pdf = 1 }
  pdf == 1 && /^$/ { print; while ((getline line < extra) > 0) print line; pdf = 2; next }
  { print }' "$typical" > "$big"

# sendmail mode first and most, called as mutt calls it (recipients as
# arguments, ../shared/notes/mail-clients.md) and as msmtp users do (-t):
# what runs on every send sorts first
rcpts=$(sed -n 's/^\(To\|Cc\): .*<\([^>]*\)>.*/\2/p' "$typical")
from=$(sed -n 's/^From: .*<\([^>]*\)>.*/\1/p' "$typical")
for round in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18; do
  # shellcheck disable=SC2086  # one argument per recipient
  run -oem -oi -f "$from" -- $rcpts < "$typical"
done
run -oi -t < "$typical"
run -oi -t < "$typical"
for round in 1 2; do
  # shellcheck disable=SC2086
  run -oem -oi -f "$from" -- $rcpts < "$big"
done
run -oi -t < "$big"
run check "$typical"
run check --format json "$big"
# every case of the fixture corpus, as text and as JSON, in one process
# each time (an instrumented process takes some 70 ms to write its profile)
run check --no-ledger "$srcdir"/tests/corpora/*/*/message.eml
run check --no-ledger --format json "$srcdir"/tests/corpora/*/*/message.eml
run audit "$srcdir"/tests/corpora/*/*/message.eml
run log
run status

set -- "$work"/profile.*.fdata
[ -f "$1" ] || fail "the instrumented program wrote no profile"
"$merge" "$@" > "$work/profile.fdata" 2>> "$work/log" || fail "merge-fdata failed"

# blocks in the order they ran, functions by the calls between them, the
# blocks that never ran apart; text aligned to pages, not to 2 MiB (the
# default, for huge pages), so that the moved program headers share a
# 64 KiB block with it.  BOLT drops the debug information (symbols stay):
# the DWARF 5 that -update-debug-sections writes stops valgrind 3.19.
"$bolt" "$in" -o "$out.tmp" -data="$work/profile.fdata" -reorder-blocks=ext-tsp \
  -reorder-functions=cdsort -split-functions -split-all-cold -align-text=4096 -dyno-stats=0 \
  > "$work/log" 2>&1 || fail "optimizing $in failed"
mv -f "$out.tmp" "$out"
rm -f "$in"
