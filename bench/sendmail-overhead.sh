#!/bin/bash
# sendmail-overhead.sh - sendmail-mode wall time against a GMime parse-only
# baseline, in one run (bench/README.md).  Not a test: it prints numbers.
#
# Usage: bench/sendmail-overhead.sh [-n RUNS] [-l ENTRIES] [-R] [-c] [-k DIR] [FILE]
#   FILE        the message (default bench/data/typical-30k.eml); it must be
#               clean (verdict ok) for the bench configuration, the fixture
#               corpus's (tests/corpora/config)
#   -n RUNS     timed runs of each command (default 200)
#   -l ENTRIES  ledger entries sent before timing (default 50)
#   -R          restore the ledger (and flush it) right before each send,
#               as this script did before, instead of giving every send a
#               copy made before the timed runs
#   -c          also one callgrind run of each (instruction counts, the
#               libraries and functions they go to); needs valgrind
#   -k DIR      keep the work files (config, ledger, callgrind output) in DIR
#
# Environment: MG_BIN (default src/matchguard of the build tree),
# MG_BUILDDIR (the build tree, default the source tree), PYTHON3.
#
# Exit 0 with the figures; 1 when something failed (a send that did not
# relay, a missing program); 2 when sendmail mode is not in this build.
set -u

BENCH=sendmail-overhead
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
RUNS=200
ENTRIES=50
CALLGRIND=
KEEP=
WARMUP=5
RESTORE=

while getopts n:l:Rck: opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    l) ENTRIES=$OPTARG ;;
    R) RESTORE=1 ;;
    c) CALLGRIND=1 ;;
    k) KEEP=$OPTARG ;;
    *) sed -n '2,20s/^# \{0,1\}//p' "$0" >&2; exit 1 ;;
  esac
done
shift $((OPTIND - 1))
FILE=${1:-$srcdir/bench/data/typical-30k.eml}
case $RUNS$ENTRIES in *[!0-9]*) die "-n and -l take numbers" ;; esac
[ "$RUNS" -ge 1 ] || die "-n must be at least 1"
[ -r "$FILE" ] || die "cannot read '$FILE'"
FILE=$(cd "$(dirname "$FILE")" && pwd)/$(basename "$FILE")
bench_need "$MG" "$BASELINE" "$RELAY"

# --- a private environment, the same for every command --------------------
bench_env "$KEEP"
# A kept directory of an earlier run starts over: its ledger would be larger.
rm -rf "$T/ledgers" "$T/ledger" "$T/ledger.template" "$T/prefill" "$T/prefill.err" "$T"/callgrind.*
mkdir -m 700 "$T/ledger"

# The fixture corpus's configuration, with the null relay, a ledger in $T
# and warnings = pass (so that the history the prefill builds never asks
# for confirmation; the timed sends are checked to be verdict ok anyway).
bench_config "$RELAY" "$T/ledger/ledger.db" pass

# --- is sendmail mode there? ----------------------------------------------
"$MG" -oi -- probe@example.com < /dev/null > /dev/null 2> "$T/probe.err"
rc=$?
if [ $rc -eq 69 ] && grep -q 'not available' "$T/probe.err"; then
  echo "sendmail mode not available in this build ($MG exits 69: $(head -1 "$T/probe.err"))" >&2
  exit 2
fi

# --- the message: clean, and its recipients --------------------------------
"$MG" check --no-ledger --format json "$FILE" > "$T/check.json" 2> "$T/check.err"
rc=$?
[ $rc -eq 0 ] || { cat "$T/check.err" "$T/check.json" >&2; die "'$FILE' is not verdict ok for the bench configuration (check exited $rc)"; }
read -r PROGRAM KIND RCPTS < <("$PYTHON3" - "$FILE" "$T/check.json" <<'EOF'
import email, email.policy, email.utils, json, sys
with open(sys.argv[1], 'rb') as f:
    msg = email.message_from_binary_file(f, policy=email.policy.compat32)
rcpts = [a for _, a in email.utils.getaddresses(msg.get_all('To', []) + msg.get_all('Cc', []) + msg.get_all('Bcc', [])) if a]
result = json.loads(open(sys.argv[2]).readline())
programs = [p['id'] for p in result['programs'] if p.get('id')]
print(','.join(programs) or '-', result['kind'], ' '.join(rcpts))
EOF
)
[ -n "${RCPTS:-}" ] || die "'$FILE' has no recipient"
read -r -a RCPT_ARGS <<< "$RCPTS"
SIZE=$(wc -c < "$FILE")

