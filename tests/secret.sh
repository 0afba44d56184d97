#!/bin/bash
# The AAMC ID in the desktop keyring (SPEC 1, 8): `secret set|get|clear
# aamc-id` against a real gnome-keyring-daemon on a private D-Bus session
# (dbus-run-session), `aamc_id = keyring` read by check, and the EX_CONFIG
# message when no keyring can be reached.  Each check prints PASS/FAIL; the
# last line is "N passed, M failed".  A missing program fails, never skips.
set -u

BIN=${MG_BIN:-$(dirname "$0")/../src/matchguard}
SRC=${MG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}

# shellcheck source=lib/cli.sh
. "$(dirname "$0")/lib/cli.sh"

# --- inside the private session (this script again, under dbus-run-session) --
if [ "${MG_SECRET_INSIDE:-}" = 1 ]; then
    T=$MG_SECRET_DIR
    # the login keyring is created unlocked with this password; --foreground
    # keeps the daemon our child so that it can be stopped by its id
    printf 'matchguard-test' | gnome-keyring-daemon --foreground --unlock --components=secrets \
        >"$T/keyring.out" 2>&1 &
    daemon=$!
    trap 'kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null' EXIT
    for _ in $(seq 100); do
        dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
            | grep -q 'boolean true' && break
        sleep 0.1
    done
    sleep 0.3   # the login collection is created right after the name is taken
    mg() { "$BIN" "$1" --config "$T/conf/keyring.conf" "${@:2}"; }
    AT=--at=2027-02-17T10:00:00-05:00

    expect "secret get with nothing stored" 1 mg secret get aamc-id
    contains "get says nothing is stored" "$T/err" "holds no AAMC ID"
    expect "secret set with 7 digits is refused" 65 sh -c "echo 1234567 | \"\$0\" secret set aamc-id" "$BIN"
    contains "the refusal says 8 digits" "$T/err" "8 digits"
    expect "nothing was stored by the refused set" 1 mg secret get aamc-id
    expect "secret set from stdin (grouped digits)" 0 sh -c "printf ' 1234-5678 \n' | \"\$0\" secret set aamc-id" "$BIN"
    expect "secret get" 0 mg secret get aamc-id
    contains "get prints the 8 digits" "$T/out" "12345678"
    expect "secret set again replaces it" 0 sh -c "echo 12345678 | \"\$0\" secret set aamc-id" "$BIN"
    expect "secret get after the second set" 0 mg secret get aamc-id
    if [ "$(cat "$T/out")" = 12345678 ]; then ok "one ID, printed alone"; else bad "get printed '$(cat "$T/out")'"; fi

    expect "check: keyring ID, message with the ID" 1 mg check --no-ledger "$AT" "$T/right.eml"
    lacks "no applicant-id-missing with the keyring ID" "$T/out" "applicant-id-missing"
    lacks "no applicant-id-wrong with the keyring ID" "$T/out" "applicant-id-wrong"
    expect "check: keyring ID, message with another ID" 2 mg check --no-ledger "$AT" "$T/wrong.eml"
    contains "another ID is applicant-id-wrong" "$T/out" "applicant-id-wrong"
    contains "the keyring ID is named as yours" "$T/out" "(12345678)"
    expect "check: keyring ID, message without an ID" 2 mg check --no-ledger "$AT" "$T/none.eml"
    contains "no ID is applicant-id-missing" "$T/out" "applicant-id-missing"

    expect "secret clear" 0 mg secret clear aamc-id
    contains "clear says it removed the ID" "$T/err" "removed"
    expect "secret get after clear" 1 mg secret get aamc-id
    expect "secret clear when nothing is stored" 0 mg secret clear aamc-id
    contains "clear says there was nothing" "$T/err" "nothing to remove"
    expect "check: keyring and no secret is EX_CONFIG" 78 mg check --no-ledger "$AT" "$T/right.eml"
    contains "the message says what to do" "$T/err" "secret set aamc-id"
    contains "the message names aamc_id" "$T/err" "aamc_id"
    expect "audit: keyring and no secret is EX_CONFIG" 78 mg audit "$T/right.eml"
    expect "import: keyring and no secret is EX_CONFIG" 78 mg import "$T/right.eml"
    expect "secret: bad usage" 64 mg secret set
    expect "secret: unknown secret name" 64 mg secret get password
    expect "secret: unknown action" 64 mg secret show aamc-id
    exit 0
