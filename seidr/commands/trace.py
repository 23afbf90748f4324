"""``seidr trace show RUN``: print the events of one search run from its JSONL trace."""
from __future__ import annotations

import argparse

HELP = "show the trace of a synthesis run (seidr trace show RUN|last)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="trace_command", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="print a run's events, one a line")
    show.add_argument("run", metavar="RUN", help="a run id (or a unique prefix), 'last', or a trace file")
    show.add_argument("--json", action="store_true", help="print the raw JSON lines")


def _line(event: dict) -> str:
    import time

    kind = event.pop("kind", "?")
    stamp = time.strftime("%H:%M:%S", time.localtime(event.pop("time", 0)))
    fields = " ".join(f"{k}={v}" for k, v in event.items())
    return f"{stamp} {kind:<8} {fields}"


def run(args: argparse.Namespace) -> int:
    import json

    from seidr.cli import UsageError
    from seidr.synth.events import find_trace
    from seidr.synth.settings import load_settings, read_config_file

    settings, _ = load_settings(read_config_file(".")[0])
    path = find_trace(settings.cache_folder(), args.run)
    if path is None:
        raise UsageError(f"no trace {args.run!r} under {settings.cache_folder()}/traces; use a run id that `seidr synth` printed, or 'last'")
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            if not raw.strip():
                continue
            if args.json:
                print(raw.rstrip())
                continue
            try:
                print(_line(json.loads(raw)))
            except (json.JSONDecodeError, AttributeError):
                print(raw.rstrip())
    return 0
