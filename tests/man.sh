#!/bin/bash
# The manual pages and the bash completion: doc/matchguard.1 and
# doc/matchguard.conf.5 format without a warning (man-db and groff), name
# every rule, subcommand and configuration key; contrib/bash-completion/
# matchguard parses and completes.  Each check prints PASS/FAIL; the last
# line is "N passed, M failed".  A missing program (man, groff) fails.
set -u

BIN=${MG_BIN:-$(dirname "$0")/../src/matchguard}
SRC=${MG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/mg-man.XXXXXX")
trap 'rm -rf "$T"' EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$T" XDG_CONFIG_HOME="$T/xdg" XDG_DATA_HOME="$T/data"
unset MATCHGUARD_CONFIG MATCHGUARD_LEDGER MATCHGUARD_ALLOW

# shellcheck source=lib/cli.sh
. "$(dirname "$0")/lib/cli.sh"

MAN1=$SRC/doc/matchguard.1
MAN5=$SRC/doc/matchguard.conf.5
COMPLETION=$SRC/contrib/bash-completion/matchguard

for page in "$MAN1" "$MAN5"; do
    name=${page##*/}
    if [ ! -f "$page" ]; then bad "$name: missing"; continue; fi
    if ! command -v man >/dev/null 2>&1; then
        bad "$name: man (man-db) not installed"
    else
        out=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
        rc=$?
        if [ "$rc" -eq 0 ] && [ -z "$out" ]; then ok "$name: man --warnings is silent"
        else bad "$name: man --warnings (exit $rc): $(printf '%s' "$out" | head -c 400)"; fi
    fi
    if ! command -v groff >/dev/null 2>&1; then
        bad "$name: groff not installed"
    else
        out=$(groff -man -ww -z -Tutf8 "$page" 2>&1)
        rc=$?
        if [ "$rc" -eq 0 ] && [ -z "$out" ]; then ok "$name: groff -ww is silent"
        else bad "$name: groff -ww (exit $rc): $(printf '%s' "$out" | head -c 400)"; fi
    fi
done

# The page sources with roff's escaped hyphens made plain.
plain() { sed -e 's/\\-/-/g' -e 's/\\(ti/~/g' "$1"; }
plain "$MAN1" >"$T/man1" 2>/dev/null || : >"$T/man1"
plain "$MAN5" >"$T/man5" 2>/dev/null || : >"$T/man5"

# every rule id, from the program itself
if [ ! -x "$BIN" ]; then
    bad "binary $BIN not found"
else
    "$BIN" rules --format json >"$T/rules.json" 2>"$T/err"
    sed -n 's/^{"rule":"\([^"]*\)".*/\1/p' "$T/rules.json" >"$T/rules"
    n=$(grep -c . "$T/rules")
    if [ "$n" -ge 20 ]; then ok "rules --format json lists $n rules"; else bad "rules --format json lists $n rules: $(head -c 200 "$T/err")"; fi
    missing=
    while read -r rule; do
        grep -qE -- "(^|[^a-z-])$rule([^a-z-]|\$)" "$T/man1" || missing="$missing $rule"
    done <"$T/rules"
    if [ -z "$missing" ]; then ok "matchguard.1 names every rule"; else bad "matchguard.1 lacks rules:$missing"; fi
    # and the RULES section gives each its default severity
    missing=
    while read -r rule default; do
        grep -qF -- ".BR $rule \" [$default]\"" "$T/man1" || missing="$missing $rule"
    done < <(sed -n 's/^{"rule":"\([^"]*\)","default":"\([^"]*\)".*/\1 \2/p' "$T/rules.json")
    if [ -z "$missing" ]; then ok "matchguard.1 gives every rule's default severity"; else bad "matchguard.1: default severity wrong or missing:$missing"; fi

    # every subcommand, from --help
    "$BIN" --help 2>&1 | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' >"$T/commands"
    n=$(grep -c . "$T/commands")
    missing=
    while read -r cmd; do
        grep -qE "^\\.SY \"matchguard $cmd\"" "$T/man1" || missing="$missing $cmd(synopsis)"
        grep -qxF ".B $cmd" "$T/man1" || missing="$missing $cmd(commands)"
    done <"$T/commands"
    if [ "$n" -ge 8 ] && [ -z "$missing" ]; then ok "matchguard.1 has all $n subcommands in SYNOPSIS and COMMANDS"
    else bad "matchguard.1 subcommands ($n from --help) missing:$missing"; fi
fi

# every group and key of the example configuration
missing=
while read -r key; do
    grep -qE -- "^\\.BR? $key( |\$)" "$T/man5" || missing="$missing $key"
done < <(sed -n 's/^\([a-z_]*\) *=.*/\1/p' "$SRC/config/example.conf" | sort -u)
if [ -z "$missing" ]; then ok "matchguard.conf.5 describes every key of example.conf"; else bad "matchguard.conf.5 lacks keys:$missing"; fi
missing=
while read -r group; do
    grep -qxF ".SH $group" "$T/man5" || missing="$missing $group"
done < <(sed -n 's/^\(\[[a-z]*\]\)$/\1/p' "$SRC/config/example.conf" | sort -u)
grep -qxF ".SH [program:ID]" "$T/man5" || missing="$missing [program:ID]"
if [ -z "$missing" ]; then ok "matchguard.conf.5 has a section per group"; else bad "matchguard.conf.5 lacks groups:$missing"; fi

# bash completion
if [ ! -f "$COMPLETION" ]; then
    bad "bash completion: $COMPLETION missing"
else
    if bash -n "$COMPLETION" 2>"$T/err"; then ok "bash completion: bash -n"; else bad "bash completion: bash -n: $(head -c 300 "$T/err")"; fi
    # complete WORDS...: what _matchguard offers for the last word
    cat >"$T/complete.sh" <<'EOS'
source "$1" || exit 1
shift
complete -p matchguard >/dev/null || { echo "no complete -p"; exit 1; }
COMP_WORDS=("$@")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
_matchguard matchguard "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
EOS
    comp() { local want=$1; shift; local got
        got=$(PATH="$(dirname "$BIN"):$PATH" bash "$T/complete.sh" "$COMPLETION" "$@" 2>&1 | tr '\n' ' ')
        if [ "$got" = "$want " ]; then ok "completion: $* -> $want"; else bad "completion: $*: got '$got', want '$want'"; fi; }
    comp "check" matchguard ch
    comp "--format" matchguard check --for
    comp "text json" matchguard log --format ""
    comp "json" matchguard rules --format=j
    comp "placeholder" matchguard check --allow placeh
    comp "placeholder,salutation" matchguard check --allow placeholder,salu
    comp "set get clear" matchguard secret ""
    comp "list check import-csv" matchguard registry ""
    mkdir -p "$T/dir" && : >"$T/dir/draft.eml"
    comp "$T/dir/draft.eml" matchguard check "$T/dir/dr"
fi

summary
