#!/usr/bin/env python3
"""mbox-rotate.py IN OUT: writes the mbox IN to OUT with its first message
moved to the end, byte for byte otherwise (messages start at lines that
begin with "From ", as GMime splits them).  tests/ledger-cli.sh and
contrib/check-threads.sh use it for an mbox found out of date order only
at its last message."""
import re
import sys


def main():
    data = open(sys.argv[1], 'rb').read()
    starts = [m.start() for m in re.finditer(rb'^From ', data, re.M)]
    if len(starts) < 2 or starts[0] != 0:
        sys.exit('mbox-rotate.py: %s: not an mbox of two messages or more' % sys.argv[1])
    first = data[:starts[1]]
    if not first.endswith(b'\n'):
        first += b'\n'
    rest = data[starts[1]:]
    if not rest.endswith(b'\n'):
        rest += b'\n'
    open(sys.argv[2], 'wb').write(rest + first)


if __name__ == '__main__':
    main()
