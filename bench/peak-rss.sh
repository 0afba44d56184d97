#!/bin/bash
# peak-rss.sh - peak resident memory of sendmail mode on a generated 25 MB
# message (a Gmail reply with a PDF-like base64 attachment) against the
# GMime parse-only baseline on the same file, in one run (bench/README.md).
# Not a test: it prints numbers.
#
# Usage: bench/peak-rss.sh [-n RUNS] [-s BYTES] [-k DIR]
#   -n RUNS   runs of each command (default 3; the median counts)
#   -s BYTES  size of the message (default 26214400, 25 MiB)
#   -k DIR    keep the work files in DIR
#
# The message is bench/data/typical-30k.eml with its 13 KB PDF replaced by
# a PDF-like file of random (incompressible, like a scan) image streams,
# base64 in 76-column lines, so that it is verdict ok as the 30 KB one is.
# Peak RSS is GNU time's %M (the kernel's ru_maxrss of the process; for
# sendmail mode the matchguard process and the null relay it waits for,
# which reads in 64 KB blocks).  Both are also run on the 30 KB message
# itself, to tell what grows with the message from what is fixed.
#
# Environment: MG_BIN, MG_BUILDDIR, PYTHON3 (bench/lib.sh); GNU_TIME
# (default /usr/bin/time).
#
# Exit 0 with the figures; 1 when something failed; 2 when sendmail mode
# is not in this build.
set -u

BENCH=peak-rss
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
RUNS=3
BYTES=26214400
KEEP=
GNU_TIME=${GNU_TIME:-/usr/bin/time}

while getopts n:s:k: opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    s) BYTES=$OPTARG ;;
    k) KEEP=$OPTARG ;;
    *) sed -n '2,23s/^# \{0,1\}//p' "$0" >&2; exit 1 ;;
  esac
done
case $RUNS$BYTES in *[!0-9]*) die "-n and -s take numbers" ;; esac
[ "$RUNS" -ge 1 ] && [ "$BYTES" -ge 100000 ] || die "-n must be at least 1 and -s at least 100000"
bench_need "$MG" "$BASELINE" "$RELAY"
"$GNU_TIME" -f %M true > /dev/null 2>&1 || die "needs GNU time at '$GNU_TIME' (set GNU_TIME)"
command -v sqlite3 > /dev/null || die "needs the sqlite3 shell"

bench_env "$KEEP"
rm -rf "$T/ledger" "$T/template"
mkdir -m 700 "$T/ledger" "$T/template"
bench_config "$RELAY" "$T/ledger/ledger.db" pass
FILE=$T/big.eml
SRC=$srcdir/bench/data/typical-30k.eml

"$PYTHON3" - "$SRC" "$FILE" "$BYTES" <<'EOF' || die "cannot generate the message"
import base64, random, sys
src, out, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(src, 'rb').read()
head, sep, rest = text.partition(b'Content-Type: application/pdf')
assert sep, 'no PDF part in ' + src
hdr, blank, body = rest.partition(b'\n\n')
end = body.index(b'\n--')
prefix, suffix = head + sep + hdr + blank, body[end:]
# base64 in 76-column lines: 77 bytes per 57 bytes of data
raw_len = (target - len(prefix) - len(suffix)) * 57 // 77
rng = random.Random(25)
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 4 0 R >> >> >>"]
pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
for i, o in enumerate(objs, 1):
    pdf += b"%d 0 obj\n" % i + o + b"\nendobj\n"
tail = b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
n = raw_len - len(pdf) - len(tail) - 120
pdf += (b"4 0 obj\n<< /Type /XObject /Subtype /Image /Filter /DCTDecode /Length %d >>\nstream\n" % n
        + rng.randbytes(n) + b"\nendstream\nendobj\n") + tail
b64 = base64.encodebytes(pdf)
with open(out, 'wb') as f:
    f.write(prefix + b64.rstrip(b'\n') + suffix)
EOF
SIZE=$(wc -c < "$FILE")

# --- sendmail mode there?  the message clean? ------------------------------------
"$MG" -oi -- probe@example.com < /dev/null > /dev/null 2> "$T/probe.err"
rc=$?
if [ $rc -eq 69 ] && grep -q 'not available' "$T/probe.err"; then
  echo "sendmail mode not available in this build ($MG exits 69: $(head -1 "$T/probe.err"))" >&2
  exit 2
fi
"$MG" check --no-ledger -q "$FILE" > "$T/check.out" 2>&1 \
  || { cat "$T/check.out" >&2; die "the generated message is not verdict ok"; }
read -r -a RCPT_ARGS < <("$PYTHON3" - "$FILE" <<'EOF'
import email, email.policy, email.utils, sys
with open(sys.argv[1], 'rb') as f:
    msg = email.message_from_binary_file(f, policy=email.policy.compat32)
print(' '.join(a for _, a in email.utils.getaddresses(msg.get_all('To', []) + msg.get_all('Cc', [])) if a))
EOF
)
[ "${#RCPT_ARGS[@]}" -gt 0 ] || die "no recipient"

# The ledger: made by one send of the message, then emptied, kept as a
# template and restored before every send (every send is the first to the
# program, verdict ok and relayed).
"$MG" -oi -- "${RCPT_ARGS[@]}" < "$FILE" > /dev/null 2> "$T/send.err" \
  || { cat "$T/send.err" >&2; die "the first send failed"; }
