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


def _serve_tcp(create_server, host: str, port: int) -> int:
    """Listen on HOST:PORT, say so, and give each client that connects a server of its own; a client that
    leaves (closing or dropping its connection) ends only its session, and the next one is served."""
    import asyncio
    import logging
    import threading

    from pygls.io_ import run_async

    log = logging.getLogger("seidr.serve")
    listening: list = []
    exit_code: list[int] = []

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server = create_server()
        server.protocol.set_writer(writer)
        try:
            await run_async(stop_event=threading.Event(), reader=reader, protocol=server.protocol, logger=log,
                            error_handler=server.report_server_error)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            log.info("client left: %s", exc)
        except SystemExit as exc:  # the client said exit: the process ends, as over stdio
            exit_code.append(int(exc.code or 0))
            listening[0].close()
            return
        finally:
            writer.close()
        print("seidr serve: the client left; waiting for the next one", file=sys.stderr, flush=True)

    async def listen() -> None:
        try:
            listener = await asyncio.start_server(session, host, port)
        except OSError as exc:
            from seidr.cli import UsageError

            raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another port") from None
        where = ", ".join("{}:{}".format(*sock.getsockname()[:2]) for sock in listener.sockets)
        print(f"seidr serve: listening on {where}", file=sys.stderr, flush=True)
        listening.append(listener)
        try:
            async with listener:
                await listener.serve_forever()
        except asyncio.CancelledError:
            if not exit_code:
                raise

    asyncio.run(listen())
    return exit_code[0] if exit_code else 0


def run(args: argparse.Namespace) -> int:
    import logging

    address = _address(args.tcp) if args.tcp else None
    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.DEBUG,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from seidr.server.app import create_server
    from seidr.server.processes import kill_descendants

    try:
        if address:
            return _serve_tcp(create_server, *address)
        create_server().start_io(sys.stdin.buffer, _protocol_stdout())
    finally:
        kill_descendants()  # an editor that vanished without shutdown leaves no worker behind
    return 0
