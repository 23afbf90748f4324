"""How ``seidr check`` reports: a file's and a function's results (``FileReport``, ``FunctionReport``), the text
lines (one per function, one per failing example) and the ``--json`` object."""

from __future__ import annotations

from dataclasses import dataclass, field

BROKEN = "the file does not parse"


@dataclass
class FunctionReport:
    """One function with examples: ``status`` is passed, failed, stub or not-checked."""

    problem: object
    status: str = "not-checked"
    verdict: object = None
    reason: str | None = None


@dataclass
class FileReport:
    path: str
    language: str
    text: str = ""
    limits: object = None
    tests: tuple = (False, None)  # (include related pytest tests, tests named per function in the settings)
    messages: list = field(default_factory=list)  # (0-based line, 0-based column, kind, message)
    toolchain: str | None = None  # why its functions could not be run: a compiler or verifier is missing
    functions: list[FunctionReport] = field(default_factory=list)


def fails(report: FileReport) -> bool:
    return bool(report.messages and any(kind != "information" for _, _, kind, _ in report.messages)) or any(
        f.status != "passed" for f in report.functions)


def _counts(function: FunctionReport, tests: bool = False) -> tuple[int, int, int]:
    """(passed, counted, skipped) of a function's examples written in the source, or of its related tests."""
    def ours(example) -> bool:
        return (example.kind == "test") == tests

    examples = [e for e in function.problem.examples if ours(e)]
    checked = sum(1 for e in examples if not e.skipped)
    verdict = function.verdict
    if verdict is None or not verdict.counted:  # not run, or the whole program failed before any example
        return 0, checked, len(examples) - checked
    counted = [r for r in verdict.counted if ours(r.example)]
    return sum(r.passed for r in counted), len(counted), len(examples) - len(counted)


def _tally(function: FunctionReport) -> str:
    """``2/3 examples pass (1 skipped), 1/2 tests pass``: the examples part is left out when the function has
    only tests."""
    parts = []
    for tests, noun in ((False, "examples"), (True, "tests")):
        passed, total, skipped = _counts(function, tests)
        if total or skipped or (not tests and not parts and not _counts(function, True)[1]):
            parts.append(f"{passed}/{total} {noun} pass" + (f" ({skipped} skipped)" if skipped else ""))
    forms = _forms(function)
    return ", ".join(parts) + (f" ({forms})" if forms else "")


def _forms(function: FunctionReport) -> str:
    """``3 doctest, 2 "==>"``: how the examples were written, shown once any was read from prose."""
    from collections import Counter

    counted = Counter(e.form for e in function.problem.examples if e.kind != "test")
    if set(counted) <= {"doctest"}:
        return ""
    return ", ".join(f"{n} doctest" if form == "doctest" else f'{n} "{form}"' for form, n in counted.most_common())


def _test_failure(result) -> str:
    """A failing test's line: where it failed (its file and line) and what pytest said."""
    import os

    example = result.example
    path = example.file or example.source.split("::", 1)[0]
    if os.path.isabs(path) and not os.path.relpath(path).startswith(".."):
        path = os.path.relpath(path)
    line = result.line if result.line is not None else example.line
    head, _, rest = (result.summary() or "").partition("\n")
    verb = "fails" if result.outcome.value == "failed" else result.outcome.value
    more = "".join(f"\n    {text.strip()}" for text in rest.splitlines() if text.strip())
    return f"{path}:{line + 1}: {example.describe()} {verb}: {head}{more}"


def _expected_text(result) -> str:
    example = result.example
    return example.exception or result.expected or example.expected or ""


def _failure(result) -> str:
    """What went wrong with one example, after ``file:line: ``."""
    outcome = result.outcome.value
    if outcome == "timeout":
        return "timeout: " + (result.message or "timed out")
    if outcome == "error":
        return "error: " + (result.message or "the example raised")
    expected = _expected_text(result).strip() or "nothing"
    actual = (result.actual if result.actual is not None else (result.message or "")).strip() or "nothing"
    if "\n" not in expected and "\n" not in actual:
        return f"expected {expected}, got {actual}"
    indent = "\n    "
    return f"expected{indent}{indent.join(expected.splitlines())}\n  got{indent}{indent.join(actual.splitlines())}"


