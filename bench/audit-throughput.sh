#!/bin/bash
# audit-throughput.sh - messages per second of `matchguard audit` over an
# mbox of generated program mail, against the GMime parse-only baseline
# parsing the same mbox, in one run (bench/README.md).  Not a test.
#
# Usage: bench/audit-throughput.sh [-n MESSAGES] [-r REPEATS] [-m] [-c] [-k DIR]
#   -n MESSAGES  messages in the mbox (default 500), made by bench/gen-mbox.py
#                for the fixture corpus's applicant and programs
#   -r REPEATS   timed runs of each command (default 5; the median counts)
#   -m           the same messages as a maildir too: audit of the maildir
#                against the baseline over its files (one process)
#   -c           also one callgrind run of the baseline and of audit over
#                each (instructions, Ir, and their ratio); needs valgrind
#   -k DIR       keep the work files (config, mbox, audit output) in DIR
#
# Environment: MG_BIN (default src/matchguard of the build tree),
# MG_BUILDDIR (the build tree, default the source tree), PYTHON3.
#
# Exit 0 with the figures; 1 when something failed; 2 when `audit` is not
# in this build.
set -u

BENCH=audit-throughput
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
COUNT=500
REPEATS=5
KEEP=
MAILDIR=
CALLGRIND=

while getopts n:r:mck: opt; do
  case $opt in
    n) COUNT=$OPTARG ;;
    r) REPEATS=$OPTARG ;;
    m) MAILDIR=1 ;;
    c) CALLGRIND=1 ;;
    k) KEEP=$OPTARG ;;
    *) sed -n '2,20s/^# \{0,1\}//p' "$0" >&2; exit 1 ;;
  esac
done
case $COUNT$REPEATS in *[!0-9]*) die "-n and -r take numbers" ;; esac
[ "$COUNT" -ge 1 ] && [ "$REPEATS" -ge 1 ] || die "-n and -r must be at least 1"
bench_need "$MG" "$BASELINE"
[ -z "$CALLGRIND" ] || command -v valgrind > /dev/null || die "-c needs valgrind"

bench_env "$KEEP"
# The fixture corpus's configuration; audit reads neither the relay nor
# the real ledger (SPEC 1), but the ledger path is kept inside $T anyway.
bench_config /bin/false "$T/ledger.db"

"$PYTHON3" "$srcdir/bench/gen-mbox.py" --config "$T" --count "$COUNT" --mbox "$T/sent.mbox" \
  || die "gen-mbox.py failed"
SIZE=$(wc -c < "$T/sent.mbox")
# The maildir: the same messages (gen-mbox.py writes the same ones with the
# same seed), one file each in cur/, named as a maildir client names them.
if [ -n "$MAILDIR" ]; then
  rm -rf "$T/split" "$T/sent.maildir"
  "$PYTHON3" "$srcdir/bench/gen-mbox.py" --config "$T" --count "$COUNT" --split "$T/split" \
    || die "gen-mbox.py failed"
  mkdir -p "$T/sent.maildir/cur" "$T/sent.maildir/new" "$T/sent.maildir/tmp"
  while IFS=$'\t' read -r name _; do
    mv "$T/split/$name" "$T/sent.maildir/cur/17${name%.eml}.M1P1.bench:2,S"
  done < "$T/split/recipients"
  MAILDIR_FILES=("$T/sent.maildir/cur/"*)
  [ "${#MAILDIR_FILES[@]}" -eq "$COUNT" ] || die "the maildir has ${#MAILDIR_FILES[@]} messages, not $COUNT"
  MAILDIR_SIZE=$(cat "${MAILDIR_FILES[@]}" | wc -c)
fi

# --- is audit there? ---------------------------------------------------------
"$MG" audit --format json "$T/sent.mbox" > "$T/audit.json" 2> "$T/audit.err"
rc=$?
if [ $rc -eq 69 ] && grep -q 'not available' "$T/audit.err"; then
  echo "audit not available in this build ($MG exits 69: $(head -1 "$T/audit.err"))" >&2
  exit 2
fi
[ $rc -le 2 ] || { cat "$T/audit.err" >&2; die "audit exited $rc"; }
judged=$(grep -c '^{' "$T/audit.json")
[ "$judged" -eq "$COUNT" ] || die "audit judged $judged messages of $COUNT"
if [ -n "$MAILDIR" ]; then
  "$MG" audit --format json "$T/sent.maildir" > "$T/audit-maildir.json" 2> "$T/audit.err"
  rc=$?
  [ $rc -le 2 ] || { cat "$T/audit.err" >&2; die "audit of the maildir exited $rc"; }
  judged=$(grep -c '^{' "$T/audit-maildir.json")
  [ "$judged" -eq "$COUNT" ] || die "audit judged $judged messages of the maildir's $COUNT"