fi

# --- outside: set up, no-session checks, then the session ------------------
T=$(mktemp -d "${TMPDIR:-/tmp}/mg-secret.XXXXXX")
trap 'rm -rf "$T"' EXIT
export TZ=America/New_York LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$T" XDG_CONFIG_HOME="$T/xdg" \
    XDG_DATA_HOME="$T/data" XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run"
unset MATCHGUARD_CONFIG MATCHGUARD_LEDGER MATCHGUARD_ALLOW NO_COLOR DISPLAY WAYLAND_DISPLAY \
    DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL
mkdir -m 700 "$T/run"

require_bin
missing=0
for p in dbus-run-session dbus-send gnome-keyring-daemon; do
    command -v "$p" >/dev/null || { bad "$p not installed (contrib/deps.sh)"; missing=1; }
done

private_config
mkdir -p "$T/xdg/matchguard"
sed 's/^aamc_id = .*/aamc_id = keyring/' "$CONF" > "$T/conf/keyring.conf"
cp "$T/conf/keyring.conf" "$T/xdg/matchguard/matchguard.conf"
chmod 600 "$T/conf/keyring.conf" "$T/xdg/matchguard/matchguard.conf"
grep -q '^aamc_id = keyring$' "$T/conf/keyring.conf" && ok "config says aamc_id = keyring" \
    || bad "could not write aamc_id = keyring"

letter() {
    cat > "$1" <<EOF
From: Amina Okafor <amina.okafor@example.org>
To: irresidency@maplehollow-mc.example.org
Subject: Application
Date: Wed, 17 Feb 2027 10:00:00 -0500
Message-ID: <$2@laptop.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Dear Selection Committee,

Thank you for considering my application to your program.

Sincerely,
Amina Okafor
$3
EOF
}
letter "$T/right.eml" right "AAMC ID 12345678"
letter "$T/wrong.eml" wrong "AAMC ID 87654321"
letter "$T/none.eml" none ""

# no D-Bus session at all: no bus address, no $XDG_RUNTIME_DIR/bus, no X11
expect "no session: check with aamc_id = keyring is EX_CONFIG" 78 \
    "$BIN" check --config "$T/conf/keyring.conf" --no-ledger "$T/right.eml"
contains "no session: the message says keyring" "$T/err" "keyring"
contains "no session: the message names aamc_id" "$T/err" "aamc_id"
contains "no session: the message names the config file" "$T/err" "$T/conf/keyring.conf"
if [ "$(wc -l < "$T/err")" -eq 1 ]; then ok "no session: one line"; else bad "no session: $(wc -l < "$T/err") lines"; fi
expect "no session: sendmail with aamc_id = keyring is EX_CONFIG" 78 \
    "$BIN" --config "$T/conf/keyring.conf" -oi -- irresidency@maplehollow-mc.example.org < "$T/right.eml"
contains "no session: sendmail says keyring" "$T/err" "keyring"
expect "no session: secret set is EX_CONFIG" 78 sh -c "echo 12345678 | \"\$0\" secret set aamc-id" "$BIN"
contains "no session: secret set names the default config" "$T/err" "$T/xdg/matchguard/matchguard.conf"
expect "no session: secret get is EX_CONFIG" 78 "$BIN" secret get aamc-id
expect "no session: secret clear is EX_CONFIG" 78 "$BIN" secret clear aamc-id
expect "a plain ID in the config needs no keyring" 1 \
    "$BIN" check --config "$T/conf/example.conf" --no-ledger "$T/right.eml"

if [ "$missing" -eq 0 ]; then
    MG_SECRET_INSIDE=1 MG_SECRET_DIR=$T MG_BIN=$BIN MG_SRCDIR=$SRC \
        dbus-run-session -- "$BASH" "$0" > "$T/inside.out" 2> "$T/dbus.err"
    cat "$T/inside.out"
    n=$(grep -c '^PASS' "$T/inside.out"); pass=$((pass + n))
    n=$(grep -c '^FAIL' "$T/inside.out"); fail=$((fail + n))
    if [ "$n" -eq 0 ] && ! grep -q '^PASS' "$T/inside.out"; then
        bad "the D-Bus session ran no checks ($(head -c 300 "$T/dbus.err"))"
    fi
fi

summary
