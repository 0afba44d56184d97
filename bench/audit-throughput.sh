#!/bin/bash
# audit-throughput.sh - messages per second of `matchguard audit` over an
# mbox of generated program mail, against the GMime parse-only baseline
# parsing the same mbox, in one run (bench/README.md).  Not a test.
#
# Usage: bench/audit-throughput.sh [-n MESSAGES] [-r REPEATS] [-k DIR]
#   -n MESSAGES  messages in the mbox (default 500), made by bench/gen-mbox.py
#                for the fixture corpus's applicant and programs
#   -r REPEATS   timed runs of each command (default 5; the median counts)
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

while getopts n:r:k: opt; do
  case $opt in
    n) COUNT=$OPTARG ;;
    r) REPEATS=$OPTARG ;;
    k) KEEP=$OPTARG ;;
    *) sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 1 ;;
  esac
done
case $COUNT$REPEATS in *[!0-9]*) die "-n and -r take numbers" ;; esac
[ "$COUNT" -ge 1 ] && [ "$REPEATS" -ge 1 ] || die "-n and -r must be at least 1"
bench_need "$MG" "$BASELINE"

bench_env "$KEEP"
# The fixture corpus's configuration; audit reads neither the relay nor
# the real ledger (SPEC 1), but the ledger path is kept inside $T anyway.
bench_config /bin/false "$T/ledger.db"

"$PYTHON3" "$srcdir/bench/gen-mbox.py" --config "$T" --count "$COUNT" --mbox "$T/sent.mbox" \
  || die "gen-mbox.py failed"
SIZE=$(wc -c < "$T/sent.mbox")

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
declare -A times
run_one () {  # $1 = name, $2 = round
  local t0 t1 rc
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
  esac
  [ $rc -eq 0 ] || { cat "$T/run.err" >&2; die "$1 exited $rc in round $2"; }
  [ "$2" -gt 0 ] && times[$1]+="$(( ${t1/./} - ${t0/./} )) "
}
for ((round = 0; round <= REPEATS; round++)); do  # round 0 warms up
  for ((j = 0; j < 4; j++)); do
    run_one "${names[(round + j) % 4]}" "$round"
  done
done

# --- report -------------------------------------------------------------------
median () { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { n = NR; print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
declare -A med
echo "matchguard audit throughput (bench/audit-throughput.sh)"
echo "mbox    : $COUNT generated messages, $SIZE bytes (bench/gen-mbox.py, seed 1)"
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
echo
awk -v a="${med[audit]}" -v b="${med[base_fs]}" -v c="${med[check]}" -v m="${med[base_mem]}" 'BEGIN {
  printf "  audit / baseline   %.2fx the time (baseline throughput / audit throughput)\n", a / b
  printf "  check / baseline   %.2fx;  audit / in-memory baseline %.2fx\n", c / b, a / m
  printf "  audit over check   %.2fx (the history replay: what audit adds to a dry run)\n", a / c }'
exit 0
