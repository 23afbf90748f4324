"""Execute and judge programs: one runner per language, the sandbox, and the contracts they share.

This package imports nothing else of seidr's; everything above it imports from here.
"""

from __future__ import annotations

import importlib

# name -> the module that defines it. Loaded on first use: a warm worker imports this package for its
# sandbox modules alone, and the contracts' dataclasses and typing would add a fifth to its start.
_CONTRACTS = {
    "Example": "example",
    "ExampleResult": "verdict",
    "Limits": "limits",
    "Outcome": "verdict",
    "Problem": "problem",
    "Program": "program",
    "Runner": "runner",
    "Span": "problem",
    "Verdict": "verdict",
    "get_runner": "runner",
}

__all__ = sorted(_CONTRACTS)


def __getattr__(name: str):
    module = _CONTRACTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_CONTRACTS})