[ -s "$T/send.err" ] && { cat "$T/send.err" >&2; die "the first send printed findings"; }
sqlite3 "$T/ledger/ledger.db" 'DELETE FROM entries; PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null || die "cannot empty the ledger"
cp -p "$T/ledger/"* "$T/template/"
restore_ledger () { rm -f "$T/ledger/"*; cp -p "$T/template/"* "$T/ledger/"; sync "$T/ledger/"* "$T/ledger"; }

bench_load_before
names=(floor base_fs base_mem check send base_30k send_30k)
N=${#names[@]}
declare -A rss secs
run_one () {  # name
  local rc
  case $1 in
    floor) "$GNU_TIME" -f '%M %e' -o "$T/time.out" "$RELAY" < /dev/null; rc=$? ;;
    base_fs) "$GNU_TIME" -f '%M %e' -o "$T/time.out" "$BASELINE" "$FILE" 2> "$T/run.err"; rc=$? ;;
    base_mem) "$GNU_TIME" -f '%M %e' -o "$T/time.out" "$BASELINE" --mem "$FILE" 2> "$T/run.err"; rc=$? ;;
    check) "$GNU_TIME" -f '%M %e' -o "$T/time.out" "$MG" check --no-ledger -q "$FILE" > /dev/null 2> "$T/run.err"; rc=$? ;;
    send)
      restore_ledger
      "$GNU_TIME" -f '%M %e' -o "$T/time.out" "$MG" -oi -- "${RCPT_ARGS[@]}" < "$FILE" > /dev/null 2> "$T/run.err"; rc=$?
      [ $rc -eq 0 ] && [ -s "$T/run.err" ] && { cat "$T/run.err" >&2; die "sendmail mode printed findings"; } ;;
    base_30k) "$GNU_TIME" -f '%M %e' -o "$T/time.out" "$BASELINE" "$SRC" 2> "$T/run.err"; rc=$? ;;
    send_30k)
      restore_ledger
      "$GNU_TIME" -f '%M %e' -o "$T/time.out" "$MG" -oi -- "${RCPT_ARGS[@]}" < "$SRC" > /dev/null 2> "$T/run.err"; rc=$?
      [ $rc -eq 0 ] && [ -s "$T/run.err" ] && { cat "$T/run.err" >&2; die "sendmail mode printed findings"; } ;;
  esac
  [ $rc -eq 0 ] || { cat "$T/run.err" >&2; die "$1 exited $rc"; }
  read -r m s < "$T/time.out"
  rss[$1]+="$m "; secs[$1]+="$s "
}
for ((round = 0; round < RUNS; round++)); do
  for ((j = 0; j < N; j++)); do run_one "${names[(round + j) % N]}"; done
done

median () { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { n = NR; print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
declare -A mr ms
echo "matchguard peak RSS on a large message (bench/peak-rss.sh)"
echo "message : $SIZE bytes: bench/data/typical-30k.eml with a PDF-like base64 attachment of $(( SIZE * 57 / 77 / 1048576 )) MiB; verdict ok"
echo "runs    : $RUNS of each command, interleaved; peak RSS from GNU time (%M); every send relayed"
bench_machine
echo
printf '  %-50s %12s %10s\n' "median of $RUNS" "peak RSS KB" "wall s"
for n in "${names[@]}"; do
  mr[$n]=$(median <<< "${rss[$n]}"); ms[$n]=$(median <<< "${secs[$n]}")
  case $n in
    floor) l="process floor (bench/null-relay </dev/null)" ;;
    base_fs) l="baseline: GMime parse + decode, file stream" ;;
    base_mem) l="baseline: same, read into memory first" ;;
    check) l="matchguard check --no-ledger" ;;
    send) l="matchguard sendmail mode (with its relay)" ;;
    base_30k) l="for scale: baseline on typical-30k.eml itself" ;;
    send_30k) l="for scale: sendmail mode on typical-30k.eml" ;;
  esac
  printf '  %-50s %12s %10s\n' "$l" "${mr[$n]}" "${ms[$n]}"
done
echo
r=$(awk -v a="${mr[send]}" -v b="${mr[base_fs]}" 'BEGIN { printf "%.2f", a / b }')
echo "  sendmail / baseline (file stream)   ${r}x peak RSS   target <= 1.3x: $(awk -v r="$r" 'BEGIN { print (r <= 1.3) ? "met" : "NOT met" }')"
echo "  sendmail / baseline (in memory)     $(awk -v a="${mr[send]}" -v b="${mr[base_mem]}" 'BEGIN { printf "%.2f", a / b }')x"
echo "  on the 30 KB message: sendmail / baseline $(awk -v a="${mr[send_30k]}" -v b="${mr[base_30k]}" 'BEGIN { printf "%.2f", a / b }')x;" \
  "25 MB minus 30 KB: baseline $(( ${mr[base_fs]%.*} - ${mr[base_30k]%.*} )) KB, sendmail $(( ${mr[send]%.*} - ${mr[send_30k]%.*} )) KB"
echo "  check / baseline (file stream)      $(awk -v a="${mr[check]}" -v b="${mr[base_fs]}" 'BEGIN { printf "%.2f", a / b }')x"
exit 0
