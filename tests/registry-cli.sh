#!/bin/bash
# The registry as a user meets it (SPEC 1, 3): `registry list` (80 columns,
# JSON Lines), `registry check` (every bad program with its line, conflicts
# as warnings, exit 0/1/78) and `registry import-csv` with the CSV that
# Excel, LibreOffice and Google Sheets write (BOM, CRLF, quoted commas and
# line breaks, ';'-separated), refusing existing ids without --replace,
# every bad row with its line and nothing written then.  Each check prints
# PASS/FAIL; the last line is "N passed, M failed".
set -u

# shellcheck source=lib/cli.sh
. "$(dirname "$0")/lib/cli.sh"
private_env registry

require_bin

fresh() {   # a new private copy of the example configuration
    rm -rf "$T/conf"
    private_config
}
fresh
REG=$T/conf/programs.conf
mg() { "$BIN" "$1" --config "$CONF" "${@:2}"; }

# at most 80 characters on every line of FILE
fits80() {
    "$PY" -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 80 for l in open(sys.argv[1], encoding="utf-8")))' "$1"
}
# the value of a JSON path in the line of FILE whose id is ID
json_of() {
    "$PY" -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    if o["id"] == sys.argv[2]:
        v = eval("o" + sys.argv[3])
        print(json.dumps(v))' "$@"
}

# --- list ----------------------------------------------------------------------
expect "list exits 0" 0 mg registry list
lines "list: a header and the 8 example programs" "$T/out" 9
contains "list names a program" "$T/out" "greenfield-ir"
if fits80 "$T/out"; then ok "list fits 80 columns"; else bad "list is wider than 80 columns"; fi
expect "list --format json exits 0" 0 mg registry list --format json
lines "list JSON: one line per program" "$T/out" 8
[ "$(json_of "$T/out" ashford-ir '["post_interview_contact"]')" = "false" ] \
    && ok "list JSON: post_interview_contact" || bad "list JSON: post_interview_contact"
[ "$(json_of "$T/out" copper-valley-ir '["interview"]')" = "null" ] \
    && ok "list JSON: no interview is null" || bad "list JSON: no interview is null"
[ "$(json_of "$T/out" ashford-ir '["contacts"][0]["address"]')" = '"mfeldman@ashford-general.example.org"' ] \
    && ok "list JSON: contacts" || bad "list JSON: contacts"
[ "$(json_of "$T/out" ashford-ir '["line"]')" = "61" ] \
    && ok "list JSON: where the group is" || bad "list JSON: where the group is"

# --- usage ---------------------------------------------------------------------
expect "registry without an action is a usage error" 64 mg registry
contains "it says what the actions are" "$T/err" "list, check or import-csv FILE"
expect "an unknown action" 64 mg registry frobnicate
expect "--replace goes with import-csv only" 64 mg registry list --replace
expect "import-csv needs a file" 64 mg registry import-csv
expect "check has no JSON" 64 mg registry check --format json

# --- check ---------------------------------------------------------------------
expect "check: the example registry is clean" 0 mg registry check
contains "check: its count line" "$T/out" "8 programs: 0 errors, 0 warnings, 0 notes"

cat >> "$REG" <<'EOF'

[program:stonebridge-peds]
name = Stonebridge Health Pediatrics
domains = stonebridge-health.example.edu
EOF
expect "check: a shared domain without addresses is a warning (exit 1)" 1 mg registry check
contains "check: the warning names the domain and the other program" "$T/out" \
    "programs.conf:82: warning: [program:stonebridge-peds]: domain stonebridge-health.example.edu is shared with [program:stonebridge-ir]"
contains "check: a program without contacts is a note" "$T/out" \
    "programs.conf:82: note: [program:stonebridge-peds]: no contacts"
expect "check -q: warnings only" 1 mg registry check -q
lacks "check -q: no notes" "$T/out" "note:"
lacks "check -q: no count line" "$T/out" "programs:"
expect "a warning is not a load error: check a draft still works" 0 \
    mg check --no-ledger --to nobody@example.com "$SRC/contrib/examples/"$(ls "$SRC/contrib/examples" | head -1)

cat >> "$REG" <<'EOF'

[program:greenfield-ir]
name = Greenfield again
domains = greenfield-again.example.org

[program:broken]
name = Broken
addresses = not-an-address
contacts = Dr. Lee <lee@broken.example.org>
EOF
expect "check: bad programs exit 78" 78 mg registry check
contains "check: an id in two files, with both places" "$T/out" \
    "programs.conf:86: error: [program:greenfield-ir] is already defined at $CONF:79"
contains "check: a bad address, at its line, in the same run" "$T/out" \
    "programs.conf:92: error: [program:broken]: addresses: 'not-an-address' is not an e-mail address"
