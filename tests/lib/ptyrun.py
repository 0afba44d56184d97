#!/usr/bin/env python3
"""Runs a command with its stderr on a pseudo-terminal, as a user at a
terminal sees it, stdout to a file.

    ptyrun.py STDOUT-FILE STDERR-FILE COMMAND [ARG...]

Writes the bytes the terminal received to STDERR-FILE and exits with the
command's status.  Fails (exit 125) when it cannot open a pseudo-terminal."""
import os
import pty
import subprocess
import sys


def main():
    out_path, err_path, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        master, slave = pty.openpty()
    except OSError as e:
        print("ptyrun: no pseudo-terminal: %s" % e, file=sys.stderr)
        return 125
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=slave)
    os.close(slave)
    received = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:   # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    with open(err_path, "wb") as err:
        err.write(received)
    return proc.wait()


if __name__ == "__main__":
    sys.exit(main())
