#!/usr/bin/python3
"""Inputs and measurements for tests/hostile.sh and tests/faults.sh.

    hostile.py gen KIND SIZE OUT       write a message (or mbox) to OUT
    hostile.py run RESULT SECONDS IN OUT ERR -- COMMAND...
                                       run COMMAND with standard input from
                                       the file IN (or through a pipe, see
                                       below), output to OUT and ERR; write
                                       "EXIT PEAK_KB SECONDS" to RESULT

Every message is from the applicant of config/example.conf to a contact
of greenfield-ir, names the program and carries the AAMC ID, so that on an
empty ledger it is clean program mail unless its KIND makes it otherwise.
SIZE is a byte count (attachment, text), a depth (nested), a line length
(header, header-x, folded), a number of recipients (rcpt) or of messages (mbox-*).

run: the command runs under GNU time (/usr/bin/time -f %M, the `time`
package), whose peak resident set figure is what the tests compare with a
baseline measured the same way.  Not ru_maxrss of our own child: Linux
keeps the high-water mark of the memory a process had before exec, and a
child of Python starts with Python's (some 10 MB, more with 100,000
arguments); time(1) is a small C program.  The figure covers the relay
matchguard waited for as well.  IN as "pipe:"
plus a path feeds the file through a pipe instead of a regular file (mutt
gives a regular file, msmtp users often a pipe).  Past SECONDS the
command's process group is killed and EXIT is 124, as timeout(1) says;
the group is the command's own (it is started with setsid), so that
nothing it started outlives the test.
"""
import base64
import os
import signal
import subprocess
import sys
import threading
import time

FROM = b"Amina Okafor <amina.okafor@example.org>"
TO = b"Dr. Celeste Moreau <cmoreau@greenfield-med.example.edu>"
LETTER = (b"Dear Dr. Moreau,\n\n"
          b"I am writing with an update to my application to the Greenfield\n"
          b"IR program: my case report on hepatic artery embolization was\n"
          b"accepted for publication this week.\n\n"
          b"Sincerely,\nAmina Okafor\nAAMC ID: 12345678\n")


def head(mid, subject=b"Application update - Amina Okafor", extra=b""):
    return (b"From: " + FROM + b"\nTo: " + TO + b"\nSubject: " + subject +
            b"\nDate: Sat, 28 Nov 2026 10:00:00 -0500\nMessage-ID: <" + mid +
            b"@example.org>\nMIME-Version: 1.0\n" + extra)


