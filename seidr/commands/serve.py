"""``seidr serve``: the language server, over stdio (default) or a TCP socket."""
from __future__ import annotations

import argparse
import sys

HELP = "run the language server (stdio; --tcp HOST:PORT for a socket)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead of stdio")
    parser.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    parser.add_argument("--log-file", metavar="PATH", help="write the server's own log (debug level) to PATH")


def _address(value: str) -> tuple[str, int]:
    from seidr.cli import UsageError

    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--tcp wants HOST:PORT, e.g. 127.0.0.1:2087; got {value!r}")
    return host.strip("[]"), int(port)


def _protocol_stdout():
    """A private handle on stdout for the protocol; file descriptor 1 then points at stderr, so a stray print
    (a library's banner, a child process that inherits it) can never corrupt the message stream."""
    import os

    sys.stdout.flush()
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol


def run(args: argparse.Namespace) -> int:
    import logging

    address = _address(args.tcp) if args.tcp else None
    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.DEBUG,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from seidr.server.app import create_server
    from seidr.server.processes import kill_descendants

    server = create_server()
    try:
        if address:
            server.start_tcp(*address)
        else:
            server.start_io(sys.stdin.buffer, _protocol_stdout())
    finally:
        kill_descendants()  # an editor that vanished without shutdown leaves no worker behind
    return 0
