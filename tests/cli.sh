#!/bin/bash
# Command-line behaviour of `matchguard check` and `rules` as a user meets
# it: exit codes (SPEC 2 table, 0/1/2 verdicts), output formats, sources
# (file, stdin, mbox, maildir), bad input and bad configuration.  Each
# check prints PASS/FAIL; the last line is "N passed, M failed".
set -u

# shellcheck source=lib/cli.sh
. "$(dirname "$0")/lib/cli.sh"
private_env cli

require_bin

# a private copy: the configuration holds the applicant's ID (SPEC 8)
private_config
EX=$SRC/contrib/examples
check() { "$BIN" check --config "$CONF" --at header "$@"; }

# --- help, version, usage ---------------------------------------------------
expect "--help exits 0" 0 "$BIN" --help
contains "--help lists check" "$T/out" "matchguard check"
expect "--version exits 0" 0 "$BIN" --version
contains "--version names the program" "$T/out" "matchguard "
expect "no arguments is a usage error" 64 "$BIN"
expect "unknown check option is a usage error" 64 check --colour "$EX/01-clean-update.eml"
expect "bad --format is a usage error" 64 check --format xml "$EX/01-clean-update.eml"
expect "bad --at is a usage error" 64 check --at "next tuesday" "$EX/01-clean-update.eml"
contains "bad --at says what is expected" "$T/err" "ISO-8601"

# --- verdicts and exit codes ------------------------------------------------
expect "clean update exits 0" 0 check "$EX/01-clean-update.eml"
contains "text output shows the verdict" "$T/out" "01-clean-update.eml: OK"
expect "warn exits 1" 1 check "$EX/04-status-inquiry.eml"
contains "text shows severity[rule]" "$T/out" "warn[status-inquiry]: "
expect "block exits 2" 2 check "$EX/02-thank-you-template-left.eml"
contains "block names the rule" "$T/out" "block[placeholder]: "
contains "excerpt under the finding" "$T/out" '"[Program Name]"'
lacks "no colour when stdout is not a terminal" "$T/out" $'\033['
expect "worst verdict wins over several files" 2 check "$EX/01-clean-update.eml" "$EX/04-status-inquiry.eml" "$EX/03-number-one-to-two-programs.eml"
expect "non-program mail is ok" 0 check "$EX/05-note-to-a-friend.eml"
contains "non-program mail says so" "$T/out" "no program"

