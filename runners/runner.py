"""``Runner``: the protocol every language's judge follows, and the lookup of one by language."""

from __future__ import annotations

import importlib
from typing import Protocol, Sequence, runtime_checkable

from seidr.runners.limits import Limits
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.runners.verdict import Verdict

# language -> module and class; imported on first use so a Python check never loads the C++ runner.
RUNNERS = {
    "python": ("seidr.runners.python", "PythonRunner"),
    "cpp": ("seidr.runners.cpp", "CppRunner"),
    "rust": ("seidr.runners.rust", "RustRunner"),
    "verus": ("seidr.runners.verus", "VerusRunner"),
}


@runtime_checkable
class Runner(Protocol):
    language: str

    async def judge(
        self,
        problem: Problem,
        programs: Sequence[Program],
        *,
        hidden: bool = False,
        limits: Limits | None = None,
    ) -> list[Verdict]:
        """One verdict per program, in order. ``hidden`` judges against ``problem.hidden_tests`` instead of
        ``problem.examples``. Never raises for anything the program does."""
        ...

    async def close(self) -> None:
        """Stop workers and remove temporary files."""
        ...


class UnsupportedLanguage(Exception):
    pass


def get_runner(language: str, **options) -> Runner:
    try:
        module_name, class_name = RUNNERS[language]
    except KeyError:
        raise UnsupportedLanguage(f"seidr has no runner for {language!r}") from None
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(**options)
