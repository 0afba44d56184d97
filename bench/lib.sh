# shellcheck shell=bash
# bench/lib.sh - the setup the benchmarks share, sourced by
# bench/sendmail-overhead.sh and bench/audit-throughput.sh (bench/README.md)
# after they set BENCH, their name for messages:
#
#     BENCH=audit-throughput
#     # shellcheck source=lib.sh
#     . "$(dirname "$0")/lib.sh"
#
# It sets where things are: srcdir (the source tree), builddir (MG_BUILDDIR,
# default the source tree), MG (MG_BIN, default src/matchguard of the build
# tree), BASELINE (bench/parse-baseline), RELAY (bench/null-relay) and
# PYTHON3 (default /usr/bin/python3); and defines:
#
#   die MESSAGE...         "BENCH: MESSAGE" on stderr, exit 1
#   bench_need PROGRAM...  dies unless each PROGRAM ("make bench") and
#                          PYTHON3 can be run
#   bench_env [DIR]        T, the work directory: DIR (-k, kept) or a new
#                          temporary one removed on exit; mode 0700, with a
#                          private HOME, XDG_* and TMPDIR inside it,
#                          TZ=America/New_York, C.UTF-8, and
#                          MATCHGUARD_CONFIG=$T/matchguard.conf
#   bench_config RELAY LEDGER [WARNINGS]
#                          $T/*.conf: the fixture corpus's configuration
#                          (tests/corpora/config) with [relay] command =
#                          RELAY, [ledger] path = LEDGER and, if given,
#                          [policy] warnings = WARNINGS; mode 0600
#   bench_load_before      notes the load average before the timed runs
#   bench_machine          the report's "machine" and "load" lines, and a
#                          warning when the machine was busy

# shellcheck disable=SC2034  # used by the scripts that source this file
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${MG_BUILDDIR:-$srcdir}
MG=${MG_BIN:-$builddir/src/matchguard}
BASELINE=$builddir/bench/parse-baseline
RELAY=$builddir/bench/null-relay
PYTHON3=${PYTHON3:-/usr/bin/python3}

die () { echo "$BENCH: $*" >&2; exit 1; }

bench_need () {
  local prog
  for prog in "$@"; do
    [ -x "$prog" ] || die "'$prog' is missing: run 'make bench' first"
  done
  [ -x "$PYTHON3" ] || die "no python3 at '$PYTHON3' (set PYTHON3)"
}

bench_env () {
  if [ -n "${1:-}" ]; then
    mkdir -p "$1" && T=$(cd "$1" && pwd) || die "cannot make '$1'"
  else
    T=$(mktemp -d "${TMPDIR:-/tmp}/mg-bench.XXXXXX") || die "mktemp failed"
    trap 'rm -rf "$T"' EXIT
  fi
  chmod 700 "$T"
  mkdir -p "$T/home" "$T/config" "$T/data" "$T/state" "$T/cache" "$T/run" "$T/tmp"
  chmod 700 "$T/home" "$T/config" "$T/data" "$T/state" "$T/cache" "$T/run" "$T/tmp"
  unset MATCHGUARD_LEDGER MATCHGUARD_ALLOW
  export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_DATA_HOME=$T/data \
    XDG_STATE_HOME=$T/state XDG_CACHE_HOME=$T/cache XDG_RUNTIME_DIR=$T/run \
    TMPDIR=$T/tmp TZ=America/New_York LC_ALL=C.UTF-8 LANG=C.UTF-8 \
    MATCHGUARD_CONFIG=$T/matchguard.conf
}

bench_config () {
  cp "$srcdir/tests/corpora/config/"*.conf "$T/" || die "no tests/corpora/config"
  awk -v relay="$1" -v ledger="$2" -v warnings="${3:-}" '
    /^\[/ { section = $0 }
    section == "[relay]" && /^command[ \t]*=/ { print "command = " relay; next }
    section == "[ledger]" && /^path[ \t]*=/ { print "path = " ledger; next }
    warnings != "" && section == "[policy]" && /^warnings[ \t]*=/ { print "warnings = " warnings; next }
    { print }' "$srcdir/tests/corpora/config/matchguard.conf" > "$T/matchguard.conf"
  chmod 600 "$T"/*.conf
}

bench_load_before () { load_before=$(cut -d' ' -f1-3 /proc/loadavg); }

bench_machine () {
  local cpu busy
  cpu=$(sed -n 's/^model name[ \t]*: //p' /proc/cpuinfo | head -1)
  echo "machine : $(nproc) CPU(s), ${cpu:-unknown CPU}, $(uname -sr), $(date -u +%Y-%m-%d)"
  echo "load    : $load_before before the runs, $(cut -d' ' -f1-3 /proc/loadavg) after (1, 5, 15 min)"
  # Busy: load before the runs above half the CPUs, or after them above
  # that plus the one CPU the benchmark keeps busy.
  busy=$(awk -v b="${load_before%% *}" -v a="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" \
    'BEGIN { print (b > n / 2 || a > n / 2 + 1) ? 1 : 0 }')
  if [ "$busy" = 1 ]; then
    echo "          WARNING: the machine was busy; other load inflates every figure and skews the ratios"
  fi
}