# --- the user's locale never changes a verdict -------------------------------
# Lower-casing by the locale made "I" a dotless "ı" under a Turkish one:
# "IR-Program@..." in a letter (or in the registry) was then not the
# registry's "ir-program@..." (or the letter's), and on a domain two
# programs share a #1 letter to the program went out as "program unknown".
mkdir -p "$T/locale" "$T/tr"
localedef -i tr_TR -f UTF-8 "$T/locale/tr_TR.UTF-8" >"$T/localedef.err" 2>&1
if [ -f "$T/locale/tr_TR.UTF-8/LC_CTYPE" ]; then
    cp "$T/conf/example.conf" "$T/tr/"
    sed 's/^addresses = ir-program@stonebridge-health.example.edu$/addresses = IR-Program@Stonebridge-Health.example.edu/' \
        "$T/conf/programs.conf" > "$T/tr/programs.conf"
    chmod 600 "$T/tr/"*.conf
    for how in "capitals in the letter:IR-Program@Stonebridge-Health.example.edu:$CONF" \
               "capitals in the registry:ir-program@stonebridge-health.example.edu:$T/tr/example.conf"; do
        name=${how%%:*} rest=${how#*:}
        to=${rest%%:*} conf=${rest#*:}
        # a letter that names no program: only its address tells which
        sed -e "s/^To: .*/To: $to/" -e '/^Cc: /d' -e 's/Greenfield IR is my top/your program is my top/' \
            -e 's/Dr\. Moreau/Dr. Lindgren/' "$EX/03-number-one-to-two-programs.eml" > "$T/tr/letter.eml"
        rm -rf "${XDG_CACHE_HOME:-$HOME/.cache}/matchguard"
        # the Turkish run first: it builds the registry cache the other one reads
        LOCPATH=$T/locale LC_ALL=tr_TR.UTF-8 "$BIN" check --config "$conf" --at header --format json "$T/tr/letter.eml" > "$T/tr/tr.json" 2>&1
        LC_ALL=C.UTF-8 "$BIN" check --config "$conf" --at header --format json "$T/tr/letter.eml" > "$T/tr/c.json" 2>&1
        contains "$name, Turkish locale: the program is known" "$T/tr/tr.json" '"id":"stonebridge-ir"'
        if cmp -s "$T/tr/c.json" "$T/tr/tr.json"; then
            ok "$name: the same verdict and findings under a Turkish locale"
        else
            bad "$name: a Turkish locale changed the output: $(head -c 300 "$T/tr/tr.json")"
        fi
    done
else
    bad "cannot make a tr_TR.UTF-8 locale with localedef (Debian: the locales package): $(head -c 200 "$T/localedef.err")"
fi

# --- JSON Lines -------------------------------------------------------------
expect "json for three files" 2 check --format json "$EX/01-clean-update.eml" "$EX/02-thank-you-template-left.eml" "$EX/05-note-to-a-friend.eml"
lines "one JSON line per message" "$T/out" 3
if "$PY" - "$T/out" <<'PYEOF'
import json, sys
keys = {"source", "message_id", "subject", "verdict", "kind", "intent", "programs", "findings"}
fkeys = {"rule", "severity", "program", "message", "excerpt", "part", "line"}
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert set(o) == keys, set(o) ^ keys
    for f in o["findings"]:
        assert set(f) == fkeys, set(f) ^ fkeys
    for p in o["programs"]:
        assert set(p) == {"id", "name", "recipients"}
objs = [json.loads(l) for l in open(sys.argv[1])]
assert [o["verdict"] for o in objs] == ["ok", "block", "ok"], [o["verdict"] for o in objs]
assert objs[1]["findings"][0]["rule"] == "placeholder"
assert objs[2]["programs"] == [] and objs[2]["findings"] == []
PYEOF
then ok "JSON has exactly the SPEC 9 keys and values"; else bad "JSON keys or values"; fi

# --- sources ----------------------------------------------------------------
expect "stdin with -" 2 check --format json - < "$EX/02-thank-you-template-left.eml"
contains "stdin source is named -" "$T/out" '"source":"-"'
{ for f in "$EX"/01-clean-update.eml "$EX"/04-status-inquiry.eml "$EX"/05-note-to-a-friend.eml; do
      echo "From amina.okafor@example.org Thu Oct 22 09:12:40 2026"; sed 's/^From />From /' "$f"; echo; done; } > "$T/sent.mbox"
expect "mbox: every message judged" 1 check --format json "$T/sent.mbox"
lines "mbox gives one line per message" "$T/out" 3
contains "mbox messages are numbered" "$T/out" 'sent.mbox#3'
mkdir -p "$T/Sent/cur" "$T/Sent/new" "$T/Sent/tmp"
cp "$EX/01-clean-update.eml" "$T/Sent/cur/1700000000.1.host:2,S"
cp "$EX/02-thank-you-template-left.eml" "$T/Sent/new/1700000001.2.host"
expect "maildir: cur and new judged" 2 check --format json "$T/Sent"
lines "maildir gives one line per message" "$T/out" 2

# --- bad input: clear one-line errors, right codes, other sources still judged
expect "missing file is an input error" 74 check "$T/nope.eml"
contains "missing file is named" "$T/err" "nope.eml"
lines "missing file: one line on stderr" "$T/err" 1
expect "a directory that is not a maildir" 74 check "$T"
: > "$T/empty.eml"
expect "empty file is a data error" 65 check "$T/empty.eml"
head -c 4096 /dev/urandom | tr -d 'A-Za-z:' > "$T/garbage.eml"
expect "binary garbage is a data error" 65 check "$T/garbage.eml"
expect "error wins after judging the rest" 74 check --format json "$EX/01-clean-update.eml" "$T/nope.eml" "$EX/04-status-inquiry.eml"
lines "the readable sources were still judged" "$T/out" 2
printf 'From: a@b\nTo: cmoreau@greenfield-med.example.edu\nSubject: x\n\nhello\0world \xff\xfe AAMC ID: 12345678 Greenfield IR\n' > "$T/nul.eml"
expect "NUL bytes and invalid UTF-8: best effort" 0 check --format json "$T/nul.eml"
"$PY" -c 'import json,sys; json.loads(open(sys.argv[1]).read())' "$T/out" && ok "output stays valid JSON" || bad "output stays valid JSON"
"$PY" - "$T/deep.eml" <<'PYEOF'
import sys
depth = 10000
with open(sys.argv[1], "w") as f:
    f.write("From: a@example.org\nTo: cmoreau@greenfield-med.example.edu\nSubject: deep\nMIME-Version: 1.0\n")
    for i in range(depth):
        f.write('Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i))
    f.write("Content-Type: text/plain\n\nDear Dr. Moreau, hello from Greenfield IR. AAMC ID 12345678\n")
    for i in reversed(range(depth)):
        f.write("--b%d--\n" % i)
PYEOF
# parts deeper than 64 levels are not read (as mblaze prunes them): the
# verdict is a best effort, but there is one, quickly, without a crash
check --format json "$T/deep.eml" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -le 2 ] && "$PY" -c 'import json,sys; json.loads(open(sys.argv[1]).read())' "$T/out"; then
    ok "10,000-deep nesting: a verdict, no crash"
else
    bad "10,000-deep nesting: exit $rc"
fi

# --- configuration ----------------------------------------------------------
printf '[applicant]\nname = X\n\n[policy]\ncolour = red\n' > "$T/bad-key.conf"
expect "unknown key is a config error" 78 check --config "$T/bad-key.conf" "$EX/01-clean-update.eml"
contains "unknown key: file:line" "$T/err" "bad-key.conf:5:"
printf '[season]\nrank_deadline = 2027-02-30\n' > "$T/bad-date.conf"
expect "bad date is a config error" 78 check --config "$T/bad-date.conf" "$EX/01-clean-update.eml"
contains "bad date: file:line" "$T/err" "bad-date.conf:2:"
printf '[program:x]\nname = X\ninterview = 2026-11-12\n' > "$T/no-domain.conf"
expect "program without addresses or domains" 78 check --config "$T/no-domain.conf" "$EX/01-clean-update.eml"
contains "program without addresses: file:line" "$T/err" "no-domain.conf:1:"
expect "missing config is a config error" 78 check --config "$T/none.conf" "$EX/01-clean-update.eml"
mkdir -p "$T/xdg/matchguard" && cp -p "$T/conf/example.conf" "$T/xdg/matchguard/matchguard.conf" \
    && cp -p "$T/conf/programs.conf" "$T/xdg/matchguard/"
expect "XDG default config is found" 2 "$BIN" check --at header "$EX/02-thank-you-template-left.eml"
MATCHGUARD_CONFIG="$T/bad-key.conf" expect "MATCHGUARD_CONFIG is used" 78 "$BIN" check "$EX/01-clean-update.eml"

chmod 644 "$CONF"
expect "a readable config with the ID still works" 0 check "$EX/01-clean-update.eml"
contains "a readable config with the ID gets a warning" "$T/err" "others can read it"
chmod 600 "$CONF"
expect "a private config gets no warning" 0 check "$EX/01-clean-update.eml"
lines "a private config gets no warning: stderr empty" "$T/err" 0

# --- severities and overrides ---------------------------------------------------
sed 's/^\[rules\]$/[rules]\nstatus-inquiry = block/' "$CONF" > "$T/strict.conf"
cp "$SRC/config/programs.conf" "$T/"
chmod 600 "$T/strict.conf" "$T/programs.conf"
expect "[rules] raises a severity" 2 "$BIN" check --config "$T/strict.conf" --at header "$EX/04-status-inquiry.eml"
sed 's/^\[rules\]$/[rules]\nstatus-inquiry = off/' "$CONF" > "$T/quiet.conf"
chmod 600 "$T/quiet.conf"
expect "[rules] off silences a rule" 0 "$BIN" check --config "$T/quiet.conf" --at header "$EX/04-status-inquiry.eml"
expect "--allow turns a block into info" 1 check --allow placeholder "$EX/02-thank-you-template-left.eml"
expect "--allow warnings releases warns, not blocks" 2 check --allow warnings "$EX/02-thank-you-template-left.eml"

# --- rules -----------------------------------------------------------------------
expect "rules lists every rule" 0 "$BIN" rules --config "$CONF" --format json
lines "rules: 25 rules" "$T/out" 25
expect "rules shows a configured severity" 0 "$BIN" rules --config "$T/strict.conf"
if grep -E '^status-inquiry +warn +block ' "$T/out" >/dev/null; then ok "rules: default and configured columns"; else bad "rules: default and configured columns"; fi

summary