# --- a ledger with history ------------------------------------------------
# ENTRIES clean program messages to the other programs, sent through
# sendmail mode; the ledger is then kept as a template and restored before
# every timed send, so that every send meets the same history, is verdict
# ok and relays.
prefilled=0 refused=0
if [ "$ENTRIES" -gt 0 ]; then
  "$PYTHON3" "$srcdir/bench/gen-mbox.py" --config "$T" --count "$ENTRIES" --clean \
    --exclude "$PROGRAM" --split "$T/prefill" || die "gen-mbox.py failed"
  while IFS=$'\t' read -r name rcpt; do
    "$MG" -oi -- "$rcpt" < "$T/prefill/$name" > /dev/null 2>> "$T/prefill.err"
    case $? in
      0) prefilled=$((prefilled + 1)) ;;
      77) refused=$((refused + 1)) ;;
      *) cat "$T/prefill.err" >&2; die "prefill: sending $name failed" ;;
    esac
  done < "$T/prefill/recipients"
fi
mkdir -p "$T/ledger.template"
cp -p "$T/ledger/"* "$T/ledger.template/" 2>/dev/null
restore_ledger () {
  rm -f "$T/ledger/"*
  if [ -n "$(ls -A "$T/ledger.template")" ]; then
    cp -p "$T/ledger.template/"* "$T/ledger/"
    # Flushed here, so that the send's own fsync does not pay for the copy.
    sync "$T/ledger/"* "$T/ledger"
  fi
}

# --- one check that the relay gets the message -----------------------------
# (relayed bytes = input bytes: SPEC 2.5; no X-Matchguard-Override here)
restore_ledger
sed "s|^command = .*|command = /bin/sh -c 'exec cat > \"\$0\"' $T/relayed.eml|" \
  "$T/matchguard.conf" > "$T/capture.conf"
chmod 600 "$T/capture.conf"
MATCHGUARD_CONFIG=$T/capture.conf "$MG" -oi -- "${RCPT_ARGS[@]}" < "$FILE" > /dev/null 2> "$T/send.err"
rc=$?
[ $rc -eq 0 ] || { cat "$T/send.err" >&2; die "the first send exited $rc, not 0"; }
[ -s "$T/send.err" ] && { cat "$T/send.err" >&2; die "the first send printed findings: not verdict ok"; }
cmp -s "$FILE" "$T/relayed.eml" || die "the relay did not receive the message unchanged"

# --- a ledger for every send ------------------------------------------------
# Every send, warm-up included, gets its own copy of the template (through
# --ledger), all made and flushed before the timed runs: between the sends
# nothing is written or flushed, and each send meets the ledger as a user's
# send does, on a disk that has been idle.  (Restoring and flushing the
# ledger right before each send, -R, made the send's own fdatasync two to
# three times slower on the virtual disks of bench/README.md.)  Some 300 MB
# of copies for 300 runs, in $T.
if [ -z "$RESTORE" ]; then
  mkdir -m 700 "$T/ledgers"
  for ((round = 1 - WARMUP; round <= RUNS; round++)); do
    mkdir -m 700 "$T/ledgers/$((round + WARMUP))"
    if [ -n "$(ls -A "$T/ledger.template")" ]; then
      cp -p "$T/ledger.template/"* "$T/ledgers/$((round + WARMUP))/"
    fi
  done
  sync
  sleep 1
fi

