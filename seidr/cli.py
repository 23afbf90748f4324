"""The ``seidr`` command line: a thin dispatcher over one module per subcommand in ``seidr.commands``."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each name is a module ``seidr.commands.<name>`` exposing ``HELP``, ``add_arguments(parser)`` and
# ``run(args) -> int``. Command modules keep heavy imports inside ``run`` so start-up stays fast.
COMMANDS = ("check", "synth", "serve", "doctor", "trace", "bench", "batch")


class UsageError(Exception):
    """A problem with how seidr was called or configured; printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seidr",
        description="Turn the examples you write into working, verified code.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"seidr.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"seidr.commands.{name}":
                continue
            raise
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def _innermost(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)command parser that the arguments reached, so a bad flag is answered with its own usage."""
    while True:
        chosen = None
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = action.choices.get(getattr(args, action.dest, None) or "")
        if chosen is None:
            return parser
        parser = chosen


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        _innermost(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.version:
        from seidr import __version__

        print(f"seidr {__version__}")
        return 0
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args._run(args) or 0)
    except UsageError as exc:
        print(f"seidr {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("seidr: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
