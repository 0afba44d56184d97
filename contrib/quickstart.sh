#!/bin/sh
# Sets up matchguard on a fresh Debian machine and shows what it does:
# installs what is missing, builds, then judges the bundled example
# messages with the example configuration (fictional programs).
set -eu
cd "$(dirname "$0")/.."

contrib/deps.sh
[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure
make -j"$(nproc 2>/dev/null || echo 2)"

echo
echo "== Demo: matchguard check on contrib/examples/ with config/example.conf"
echo
status=0
TZ=${TZ:-America/New_York} src/matchguard check --quiet --config config/example.conf --at header \
    contrib/examples/*.eml || status=$?
echo
echo "check exited $status (0: all ok, 1: warnings, 2: something would be blocked)."
exit 0
