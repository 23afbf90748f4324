"""``seidr serve``: the language server, over stdio (default) or a TCP socket."""
from __future__ import annotations

import argparse

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
            server.start_io()
    finally:
        kill_descendants()  # an editor that vanished without shutdown leaves no worker behind
    return 0
