"""``seidr trace show RUN``: print the events of one search run from its JSONL trace."""
from __future__ import annotations

import argparse

HELP = "show the trace of a synthesis run (seidr trace show RUN|last)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="trace_command", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="print a run's events, one a line")
    show.add_argument("run", metavar="RUN", help="a run id (or a unique prefix), 'last', or a trace file")
    show.add_argument("--json", action="store_true", help="print the raw JSON lines")


def _short(value, limit: int = 160) -> str:
    """Prompts and code are long; ``--json`` keeps them whole."""
    text = str(value).replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _line(event: dict) -> str:
    import time

    kind = event.pop("kind", "?")
    stamp = time.strftime("%H:%M:%S", time.localtime(event.pop("time", 0)))
    fields = " ".join(f"{k}={_short(v)}" for k, v in event.items())
    return f"{stamp} {kind:<8} {fields}"


def run(args: argparse.Namespace) -> int:
    import os

    from seidr.cli import UsageError
    from seidr.synth.events import find_trace
    from seidr.synth.settings import load_settings, read_config_file

    settings, _ = load_settings(read_config_file(".")[0])
    path = find_trace(settings.cache_folder(), args.run)
    if path is None:
        raise UsageError(f"no trace {args.run!r} under {settings.cache_folder()}/traces; use a run id that `seidr synth` printed, or 'last'")
    try:
        _print(path, args.json)
    except BrokenPipeError:  # piped into head: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    return 0


def _print(path: str, raw_json: bool) -> None:
    import json

    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            if not raw.strip():
                continue
            if raw_json:
                print(raw.rstrip())
                continue
            try:
                print(_line(json.loads(raw)))
            except (json.JSONDecodeError, AttributeError):
                print(raw.rstrip())