contains "check: the warnings of the programs that loaded still come" "$T/out" \
    "warning: [program:stonebridge-peds]"
contains "check: the count" "$T/out" "11 programs: 2 errors, 1 warnings"
expect "the same registry stops a dry run with one line (78)" 78 mg check --no-ledger /dev/null
lines "... one line" "$T/err" 1

# --- import-csv: a spreadsheet as Excel saves it ---------------------------------
fresh
cp "$REG" "$T/programs.before"
printf '\xef\xbb\xbfid,Name,Aliases,Track,NRMP,Domains,Addresses,Contacts,Interview,Post interview contact\r\n' > "$T/excel.csv"
printf 'ucsd-ir,"University of California, San Diego IR","UCSD IR;UC San Diego IR",ir-integrated,TRUE,"health.ucsd.example.edu, ucsd.example.edu",ir@health.ucsd.example.edu,"Dr. Jane Roe <jroe@health.ucsd.example.edu>\r\nDr. Bob Lee <blee@ucsd.example.edu>",2026-12-01,FALSE\r\n' >> "$T/excel.csv"
printf ',,,,,,,,,\r\n' >> "$T/excel.csv"
printf 'nyu-ir,NYU Langone IR,,,,nyulangone.example.org,,,,\r\n' >> "$T/excel.csv"
expect "import-csv: an Excel CSV (BOM, CRLF, quoted comma and line break) imports" 0 \
    mg registry import-csv "$T/excel.csv"
contains "import-csv says what it wrote where" "$T/out" "$REG: 2 added, 0 replaced"
if head -c "$(wc -c < "$T/programs.before")" "$REG" | cmp -s - "$T/programs.before"; then
    ok "import-csv: the file's text before is untouched (comments too)"
else bad "import-csv changed the existing text"; fi
expect "import-csv: the registry is still clean" 0 mg registry check -q
expect "list JSON after the import" 0 mg registry list --format json
[ "$(json_of "$T/out" ucsd-ir '["name"]')" = '"University of California, San Diego IR"' ] \
    && ok "import-csv: a name with a comma" || bad "import-csv: a name with a comma"
[ "$(json_of "$T/out" ucsd-ir '["domains"]')" = '["health.ucsd.example.edu", "ucsd.example.edu"]' ] \
    && ok "import-csv: domains split on commas" || bad "import-csv: domains: $(json_of "$T/out" ucsd-ir '["domains"]')"
[ "$(json_of "$T/out" ucsd-ir '["contacts"][1]["name"]')" = '"Dr. Bob Lee"' ] \
    && ok "import-csv: contacts split on the line break in the cell" || bad "import-csv: contacts"
[ "$(json_of "$T/out" ucsd-ir '["post_interview_contact"]')" = "false" ] \
    && ok "import-csv: FALSE from a spreadsheet" || bad "import-csv: FALSE"
[ "$(json_of "$T/out" nyu-ir '["track"]')" = '"ir-integrated"' ] \
    && ok "import-csv: empty cells take the defaults" || bad "import-csv: defaults"

cat > "$T/draft.eml" <<'EOF'
From: Amina Okafor <amina.okafor@example.org>
To: Dr. Jane Roe <jroe@health.ucsd.example.edu>
Subject: Thank you for the interview at UC San Diego IR
Date: Wed, 02 Dec 2026 10:00:00 -0500
Message-ID: <ucsd-1@laptop.example.org>

Dear Dr. Roe,

Thank you for the interview day at UC San Diego IR yesterday.
AAMC ID 12345678

Sincerely,
Amina Okafor
EOF
expect "an imported program is matched by check (warn: exit 1)" 1 \
    mg check --no-ledger --format json --at header "$T/draft.eml"
contains "... as ucsd-ir" "$T/out" '"ucsd-ir"'
contains "... and its imported post_interview_contact FALSE is honoured" "$T/out" '"unwanted-contact"'

# --- import-csv: existing ids, --replace ----------------------------------------
cp "$REG" "$T/programs.imported"
expect "import-csv again: existing ids are refused (78)" 78 mg registry import-csv "$T/excel.csv"
contains "... each row, at its line" "$T/out" "excel.csv:2: error: [program:ucsd-ir] is already in the registry ($REG:82): use --replace to overwrite it"
contains "... the row after a two-line cell, at its own line" "$T/out" "excel.csv:5: error: [program:nyu-ir] is already in the registry"
contains "... and nothing was written" "$T/err" "2 bad rows in $T/excel.csv; nothing was written"
if cmp -s "$REG" "$T/programs.imported"; then ok "... the file is unchanged"; else bad "the refused import changed the file"; fi

