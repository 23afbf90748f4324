"""The workspace's pytest tests in the editor: a Python function's related tests join its examples for checks,
code lenses, code actions and synthesis, and each failing one becomes a diagnostic on the function's signature
line that points at the test's own line. Saving a test file checks the open files again."""
from __future__ import annotations

import asyncio
import os
from dataclasses import replace
from typing import Sequence

from lsprotocol import types
from pygls.uris import from_fs_path

from seidr.runners.problem import Problem
from seidr.runners.verdict import ExampleResult, Verdict
from seidr.server.ranges import line_range, plural
from seidr.synth.extract import Extraction
from seidr.synth.settings import Settings

CODE = "test-failed"
MISSING = "test-missing"


def wanted(language: str | None, path: str | None, settings: Settings) -> bool:
    return language == "python" and bool(path) and settings.tests


async def with_tests(extraction: Extraction, path: str | None, settings: Settings) -> tuple[Extraction, list]:
    """The extraction with each function's related tests after its examples (found off the event loop: the first
    search parses the test files), and (line, message) for each test named but not found."""
    if not wanted(extraction.language, path, settings) or not extraction.problems:
        return extraction, []

    def find() -> tuple[list[Problem], list]:
        from seidr.synth.tests_discovery import with_related_tests

        problems, messages = [], []
        for problem in extraction.problems:
            found, missing = with_related_tests(problem, True, settings.related_tests)
            problems.append(found)
            messages.extend((problem.line, m) for m in missing)
        return problems, messages

    problems, messages = await asyncio.to_thread(find)
    return Extraction(extraction.language, problems, list(extraction.messages)), messages


async def problem_with_tests(problem: Problem, path: str | None, settings: Settings) -> Problem:
    """One function with its related tests (for a synthesis, a repair, or applying a last result)."""
    found, _ = await with_tests(Extraction("python", [problem]), path, settings)
    return found.problems[0]


def tests_of(problem: Problem) -> list:
    return [e for e in problem.checked_examples() if e.kind == "test"]


def counts(problem: Problem, verdict: Verdict | None) -> tuple[tuple[int, int], tuple[int, int]]:
    """((examples passed, examples), (tests passed, tests)) of a function's last check; a stub or a program that
    failed as a whole passes none."""
    examples = problem.checked_examples()
    totals = [sum(1 for e in examples if e.kind != "test"), sum(1 for e in examples if e.kind == "test")]
    passed = [0, 0]
    if verdict is not None and verdict.error is None and verdict.counted:
        totals = [0, 0]
        for result in verdict.counted:
            kind = int(result.example.kind == "test")
            totals[kind] += 1
            passed[kind] += result.passed
    return (passed[0], totals[0]), (passed[1], totals[1])


def lens_title(problem: Problem, verdict: Verdict | None) -> str:
    """``✓ 3/3 examples``, ``✗ 1/4 tests``, or both: ``✓ 3/3 examples · ✗ 1/4 tests``."""
    parts = []
    for (passed, total), noun in zip(counts(problem, verdict), ("examples", "tests")):
        if total:
            parts.append(f"{'✓' if passed == total else '✗'} {passed}/{total} {noun}")
    return " · ".join(parts) or "✗ 0/0 examples"


def counted(problem: Problem) -> str:
    """``3 examples``, ``4 tests``, ``1 example and 4 tests``."""
    examples, tests = len(problem.checked_examples()) - len(tests_of(problem)), len(tests_of(problem))
    return " and ".join(plural(n, noun) for n, noun in ((examples, "example"), (tests, "test")) if n) or "0 examples"


def failing(problem: Problem, verdict: Verdict) -> str:
    """``2 of 3 examples``, ``1 of 4 tests``, ``1 of 3 examples and 1 of 4 tests`` (what fails)."""
    parts = []
    for (passed, total), noun in zip(counts(problem, verdict), ("examples", "tests")):
        if total and passed < total:
            parts.append(f"{total - passed} of {total} {noun}")
    return " and ".join(parts) or "0 examples"


def diagnostic(problem: Problem, result: ExampleResult, head: types.Range) -> types.Diagnostic:
    """A failing test: an Error on the function's signature line, with the test's own line as related
    information."""
    example = result.example
    name = example.describe()
    said = (result.summary() or "failed").strip().splitlines()[0] if (result.summary() or "").strip() else "failed"
    line = result.line if result.line is not None else example.line
    related = None
    if example.file:
        related = [types.DiagnosticRelatedInformation(
            location=types.Location(uri=from_fs_path(example.file), range=_line_range(example.file, line)),
            message=f"{example.source}: {said}")]
    return types.Diagnostic(range=head, message=f"{name} fails: {said}", severity=types.DiagnosticSeverity.Error,
                            source="seidr", code=CODE, related_information=related,
                            data={"function": problem.name, "test": example.source})


def missing(messages: Sequence, lines: Sequence[str], units) -> list[types.Diagnostic]:
    """A Warning on the function's line for each test named in a setting or the docstring that does not exist."""
    return [types.Diagnostic(range=line_range(lines, line, None, units), message=message,
                             severity=types.DiagnosticSeverity.Warning, source="seidr", code=MISSING)
            for line, message in messages]


def _line_range(path: str, line: int) -> types.Range:
    """The whole of ``line`` in the file at ``path`` (its end in UTF-16 units, as LSP counts by default)."""
    end = 0
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for number, text in enumerate(fh):
                if number == line:
                    end = len(text.rstrip("\r\n").encode("utf-16-le")) // 2
                    break
    except OSError:
        pass
    return types.Range(types.Position(line, 0), types.Position(line, end))


def is_test_file(path: str | None) -> bool:
    """Whether saving ``path`` can change other files' verdicts: a test file or a conftest."""
    if not path or not path.endswith(".py") or not os.path.isfile(path):
        return False
    from seidr.synth.tests_discovery import is_test_module

    return is_test_module(path)


def for_checked(checked_problem: Problem | None, problem: Problem) -> Problem:
    """``problem`` (the current text's) with the tests its last check found, while its code and examples are
    the ones that check saw; otherwise as it is."""
    if checked_problem is None or checked_problem.code != problem.code:
        return problem
    own = tuple(e for e in checked_problem.examples if e.kind != "test")
    if own != problem.examples:
        return problem
    return replace(problem, examples=checked_problem.examples)