def print_text(reports: list[FileReport]) -> None:
    counts = {"passed": 0, "failed": 0, "stub": 0, "not-checked": 0}
    for report in reports:
        for line, _, kind, message in report.messages:
            prefix = "syntax error: " if kind == "syntax" else ""
            print(f"{report.path}:{line + 1}: {prefix}{message}")
        if report.toolchain:
            print(f"{report.path}: {report.toolchain}")
        explained = (report.toolchain, BROKEN)
        for function in report.functions:
            problem = function.problem
            counts[function.status] += 1
            where = f"{report.path}:{problem.line + 1} {problem.name}"
            if function.status == "not-checked":
                print(f"{where} not checked" + ("" if function.reason in explained else f": {function.reason}"))
                continue
            if function.status == "stub":
                total, tests = _counts(function)[1], _counts(function, True)[1]
                print(f"{where} {_tally(function)} (not implemented)")
                what = [f"{n} {noun}{'s' * (n != 1)}" for n, noun in ((total, "example"), (tests, "test")) if n]
                print(f"{report.path}:{problem.line + 1}: {problem.name} is a stub with {' and '.join(what)}; "
                      "write its body or run seidr synth")
                continue
            print(f"{where} {_tally(function)}")
            verdict = function.verdict
            if verdict is None:
                continue
            if verdict.error:  # the program failed as a whole (did not load, compile, or finish in time)
                print(f"{report.path}:{problem.line + 1}: error: {verdict.error}")
                continue
            for result in verdict.failures:
                if result.example.kind == "test":
                    print(_test_failure(result))
                else:
                    print(f"{report.path}:{result.example.line + 1}: {_failure(result)}")
            for result in verdict.results:
                if result.passed and result.message:
                    print(f"{report.path}:{result.example.line + 1}: note: {result.message}")
    shown = [f"{counts['passed']} pass", f"{counts['failed']} fail"]
    shown += [f"{counts['stub']} stub{'s' * (counts['stub'] != 1)}"] if counts["stub"] else []
    shown += [f"{counts['not-checked']} not checked"] if counts["not-checked"] else []
    total = sum(counts.values())
    print(f"{total} function{'s' * (total != 1)} with examples in {len(reports)} "
          f"file{'s' * (len(reports) != 1)}: " + ", ".join(shown))


def print_json(reports: list[FileReport], skipped: list[tuple[str, str]], notes: list[str]) -> None:
    """One object; every line and column is 1-based, as in the text output."""
    import json

    files = []
    summary = {"files": len(reports), "functions": 0, "passed": 0, "failed": 0, "stubs": 0, "not_checked": 0,
               "examples": 0, "examples_passed": 0, "tests": 0, "tests_passed": 0}
    for report in reports:
        functions = []
        for function in report.functions:
            passed, total, skipped_n = _counts(function)
            tests_passed, tests_total, tests_skipped = _counts(function, True)
            summary["functions"] += 1
            summary[{"passed": "passed", "failed": "failed", "stub": "stubs"}.get(function.status, "not_checked")] += 1
            summary["examples"] += total
            summary["examples_passed"] += passed
            summary["tests"] += tests_total
            summary["tests_passed"] += tests_passed
            functions.append({
                "name": function.problem.name,
                "line": function.problem.line + 1,
                "status": function.status,
                "passed": passed,
                "total": total,
                "skipped": skipped_n,
                "tests": {"passed": tests_passed, "total": tests_total, "skipped": tests_skipped},
                "reason": function.reason or (function.verdict.error if function.verdict is not None else None),
                "examples": _json_examples(function),
            })
        files.append({
            "path": report.path,
            "language": report.language,
            "messages": [{"line": line + 1, "column": col + 1, "kind": kind, "message": message}
                         for line, col, kind, message in report.messages],
            "toolchain": report.toolchain,
            "functions": functions,
        })
    if not summary["tests"]:  # no function had related tests: the summary reads as it did before tests
        del summary["tests"], summary["tests_passed"]
    out = {
        "ok": not any(fails(r) for r in reports),
        "summary": summary,
        "files": files,
        "skipped": [{"path": path, "reason": why} for path, why in skipped],
        "notes": notes,
    }
    print(json.dumps(out, indent=2))


def _json_examples(function: FunctionReport) -> list[dict]:
    """Each example with its outcome: passed, failed, error, timeout, skipped, or not-run (a stub, or a
    function that was not checked)."""
    results = {r.example: r for r in function.verdict.results} if function.verdict is not None else {}
    out = []
    for example in function.problem.examples:
        result = results.get(example)
        entry = {"line": example.line + 1, "source": example.source, "expected": example.expected,
                 "form": example.form, "outcome": "skipped" if example.skipped else (result.outcome.value if result else "not-run")}
        if example.kind == "test":  # a pytest test: its id, its file, its line there (not its code)
            entry.update(kind="test", name=example.label, file=example.file, expected=None)
            entry.pop("form")
        if result is not None and result.passed and result.message:
            entry["note"] = result.message
        if result is not None and not result.passed:
            entry.update(actual=result.actual, message=result.message)
            if result.line is not None:
                entry["failed_line"] = result.line + 1
        out.append(entry)
    return out