fi
summary=$("$PYTHON3" - "$T/audit.json" <<'EOF'
import collections, json, sys
verdicts, rules = collections.Counter(), collections.Counter()
for line in open(sys.argv[1]):
    o = json.loads(line)
    verdicts[o['verdict']] += 1
    for f in o['findings']:
        rules[f['rule']] += 1
print('verdicts ' + ', '.join('%s %d' % kv for kv in sorted(verdicts.items()))
      + '; findings ' + (', '.join('%s %d' % kv for kv in rules.most_common(6)) or 'none'))
EOF
)

bench_load_before
# --- the timed runs -----------------------------------------------------------
# Interleaved: every round runs each command once, starting one further
# along.  One process per run over the whole mbox.
names=(base_fs base_mem check audit)
[ -n "$MAILDIR" ] && names+=(md_base md_audit)
N=${#names[@]}
declare -A times cpu
# the CPU time (user + system) of this shell's finished children, in us,
# into the variable $1: `times` in this shell (a subshell would not count
# them), read back
children_cpu () {
  times > "$T/times"
  printf -v "$1" '%s' "$(awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, t, "m"); sub("s", "", t[2]); n += t[1] * 60 + t[2] }
                               printf "%d", n * 1e6 }' "$T/times")"
}
run_one () {  # $1 = name, $2 = round
  local t0 t1 rc c0 c1
  children_cpu c0
  case $1 in
    base_fs)
      t0=$EPOCHREALTIME; "$BASELINE" --mbox "$T/sent.mbox" 2> "$T/run.err"; rc=$?; t1=$EPOCHREALTIME ;;
    base_mem)
      t0=$EPOCHREALTIME; "$BASELINE" --mem --mbox "$T/sent.mbox" 2> "$T/run.err"; rc=$?; t1=$EPOCHREALTIME ;;
    check)
      t0=$EPOCHREALTIME; "$MG" check --no-ledger --at header --format json "$T/sent.mbox" > /dev/null 2> "$T/run.err"; rc=$?; t1=$EPOCHREALTIME
      [ $rc -le 2 ] && rc=0 ;;
    audit)
      t0=$EPOCHREALTIME; "$MG" audit --format json "$T/sent.mbox" > /dev/null 2> "$T/run.err"; rc=$?; t1=$EPOCHREALTIME
      [ $rc -le 2 ] && rc=0 ;;
    md_base)
      t0=$EPOCHREALTIME; "$BASELINE" "${MAILDIR_FILES[@]}" 2> "$T/run.err"; rc=$?; t1=$EPOCHREALTIME ;;
    md_audit)
      t0=$EPOCHREALTIME; "$MG" audit --format json "$T/sent.maildir" > /dev/null 2> "$T/run.err"; rc=$?; t1=$EPOCHREALTIME
      [ $rc -le 2 ] && rc=0 ;;
  esac
  [ $rc -eq 0 ] || { cat "$T/run.err" >&2; die "$1 exited $rc in round $2"; }
  children_cpu c1
  [ "$2" -gt 0 ] && { times[$1]+="$(( ${t1/./} - ${t0/./} )) "; cpu[$1]+="$(( c1 - c0 )) "; }
}
for ((round = 0; round <= REPEATS; round++)); do  # round 0 warms up
  for ((j = 0; j < N; j++)); do
    run_one "${names[(round + j) % N]}" "$round"
  done
done

# --- report -------------------------------------------------------------------
median () { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { n = NR; print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
declare -A med med_cpu
echo "matchguard audit throughput (bench/audit-throughput.sh)"
echo "mbox    : $COUNT generated messages, $SIZE bytes (bench/gen-mbox.py, seed 1)"
[ -n "$MAILDIR" ] && echo "maildir : the same $COUNT messages, one file each in cur/, $MAILDIR_SIZE bytes"
echo "audit   : $summary"
echo "runs    : $REPEATS of each command over the whole mbox, interleaved, after 1 warm-up round"
bench_machine
echo
printf '  %-46s %10s %10s %10s\n' "one process over the mbox (median)" "ms" "msg/s" "ms/msg"
row () {  # label name
  med[$2]=$(median <<< "${times[$2]}")
  awk -v l="$1" -v us="${med[$2]}" -v n="$COUNT" 'BEGIN {
    printf "  %-46s %10.1f %10.0f %10.3f\n", l, us / 1000, n / (us / 1e6), us / 1000 / n }'
}
row "baseline: GMime parse + decode, file stream" base_fs
row "baseline: same, read into memory first" base_mem
row "matchguard check --no-ledger --at header" check
row "matchguard audit" audit
if [ -n "$MAILDIR" ]; then
  row "maildir baseline: parse-baseline on its files" md_base
  row "maildir: matchguard audit" md_audit
fi
echo
awk -v a="${med[audit]}" -v b="${med[base_fs]}" -v c="${med[check]}" -v m="${med[base_mem]}" 'BEGIN {
  printf "  audit / baseline   %.2fx the time (baseline throughput / audit throughput)\n", a / b
  printf "  check / baseline   %.2fx;  audit / in-memory baseline %.2fx\n", c / b, a / m
  printf "  audit over check   %.2fx (the history replay: what audit adds to a dry run)\n", a / c }'
