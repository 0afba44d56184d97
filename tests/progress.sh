#!/bin/bash
# The progress line of import and audit (issue 4): on a terminal, the
# count, the rate and an estimate redrawn in place on stderr and erased at
# the end; nothing when stderr is not a terminal, with --quiet or with
# TERM=dumb; an error met on the way on a line of its own.  stderr is a
# real pseudo-terminal (tests/lib/ptyrun.py).  Each check prints
# PASS/FAIL; the last line is "N passed, M failed".
set -u

# shellcheck source=lib/cli.sh
. "$(dirname "$0")/lib/cli.sh"
private_env progress
require_bin
export TERM=xterm

ERASE=$(printf '\r\033[K')
CONF=$T/conf/matchguard.conf
mkdir -p "$T/conf" "$T/md/cur" "$T/md/new" "$T/md/tmp" "$T/split"
cp "$SRC/tests/corpora/config/"*.conf "$T/conf/"
chmod 600 "$T/conf/"*.conf
"$PY" "$SRC/bench/gen-mbox.py" --config "$T/conf" --count 2000 --mbox "$T/sent.mbox" >/dev/null \
    || { bad "cannot generate the mbox"; summary; }
"$PY" "$SRC/bench/gen-mbox.py" --config "$T/conf" --count 300 --seed 7 --split "$T/split" >/dev/null \
    || { bad "cannot generate the maildir"; summary; }
for f in "$T/split/"*.eml; do mv "$f" "$T/md/cur/$(basename "$f"):2,S"; done

on_tty() { "$PY" "$SRC/tests/lib/ptyrun.py" "$T/out" "$T/err" "$@"; }
mg() { "$BIN" "$1" --config "$CONF" --ledger "$T/ledger.db" "${@:2}"; }
# the bytes of FILE end with the erase sequence: the line was cleared
ends_erased() { [ "$(tail -c 4 "$1")" = "$ERASE" ]; }

# --- import on a terminal -------------------------------------------------------
on_tty "$BIN" import --config "$CONF" --ledger "$T/ledger.db" "$T/sent.mbox"
rc=$?
[ "$rc" -eq 0 ] && ok "import on a terminal exits 0" || bad "import on a terminal exits $rc"
contains "the first message is shown at once" "$T/err" "import: 1 message"
contains "the count is grouped" "$T/err" "import: 2,000 messages"
grep -qE 'import: [0-9,]+ messages, [0-9,]+/s' "$T/err" && ok "a rate" || bad "no rate in $(head -c 300 "$T/err")"
grep -qE ', 100%, about [0-9]+ (s|min) left' "$T/err" && ok "a share and an estimate" \
    || bad "no estimate in $(tail -c 300 "$T/err")"
ends_erased "$T/err" && ok "the line is erased at the end" || bad "the line is left: $(tail -c 80 "$T/err" | od -c | head -3)"
[ "$(tr -cd '\n' <"$T/err" | wc -c)" -eq 0 ] && ok "no line feed on the terminal: one line redrawn in place" \
    || bad "line feeds among the progress drawings"
contains "the summary on stdout is unchanged" "$T/out" "import: recorded"
"$PY" -c 'import sys; sys.exit(max(len(l) for l in open(sys.argv[1], "rb").read().split(b"\r")) > 84)' "$T/err" \
    && ok "each drawing fits 80 columns" || bad "a drawing is wider than 80 columns"

# --- nothing off a terminal -----------------------------------------------------------
rm -f "$T/ledger.db"
mg import "$T/sent.mbox" >"$T/out" 2>"$T/err"
[ ! -s "$T/err" ] && ok "stderr not a terminal: no progress at all" || bad "progress off a terminal: $(head -c 200 "$T/err")"
contains "... and the same summary" "$T/out" "import: recorded"
rm -f "$T/ledger.db"
on_tty "$BIN" import --quiet --config "$CONF" --ledger "$T/ledger.db" "$T/sent.mbox"
[ ! -s "$T/err" ] && ok "--quiet on a terminal: nothing" || bad "--quiet printed: $(head -c 200 "$T/err")"
rm -f "$T/ledger.db"
TERM=dumb on_tty "$BIN" import --config "$CONF" --ledger "$T/ledger.db" "$T/sent.mbox"
[ ! -s "$T/err" ] && ok "TERM=dumb: nothing" || bad "TERM=dumb printed: $(head -c 200 "$T/err")"

# --- audit, a maildir and an error on the way ------------------------------------------
on_tty "$BIN" audit --config "$CONF" "$T/md"
contains "audit of a maildir shows its count" "$T/err" "audit: 300 messages"
grep -qE 'audit: 300 messages, [0-9,]+/s, 100%' "$T/err" && ok "a maildir's estimate is by its files' sizes" \
    || bad "no maildir estimate in $(tail -c 300 "$T/err")"
ends_erased "$T/err" && ok "audit erases its line" || bad "audit left its line"
contains "audit's report on stdout" "$T/out" "300 messages replayed"

rm -f "$T/ledger.db"
on_tty "$BIN" import --config "$CONF" --ledger "$T/ledger.db" "$T/sent.mbox" "$T/missing.mbox" "$T/md"
rc=$?
[ "$rc" -eq 74 ] && ok "an unreadable source: exit 74 after the others" || bad "exit $rc, expected 74"
contains "the error starts on a cleared line" "$T/err" "${ERASE}matchguard: cannot read"
grep -q "missing.mbox.*import: " "$T/err" && bad "the progress line is glued to the error" \
    || ok "the error is not glued to a progress line"
contains "the walk goes on after the error" "$T/err" "import: 2,300 messages"
ends_erased "$T/err" && ok "... and ends erased" || bad "the line is left after an error"

summary
