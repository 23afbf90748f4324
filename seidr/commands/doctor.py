"""``seidr doctor``: what protects candidate code on this machine, and which toolchains seidr can use."""

from __future__ import annotations

import argparse

HELP = "show the sandbox's isolation layers and the toolchains found"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options yet


def _toolchains() -> list[tuple[str, str | None]]:
    import os
    import shutil
    import sys

    verus = os.environ.get("VERUS_PATH")
    return [
        ("python", sys.executable),
        ("g++", shutil.which("g++")),
        ("rustc", shutil.which("rustc")),
        ("verus", verus if verus and os.path.exists(verus) else None),
    ]


def run(args: argparse.Namespace) -> int:
    import os

    try:
        _print()
    except BrokenPipeError:  # piped into head: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    return 0


def _print() -> None:
    from seidr.runners.sandbox import forget_probe, isolation

    forget_probe()  # what holds now, not what was found before: probed again, and kept for the next runs
    iso = isolation()
    print(f"isolation: {iso.level}")
    print(f"  {iso.detail}")
    for name, active, why in iso.layers:
        print(f"  [{'on ' if active else 'off'}] {name:<13} {why}")
    print("toolchains:")
    for name, path in _toolchains():
        hint = " (set VERUS_PATH to the verus binary)" if name == "verus" else " (install it to use this language)"
        print(f"  {name:<7} {path or 'not found' + hint}")