def gen(kind, size, out):
    w = out.write
    if kind == "small":
        w(head(b"small") + b"Content-Type: text/plain; charset=us-ascii\n\n" + LETTER)
    elif kind == "attachment":
        # a PDF-sized base64 attachment after the letter, as mutt writes it
        w(head(b"attachment", extra=b'Content-Type: multipart/mixed; boundary="=-b1"\n\n'))
        w(b"--=-b1\nContent-Type: text/plain; charset=us-ascii\n"
          b"Content-Disposition: inline\n\n" + LETTER + b"\n")
        w(b'--=-b1\nContent-Type: application/pdf; name="report.pdf"\n'
          b'Content-Disposition: attachment; filename="report.pdf"\n'
          b"Content-Transfer-Encoding: base64\n\n")
        chunk = base64.encodebytes(os.urandom(57 * 1024))
        n = 0
        while n < size:
            w(chunk)
            n += len(chunk)
        w(b"\n--=-b1--\n")
    elif kind == "text":
        # the letter, then SIZE bytes of plain text in the same part
        w(head(b"text") + b"Content-Type: text/plain; charset=us-ascii\n\n" + LETTER)
        line = b"a long pasted log line that nobody would write by hand, again\n"
        w(line * (size // len(line)))
    elif kind == "nested":
        # SIZE multiparts, each the only child of the one above, the letter
        # at the bottom
        w(head(b"nested", extra=b'Content-Type: multipart/mixed; boundary="b0"\n\n'))
        for i in range(1, size):
            w(b'--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' % (i - 1, i))
        w(b"--b%d\nContent-Type: text/plain\n\n" % (size - 1) + LETTER)
        for i in reversed(range(size)):
            w(b"--b%d--\n" % i)
    elif kind == "header":
        # a Subject of SIZE bytes on one line (words, so no rule reads it
        # as a placeholder)
        words = (b"update " * (size // 7 + 1))[:size]
        w(head(b"header", subject=words) + b"Content-Type: text/plain\n\n" + LETTER)
    elif kind == "header-x":
        # the same, but XXXX... (a placeholder to the rules)
        w(head(b"header-x", subject=b"Update " + b"X" * size) +
          b"Content-Type: text/plain\n\n" + LETTER)
    elif kind == "folded":
        # a Subject of SIZE bytes folded every few characters
        w(head(b"folded", subject=b"update" + b"\n up" * (size // 4)) +
          b"Content-Type: text/plain\n\n" + LETTER)
    elif kind == "rcpt":
        # SIZE recipients in To (one of them the program's contact)
        w(b"From: " + FROM + b"\nTo: " + TO + b",\n")
        w(b",\n".join(b" friend%d@friends.example.net" % i for i in range(size)))
        w(b"\nSubject: Application update\nMessage-ID: <rcpt@example.org>\n"
          b"Content-Type: text/plain\n\n" + LETTER)
    elif kind == "rcpt-args":
        # the recipient arguments, one a line
        w(b"cmoreau@greenfield-med.example.edu\n")
        w(b"".join(b"friend%d@friends.example.net\n" % i for i in range(size)))
    elif kind == "mbox-broken":
        # SIZE messages whose separators are sometimes bare ("From "),
        # whose bodies hold unescaped "From " lines, and CRLF every third
        for i in range(size):
            sep = [b"From amina@example.org Sat Nov 28 10:00:00 2026\n", b"From \n",
                   b"From x\n"][i % 3]
            msg = (head(b"m%d" % i) + b"\n" + LETTER +
                   b"From the first week on I kept a procedure log.\n\n")
            if i % 3 == 2:
                msg = msg.replace(b"\n", b"\r\n")
            w(sep + msg)
    elif kind == "mbox-from-only":
        # SIZE "From " lines and nothing else
        w(b"From a@b Sat Nov 28 10:00:00 2026\n" * size)
    else:
        sys.exit("hostile.py: unknown kind " + kind)


def run(result, seconds, inp, out, err, argv):
    feeder = None
    if inp.startswith("pipe:"):
        stdin = subprocess.PIPE
    else:
        stdin = open(inp, "rb")
    start = time.monotonic()
    rss = result + ".rss"
    argv = ["/usr/bin/time", "-f", "%M", "-o", rss] + argv
    proc = subprocess.Popen(argv, stdin=stdin, stdout=open(out, "wb"),
                            stderr=open(err, "wb"), start_new_session=True)
    if stdin is subprocess.PIPE:
        def feed():
            try:
                with open(inp[5:], "rb") as f:
                    while True:
                        block = f.read(65536)
                        if not block:
                            break
                        proc.stdin.write(block)
            except BrokenPipeError:
                pass
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
    timed_out = []

    def kill():
        timed_out.append(True)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    timer = threading.Timer(seconds, kill)
    timer.start()
    _, status = os.waitpid(proc.pid, 0)
    timer.cancel()
    elapsed = time.monotonic() - start
    # whatever the command left running in its group goes too
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if timed_out:
        code = 124
    elif os.WIFSIGNALED(status):
        code = 128 + os.WTERMSIG(status)
    else:
        code = os.WEXITSTATUS(status)
    peak = 0
    try:
        with open(rss) as f:
            lines = [l for l in f.read().split("\n") if l.strip()]
        peak = int(lines[-1])
    except (OSError, IndexError, ValueError):
        pass
    with open(result, "w") as f:
        f.write("%d %d %.2f\n" % (code, peak, elapsed))


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "gen":
        with open(sys.argv[4], "wb") as out:
            gen(sys.argv[2], int(sys.argv[3]), out)
    elif len(sys.argv) >= 9 and sys.argv[1] == "run" and sys.argv[7] == "--":
        run(sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6],
            sys.argv[8:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
