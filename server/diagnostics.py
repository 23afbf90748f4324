"""Diagnostics from a check: an Error on each failing example's line, an Information on each stub, one for a file
that does not parse and one for a missing toolchain (codes and data as the editors' contract says)."""
from __future__ import annotations

from typing import Callable, Sequence

from lsprotocol import types

from seidr.runners.problem import Problem
from seidr.runners.verdict import Outcome, Verdict
from seidr.server import related_tests
from seidr.synth.extract import Extraction

SOURCE = "seidr"
CODES = {Outcome.FAILED: "example-failed", Outcome.ERROR: "example-error", Outcome.TIMEOUT: "example-timeout"}
SEVERITIES = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
              "information": types.DiagnosticSeverity.Information}

# (line text, code-point column) -> the column in the client's position units
Units = Callable[[str, int], int]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def line_range(lines: Sequence[str], first: int, last: int | None, units: Units) -> types.Range:
    """From the first non-blank character of ``first`` to the end of ``last``, clamped to the document."""
    if not lines:
        return types.Range(types.Position(0, 0), types.Position(0, 0))
    first = min(max(first, 0), len(lines) - 1)
    last = min(max(first if last is None else last, first), len(lines) - 1)
    head, tail = lines[first].rstrip("\r\n"), lines[last].rstrip("\r\n")
    start = len(head) - len(head.lstrip())
    return types.Range(types.Position(first, units(head, start)), types.Position(last, units(tail, len(tail))))


def _diagnostic(range_: types.Range, message: str, code: str, severity, function: str | None = None):
    return types.Diagnostic(range=range_, message=message, severity=severity, source=SOURCE, code=code,
                            data={"function": function} if function else None)


def for_problem(problem: Problem, verdict: Verdict | None, lines: Sequence[str], units: Units) -> list:
    """What one function's check shows: nothing when every example passes as doctest reads it."""
    head = line_range(lines, problem.line, None, units)
    if verdict is None:  # a stub is not run
        return [_diagnostic(head, f"not implemented; {related_tests.counted(problem)}", "stub",
                            types.DiagnosticSeverity.Information, problem.name)]
    if verdict.error is not None:  # the whole program failed: did not compile, did not load, ran out of time
        code = "example-timeout" if "timed out" in verdict.error else "example-error"
        return [_diagnostic(head, verdict.error.strip().splitlines()[-1] if verdict.error.strip() else "error",
                            code, types.DiagnosticSeverity.Error, problem.name)]
    out = []
    for result in verdict.failures:
        example = result.example
        if example.kind == "test":  # on the signature line, pointing at the test
            out.append(related_tests.diagnostic(problem, result, head))
            continue
        out.append(_diagnostic(line_range(lines, example.line, example.last_line, units), result.summary(),
                               CODES.get(result.outcome, "example-error"), types.DiagnosticSeverity.Error,
                               problem.name))
    for result in verdict.results:
        if result.passed and result.message:  # right as a value, but pytest --doctest-modules would fail it
            out.append(_diagnostic(line_range(lines, result.example.line, result.example.last_line, units),
                                   result.message, "doctest-text-differs", types.DiagnosticSeverity.Information,
                                   problem.name))
    return out


def for_messages(extraction: Extraction, lines: Sequence[str], units: Units) -> list:
    return [
        types.Diagnostic(
            range=(types.Range(types.Position(m.line, m.col), types.Position(m.end_line, m.end_col))
                   if m.end_line is not None and m.end_col is not None else line_range(lines, m.line, None, units)),
            message=m.message, severity=SEVERITIES.get(m.severity, types.DiagnosticSeverity.Error), source=SOURCE,
            code="syntax")
        for m in extraction.messages
    ]


def for_toolchain(message: str, problems: Sequence[Problem], lines: Sequence[str], units: Units) -> types.Diagnostic:
    line = problems[0].line if problems else 0
    return _diagnostic(line_range(lines, line, None, units), message, "toolchain", types.DiagnosticSeverity.Warning)