# audit uses a second CPU where there is one (src/cmd-audit.c); the
# baseline, one: the CPU time says what the work costs, the wall time
# what the user waits
for name in "${names[@]}"; do med_cpu[$name]=$(median <<< "${cpu[$name]}"); done
awk -v a="${med_cpu[audit]}" -v b="${med_cpu[base_fs]}" -v wa="${med[audit]}" 'BEGIN {
  printf "  audit CPU time     %.1f ms (user + system, median), %.2fx the baseline'"'"'s; %.2f CPUs busy\n", a / 1000, a / b, a / wa }'
[ -n "$MAILDIR" ] && awk -v a="${med_cpu[md_audit]}" -v b="${med_cpu[md_base]}" 'BEGIN {
  printf "  maildir audit CPU  %.2fx the baseline'"'"'s\n", a / b }'
target () { awk -v r="$1" 'BEGIN { printf "%.2fx   target <= 1.5x: %s", r, (r <= 1.5) ? "met" : "NOT met" }'; }
echo "  mbox:    audit / baseline $(target "$(awk -v a="${med[audit]}" -v b="${med[base_fs]}" 'BEGIN { print a / b }')") (wall)"
[ -n "$MAILDIR" ] && echo "  maildir: audit / baseline $(target "$(awk -v a="${med[md_audit]}" -v b="${med[md_base]}" 'BEGIN { print a / b }')") (wall)"

# --- callgrind ------------------------------------------------------------------
if [ -n "$CALLGRIND" ]; then
  echo
  echo "callgrind: one run of each, instructions (Ir), dynamic loading included"
  cg () {  # name command...
    local name=$1; shift
    valgrind --tool=callgrind --callgrind-out-file="$T/callgrind.$name" "$@" > /dev/null 2> "$T/callgrind.$name.log"
    [ $? -le 2 ] || { cat "$T/callgrind.$name.log" >&2; die "callgrind run of $name failed"; }
    sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$T/callgrind.$name" | head -1
  }
  declare -A ir
  ir[base_fs]=$(cg base_fs "$BASELINE" --mbox "$T/sent.mbox")
  ir[audit]=$(cg audit "$MG" audit --format json "$T/sent.mbox")
  printf '  %-46s %14s\n' "mbox baseline" "${ir[base_fs]}"
  printf '  %-46s %14s\n' "mbox audit" "${ir[audit]}"
  echo "  mbox:    audit / baseline $(target "$(awk -v a="${ir[audit]}" -v b="${ir[base_fs]}" 'BEGIN { print a / b }')") (Ir)"
  if [ -n "$MAILDIR" ]; then
    ir[md_base]=$(cg md_base "$BASELINE" "${MAILDIR_FILES[@]}")
    ir[md_audit]=$(cg md_audit "$MG" audit --format json "$T/sent.maildir")
    printf '  %-46s %14s\n' "maildir baseline" "${ir[md_base]}"
    printf '  %-46s %14s\n' "maildir audit" "${ir[md_audit]}"
    echo "  maildir: audit / baseline $(target "$(awk -v a="${ir[md_audit]}" -v b="${ir[md_base]}" 'BEGIN { print a / b }')") (Ir)"
  fi
  echo
  echo "  audit (mbox): matchguard's own functions, inclusive cost"
  callgrind_annotate --inclusive=yes --auto=no "$T/callgrind.audit" 2> /dev/null \
    | awk -v bin="[$MG]" 'index($0, bin) && !/below main|libc-start|\?\?\?/' | head -20 \
    | sed "s| \\[$MG\\]||; s|^|  |" | cut -c1-120
  echo "  audit (mbox): top functions (self cost)"
  callgrind_annotate --inclusive=no --auto=no "$T/callgrind.audit" 2> /dev/null \
    | awk '/^ *[0-9,]+ \(/ && /\[\/[^]]*\]$/' | head -12 | cut -c1-150 | sed 's/^/  /'
  [ -n "$KEEP" ] && echo "  (callgrind output in $T/callgrind.*)"
fi
exit 0
