#!/usr/bin/env python3
"""mbox-reorder.py MODE IN OUT: writes the mbox IN to OUT with its messages
in another order, each byte for byte (a message starts at a line that
begins with "From ", as GMime splits them).  MODE:
  first-last  the first message moved to the end: out of date order only
              at the last message;
  swap-pairs  every seventh message swapped with the one after it: a
              little out of place, as a Date set when a message was
              written rather than sent leaves it.
tests/ledger-cli.sh and contrib/check-threads.sh use it on a generated
mbox in date order, for audit's replay while reading (src/cmd-audit.c)."""
import re
import sys


def main():
    mode, src, dst = sys.argv[1:4]
    data = open(src, 'rb').read()
    starts = [m.start() for m in re.finditer(rb'^From ', data, re.M)]
    if len(starts) < 2 or starts[0] != 0:
        sys.exit('mbox-reorder.py: %s: not an mbox of two messages or more' % src)
    messages = [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)])]
    messages = [m if m.endswith(b'\n') else m + b'\n' for m in messages]
    if mode == 'first-last':
        messages = messages[1:] + messages[:1]
    elif mode == 'swap-pairs':
        for i in range(0, len(messages) - 1, 7):
            messages[i], messages[i + 1] = messages[i + 1], messages[i]
    else:
        sys.exit('mbox-reorder.py: unknown mode %s' % mode)
    open(dst, 'wb').write(b''.join(messages))


if __name__ == '__main__':
    main()
