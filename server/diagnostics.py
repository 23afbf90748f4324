"""Diagnostics from a check: an Error on each failing example's line, an Information on each stub, one for a file
that does not parse and one for a missing toolchain (codes and data as the editors' contract says)."""
from __future__ import annotations

from typing import Sequence

from lsprotocol import types

from seidr.runners.problem import Problem
from seidr.runners.verdict import Outcome, Verdict
from seidr.server import related_tests
from seidr.server.ranges import Units, line_range
from seidr.synth.extract import Extraction

SOURCE = "seidr"
CODES = {Outcome.FAILED: "example-failed", Outcome.ERROR: "example-error", Outcome.TIMEOUT: "example-timeout"}
SEVERITIES = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
              "information": types.DiagnosticSeverity.Information}

def _diagnostic(range_: types.Range, message: str, code: str, severity, function: str | None = None):
    return types.Diagnostic(range=range_, message=message, severity=severity, source=SOURCE, code=code,
                            data={"function": function} if function else None)


def for_problem(problem: Problem, verdict: Verdict | None, lines: Sequence[str], units: Units,
                ambiguity: str | None = None) -> list:
    """What one function's check shows: nothing when every example passes as doctest reads it. ``ambiguity``:
    what the last search found (``2 behaviours fit these examples``), said on a stub's mark."""
    head = line_range(lines, problem.line, None, units)
    if verdict is None:  # a stub is not run
        said = f"not implemented; {related_tests.counted(problem)}" + (f"; {ambiguity}" if ambiguity else "")
        return [_diagnostic(head, said, "stub", types.DiagnosticSeverity.Information, problem.name)]
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