printf 'id,name,domains,contacts,interview\nstonebridge-ir,Stonebridge Health IR,stonebridge-health.example.edu,Dr. New Person <new@stonebridge-health.example.edu>,2026-11-19\n' > "$T/replace.csv"
expect "import-csv --replace rewrites a program" 0 mg registry import-csv --replace "$T/replace.csv"
contains "... and says so" "$T/out" "$REG: 0 added, 1 replaced"
expect "list JSON after replacing" 0 mg registry list --format json
[ "$(json_of "$T/out" stonebridge-ir '["interview"]')" = '"2026-11-19"' ] \
    && ok "--replace: the new values" || bad "--replace: the new values"
[ "$(json_of "$T/out" stonebridge-ir '["aliases"]')" = '[]' ] \
    && ok "--replace: the whole group is replaced (old aliases gone)" || bad "--replace: old aliases kept"
[ "$(json_of "$T/out" stonebridge-ir '["line"]')" = "12" ] \
    && ok "--replace: in place" || bad "--replace: moved to line $(json_of "$T/out" stonebridge-ir '["line"]')"
[ "$(json_of "$T/out" stonebridge-dr '["line"]')" = "18" ] \
    && ok "--replace: the comment and blank line before the next program stay" \
    || bad "--replace: next program at line $(json_of "$T/out" stonebridge-dr '["line"]')"
contains "--replace: the comment above the program stays" "$REG" "stonebridge-ir and stonebridge-dr share the domain"
cp "$REG" "$T/programs.replaced"
expect "import-csv --replace again" 0 mg registry import-csv --replace "$T/replace.csv"
if cmp -s "$REG" "$T/programs.replaced"; then ok "--replace twice gives the same file"; else bad "--replace is not idempotent"; fi

# --- import-csv: bad rows ---------------------------------------------------------
cp "$REG" "$T/programs.good"
cat > "$T/bad.csv" <<'EOF'
id,name,domains,contacts,interview,track
new-one,A Good Program,good.example.edu,,,
bad id,Spaces In Id,x.example.edu,,,
no-name,,y.example.edu,,,
too-broad,Too Broad,edu,,,
us-date,US Date,z.example.edu,,11/12/2026,
short-track,Short Track,w.example.edu,,,ir
new-one,The Same Id,v.example.edu,,,
two-lines,Two Lines,"u.example.edu
t.example.edu","Dr. X <x@u.example.edu>
not an address",,
,,,,,
EOF
expect "bad rows: exit 78" 78 mg registry import-csv "$T/bad.csv"
contains "bad id" "$T/out" "bad.csv:3: error: id 'bad id': a program id is made of letters"
contains "no name" "$T/out" "bad.csv:4: error: [program:no-name]: name is missing"
contains "too broad a domain" "$T/out" "bad.csv:5: error: [program:too-broad]: domains: 'edu' is too broad"
contains "a US date" "$T/out" "bad.csv:6: error: [program:us-date]: interview: '11/12/2026' is not a date"
contains "a bad track" "$T/out" "bad.csv:7: error: [program:short-track]: track: 'ir' is not one of"
contains "an id twice in the sheet" "$T/out" "bad.csv:8: error: id 'new-one' is already on line 2"
contains "a bad contact in a two-line cell, at the row's first line" "$T/out" "bad.csv:9: error: [program:two-lines]: contacts: 'not an address'"
lines "one line per bad row, no more" "$T/out" 7
if cmp -s "$REG" "$T/programs.good"; then ok "bad rows: nothing written, not even the good row"; else bad "bad rows: the file changed"; fi

printf 'id,name,website\nx,X,x.example.edu\n' > "$T/unknown.csv"
expect "an unknown column: exit 78" 78 mg registry import-csv "$T/unknown.csv"
contains "... named, at line 1" "$T/err" "unknown.csv:1: unknown column 'website'"
printf 'id,name,domains\r\n' > "$T/header-only.csv"
expect "a header and no rows: exit 78" 78 mg registry import-csv "$T/header-only.csv"
contains "... says so" "$T/err" "has no programs"
printf 'id,name,domains\nx,Jos\xe9,x.example.edu\n' > "$T/latin1.csv"
expect "Latin-1 text: exit 78" 78 mg registry import-csv "$T/latin1.csv"
contains "... says to export UTF-8" "$T/err" "latin1.csv:2: not UTF-8 text"
expect "a missing CSV: exit 74" 74 mg registry import-csv "$T/nope.csv"
if cmp -s "$REG" "$T/programs.good"; then ok "refused files wrote nothing"; else bad "a refused file changed the registry"; fi

# --- import-csv: European Excel, --into, links, modes ------------------------------
printf 'id;name;domains;contacts\r\nlyon-ir;Hospices Civils de Lyon, Radiologie;chu-lyon.example.fr;Dr. Éloïse Martin <emartin@chu-lyon.example.fr>\r\n' > "$T/semicolon.csv"
expect "a ';'-separated CSV imports into the configuration file" 0 \
    mg registry import-csv --into "$CONF" "$T/semicolon.csv"
