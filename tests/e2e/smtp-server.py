#!/usr/bin/python3
"""Local SMTP sink for the matchguard end-to-end tests (aiosmtpd).

    smtp-server.py --spool DIR --port-file FILE [--parent PID] [--lifetime SECONDS]

Listens on 127.0.0.1 on a free port (bound as port 0, so no port is ever
guessed) and writes that port to FILE (atomically) once it accepts
connections.  Every message received is stored, before the server answers
250 to its DATA, as a numbered directory DIR/NNNN/ holding

    mail_from   the envelope sender (MAIL FROM), no newline
    rcpt_tos    the envelope recipients, one per line
    data        the exact DATA bytes as received (CRLF line ends kept,
                leading dots un-stuffed)

The directory is written under a temporary name and renamed into place, so
a reader never sees half a message.  SIGTERM or SIGINT stops the server
cleanly (exit 0).  It also stops by itself when the process --parent names
is gone or after --lifetime seconds (default 600), so that it never
outlives the test that started it.  It puts itself in a process group of its
own (its pid is the group id) so the test can kill the group.

Debian's python3 and python3-aiosmtpd; nothing else.
"""

import argparse
import asyncio
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class Spool:
    """aiosmtpd handler: one numbered directory per message."""

    def __init__(self, spool):
        self.spool = spool
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = "%04d" % self.count
        tmp = os.path.join(self.spool, ".tmp-" + name)
        os.makedirs(tmp)
        with open(os.path.join(tmp, "mail_from"), "w") as f:
            f.write(envelope.mail_from or "")
        with open(os.path.join(tmp, "rcpt_tos"), "w") as f:
            for r in envelope.rcpt_tos:
                f.write(r + "\n")
        with open(os.path.join(tmp, "data"), "wb") as f:
            f.write(envelope.original_content or b"")
        os.rename(tmp, os.path.join(self.spool, name))
        return "250 Message accepted for delivery"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spool", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--parent", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=600.0)
    args = ap.parse_args()
    # its own process group, so that the test can stop it (and anything it
    # might start) with one kill of the group
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    os.makedirs(args.spool, exist_ok=True)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Spool(args.spool)

    def factory():
        # hostname given: the default socket.getfqdn() can stall without DNS
        return SMTP(handler, hostname="smtp-sink.e2e.invalid", decode_data=False,
                    ident="matchguard-e2e-sink")

    server = loop.run_until_complete(
        loop.create_server(factory, host="127.0.0.1", port=0))
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)

    stop = asyncio.Event()

    def request_stop(*_):
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, request_stop)

    async def watchdog():
        waited = 0.0
        while not stop.is_set():
            await asyncio.sleep(0.5)
            waited += 0.5
            if waited >= args.lifetime:
                print("smtp-server.py: lifetime of %gs reached, stopping" % args.lifetime,
                      file=sys.stderr)
                stop.set()
            elif args.parent:
                try:
                    os.kill(args.parent, 0)
                except ProcessLookupError:
                    stop.set()
                except PermissionError:
                    pass

    async def run():
        dog = asyncio.ensure_future(watchdog())
        await stop.wait()
        dog.cancel()
        server.close()
        await server.wait_closed()

    loop.run_until_complete(run())
    loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