bench_load_before
# --- the timed runs ---------------------------------------------------------
# Five commands, each run RUNS times, interleaved: every round runs all
# five, starting one further along, so that drift (other load, frequency)
# spreads over all of them.  Wall time of each process, as the shell sees
# it (fork, exec, dynamic loading and exit included).
names=(floor base_fs base_mem check send)
declare -A times
fail () { echo "sendmail-overhead: $1 exited $2 in round $3" >&2; cat "$T/run.err" >&2; exit 1; }
run_one () {  # $1 = name, $2 = round
  local t0 t1 rc
  case $1 in
    floor)
      t0=$EPOCHREALTIME; "$RELAY" < /dev/null; rc=$?; t1=$EPOCHREALTIME ;;
    base_fs)
      t0=$EPOCHREALTIME; "$BASELINE" "$FILE" 2> "$T/run.err"; rc=$?; t1=$EPOCHREALTIME ;;
    base_mem)
      t0=$EPOCHREALTIME; "$BASELINE" --mem "$FILE" 2> "$T/run.err"; rc=$?; t1=$EPOCHREALTIME ;;
    check)
      t0=$EPOCHREALTIME; "$MG" check --no-ledger -q "$FILE" > /dev/null 2> "$T/run.err"; rc=$?; t1=$EPOCHREALTIME ;;
    send)
      if [ -n "$RESTORE" ]; then
        restore_ledger
        ledger=()
      else
        ledger=(--ledger "$T/ledgers/$(($2 + WARMUP))/ledger.db")
      fi
      t0=$EPOCHREALTIME; "$MG" "${ledger[@]}" -oi -- "${RCPT_ARGS[@]}" < "$FILE" > /dev/null 2> "$T/run.err"; rc=$?; t1=$EPOCHREALTIME
      [ $rc -eq 0 ] && [ -s "$T/run.err" ] && fail "sendmail mode printed findings and" 0 "$2" ;;
  esac
  [ $rc -eq 0 ] || fail "$1" $rc "$2"
  [ "$2" -gt 0 ] && times[$1]+="$(( ${t1/./} - ${t0/./} )) "
}
for ((round = 1 - WARMUP; round <= RUNS; round++)); do
  for ((j = 0; j < 5; j++)); do
    run_one "${names[(round + WARMUP + j) % 5]}" "$round"
  done
done

# --- report -----------------------------------------------------------------
stats () {  # microseconds on stdin -> "mean median min p90" in ms
  tr ' ' '\n' | grep . | sort -n | awk '
    { v[NR] = $1; s += $1 }
    END { n = NR; m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
          p = v[int(0.9 * (n - 1)) + 1]
          printf "%.3f %.3f %.3f %.3f\n", s / n / 1000, m / 1000, v[1] / 1000, p / 1000 }'
}
declare -A mean median
line () {  # label name
  local s; s=$(stats <<< "${times[$2]}")
  read -r mean[$2] median[$2] min p90 <<< "$s"
  printf '  %-44s %8s %8s %8s %8s\n' "$1" "${mean[$2]}" "${median[$2]}" "$min" "$p90"
}
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
entries=$((prefilled + refused))

echo "matchguard sendmail-mode overhead (bench/sendmail-overhead.sh)"
echo "message : ${FILE#$srcdir/} ($SIZE bytes; kind $KIND; program $PROGRAM; recipients $RCPTS)"
echo "runs    : $RUNS of each command, interleaved, after $WARMUP warm-up rounds"
if [ -n "$RESTORE" ]; then
  echo "ledger  : $entries earlier entries ($prefilled relayed, $refused refused), restored and flushed right before every send (-R);"
else
  echo "ledger  : $entries earlier entries ($prefilled relayed, $refused refused), a copy for every send, made and flushed before the runs;"