contains "... there" "$T/out" "$CONF: 1 added, 0 replaced"
contains "... the group is in the configuration" "$CONF" "[program:lyon-ir]"
contains "... with its accented contact" "$CONF" "Dr. Éloïse Martin <emartin@chu-lyon.example.fr>"
expect "--into a file the configuration does not load: usage error" 64 \
    mg registry import-csv --into "$T/elsewhere.conf" "$T/excel.csv"

# a first configuration, as the README has a newcomer write it: no registry files
cat > "$T/first.conf" <<'EOF'
[applicant]
name = Amina Okafor
aamc_id = keyring

[season]
rank_deadline = 2027-03-04
EOF
chmod 600 "$T/first.conf"
expect "import-csv into a configuration without [registry] files" 0 \
    "$BIN" registry import-csv --config "$T/first.conf" "$T/semicolon.csv"
contains "... goes into the configuration itself" "$T/out" "$T/first.conf: 1 added, 0 replaced"
expect "... which lists it" 0 "$BIN" registry list --config "$T/first.conf"
contains "... by id" "$T/out" "lyon-ir"
[ "$(stat -c %a "$T/first.conf")" = 600 ] && ok "... and stays private (0600)" \
    || bad "the configuration's mode is now $(stat -c %a "$T/first.conf")"

fresh
mkdir -p "$T/dotfiles"
mv "$REG" "$T/dotfiles/programs.conf"
ln -s "$T/dotfiles/programs.conf" "$REG"
chmod 640 "$T/dotfiles/programs.conf"
expect "import into a linked registry file" 0 mg registry import-csv "$T/excel.csv"
[ -L "$REG" ] && ok "... the link stays a link" || bad "the link was replaced by a file"
contains "... the linked file has the programs" "$T/dotfiles/programs.conf" "[program:nyu-ir]"
[ "$(stat -c %a "$T/dotfiles/programs.conf")" = 640 ] && ok "... its mode is kept" \
    || bad "mode is now $(stat -c %a "$T/dotfiles/programs.conf")"

# --- the registry cache: read once, and again after every change ------------------
fresh
cat > "$T/to-new.eml" <<'EOF2'
From: Leila Haddad <leila.haddad@example.com>
To: Dr. Ines Varga <ivarga@harborview-new.example.edu>
Subject: Interest in the Harborview IR residency
Date: Tue, 17 Nov 2026 09:00:00 -0500
Message-ID: <cache-1@example.com>

Dear Dr. Varga,

I am writing to share my interest in the Harborview IR residency.

Best regards,
Leila Haddad
EOF2
expect "check before the program is in the registry" 0 mg check "$T/to-new.eml"
lacks "... it is not program mail" "$T/out" "harborview-new"
ls "$T"/.cache/matchguard/registry-*.sqlite > /dev/null 2>&1 \
    && ok "... the registry cache is written under XDG_CACHE_HOME" || bad "no registry cache under $T/.cache"
cat >> "$REG" <<'EOF2'

[program:harborview-new]
name = Harborview New IR Residency
aliases = Harborview IR
domains = harborview-new.example.edu
EOF2
mg check "$T/to-new.eml" > "$T/out" 2> "$T/err"
contains "a program added to the registry file is seen by the next check" "$T/out" "harborview-new"
sed -i 's/^domains = harborview-new.example.edu$/domains = harborview-moved.example.edu/' "$REG"
mg check "$T/to-new.eml" > "$T/out" 2> "$T/err"
lacks "... and a changed domain too, at once" "$T/out" "harborview-new ("
sed -i 's/^domains = harborview-moved.example.edu$/domain = oops/' "$REG"
expect "a registry broken after a good load is still reported, file:line" 78 mg check "$T/to-new.eml"
contains "... with the line" "$T/err" "programs.conf:"
printf 'garbage' > "$(ls "$T"/.cache/matchguard/registry-*.sqlite | head -1)"
sed -i 's/^domain = oops$/domains = harborview-new.example.edu/' "$REG"
mg check "$T/to-new.eml" > "$T/out" 2> "$T/err"
contains "a cache file that is garbage is rebuilt, not trusted" "$T/out" "harborview-new"
lines "... silently" "$T/err" 0

# --- a registry file that never ends ----------------------------------------------
fresh
sed -i 's|^files = .*|files = programs.conf; /dev/zero|' "$CONF"
grep -q '/dev/zero' "$CONF" || bad "the test could not name /dev/zero in $CONF"
expect "a registry file that never ends is refused, not read until memory runs out" 78 \
    mg check "$T/to-new.eml"
contains "... with a one-line reason" "$T/err" "cannot read '/dev/zero': File too large"

summary
