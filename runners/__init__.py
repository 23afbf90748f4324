"""Execute and judge programs: one runner per language, the sandbox, and the contracts they share.

This package imports nothing else of seidr's; everything above it imports from here.
"""

from __future__ import annotations

from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.problem import Problem, Span
from seidr.runners.program import Program
from seidr.runners.runner import Runner, get_runner
from seidr.runners.verdict import ExampleResult, Outcome, Verdict

__all__ = [
    "Example",
    "ExampleResult",
    "Limits",
    "Outcome",
    "Problem",
    "Program",
    "Runner",
    "Span",
    "Verdict",
    "get_runner",
]