fi
echo "          every timed send was verdict ok and relayed (exit 0, nothing on stderr)"
echo "relay   : bench/null-relay (reads the whole message, exits 0)"
bench_machine
echo
printf '  %-44s %8s %8s %8s %8s\n' "wall time per message, ms" mean median min p90
line "process floor (bench/null-relay </dev/null)" floor
line "baseline: GMime parse + decode, file stream" base_fs
line "baseline: same, read into memory first" base_mem
line "matchguard check --no-ledger (rules only)" check
line "matchguard sendmail mode (rules+ledger+relay)" send
echo
r_med=$(ratio "${median[send]}" "${median[base_fs]}")
r_mean=$(ratio "${mean[send]}" "${mean[base_fs]}")
verdict=$(awk -v r="$r_med" 'BEGIN { print (r <= 2.0) ? "met" : "NOT met" }')
echo "  sendmail / baseline   ${r_med}x (medians), ${r_mean}x (means)   target <= 2.0x (issue 5; issue 3 asked 2.2x): $verdict"
echo "  check / baseline      $(ratio "${median[check]}" "${median[base_fs]}")x (medians), $(ratio "${mean[check]}" "${mean[base_fs]}")x (means)"
echo "  sendmail / in-memory baseline  $(ratio "${median[send]}" "${median[base_mem]}")x (medians)"
awk -v s="${median[send]}" -v c="${median[check]}" -v b="${median[base_fs]}" 'BEGIN {
  printf "  of the sendmail-mode median: parse baseline %.0f%%, rules and analysis over it %.0f%%,\n", 100 * b / s, 100 * (c - b) / s
  printf "  ledger, spool and relay (sendmail minus check) %.0f%%\n", 100 * (s - c) / s }'

# --- callgrind --------------------------------------------------------------
if [ -n "$CALLGRIND" ]; then
  command -v valgrind > /dev/null || die "-c needs valgrind"
  echo
  echo "callgrind: one run of each, instructions executed (Ir), dynamic loading included"
  cg () {  # name command...
    local name=$1; shift
    valgrind --tool=callgrind --callgrind-out-file="$T/callgrind.$name" "$@" > /dev/null 2> "$T/callgrind.$name.log" \
      || { cat "$T/callgrind.$name.log" >&2; die "callgrind run of $name failed"; }
  }
  cg base_fs "$BASELINE" "$FILE"
  cg check "$MG" check --no-ledger -q "$FILE"
  restore_ledger
  cg send "$MG" -oi -- "${RCPT_ARGS[@]}" < "$FILE"
  declare -A ir
  for name in base_fs check send; do
    ir[$name]=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$T/callgrind.$name" | head -1)
  done
  printf '  %-44s %14s\n' "baseline (file stream)" "${ir[base_fs]}"
  printf '  %-44s %14s  %sx\n' "check --no-ledger" "${ir[check]}" "$(ratio "${ir[check]}" "${ir[base_fs]}")"
  printf '  %-44s %14s  %sx\n' "sendmail mode (matchguard process only)" "${ir[send]}" "$(ratio "${ir[send]}" "${ir[base_fs]}")"
  for name in base_fs send; do
    echo
    echo "  $name: Ir by library (self cost)"
    callgrind_annotate --inclusive=no --auto=no --threshold=100 "$T/callgrind.$name" 2> /dev/null | awk '
      /^ *[0-9,]+ \(/ && /\[\/[^]]*\]$/ {
        ir = $1; gsub(",", "", ir); obj = $0; sub(/.*\[/, "", obj); sub(/\].*/, "", obj)
        n = split(obj, parts, "/"); lib[parts[n]] += ir; total += ir }
      END { for (l in lib) printf "%14d %5.1f%%  %s\n", lib[l], 100 * lib[l] / total, l }' \
      | sort -rn | head -12 | sed 's/^/  /'
    echo "  $name: top functions (self cost)"
    callgrind_annotate --inclusive=no --auto=no "$T/callgrind.$name" 2> /dev/null \
      | awk '/^ *[0-9,]+ \(/ && /\[\/[^]]*\]$/' | head -15 | cut -c1-150 | sed 's/^/  /'
  done
  echo
  echo "  send: matchguard's own functions, inclusive cost (what each step costs with its callees)"
  callgrind_annotate --inclusive=yes --auto=no "$T/callgrind.send" 2> /dev/null \
    | awk -v bin="[$MG]" 'index($0, bin) && !/below main|libc-start|\?\?\?/' | head -20 \
    | sed "s| \\[$MG\\]||; s|^|  |" | cut -c1-120
  [ -n "$KEEP" ] && echo "  (callgrind output in $T/callgrind.*: callgrind_annotate --inclusive=yes FILE)"
fi
exit 0
