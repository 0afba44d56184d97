#!/bin/sh
# Installs what matchguard needs to build and test on Debian, if missing
# (the end-to-end tests, tests/e2e.sh, run neomutt, mutt and msmtp against
# an SMTP server written with python3-aiosmtpd; tests/hostile.sh measures
# memory with GNU time, tests/faults.sh mounts with unshare from util-linux;
# contrib/check-sanitizers.sh and contrib/check-threads.sh build with clang
# and its sanitizer runtimes (check-threads.sh and tests/ledger-cli.sh pin
# audit to one CPU with taskset, from util-linux),
# contrib/check-valgrind.sh needs valgrind; fuzz/run.sh needs clang and
# libFuzzer, libclang_rt.fuzzer of libclang-rt-14-dev on Debian 12, which
# libclang-rt-dev depends on; configure lays the program out with BOLT from
# bolt-19 when it is there, contrib/bolt.sh; tests/cli.sh makes a Turkish
# locale with localedef from the definitions in locales).
# Uses sudo when not run as root.  Safe to run again: it installs only
# packages that are not installed yet.
set -eu

PACKAGES="build-essential autoconf automake libtool pkg-config
libglib2.0-dev libgmime-3.0-dev libpcre2-dev libsqlite3-dev libsecret-1-dev
gnome-keyring dbus-daemon dbus-bin
libjson-glib-dev libgumbo-dev libcmocka-dev python3 valgrind
neomutt mutt msmtp python3-aiosmtpd man-db groff-base time util-linux
clang libclang-rt-dev bolt-19 locales"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "deps.sh: need root or sudo to install:$missing" >&2
    exit 1
fi
echo "deps.sh: installing:$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086  # word splitting of the package list is intended
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
