"""Judging a Python program against the workspace's own pytest tests: the job a pytest worker runs
(``harness/pytest_worker.py``), and the per-test verdict from what its child reported.

The child runs the selected tests in-process with the program in place of the user's function and reports each
run of a test over its own pipe (``harness/pytest_child.py`` says how). This module decides: a test passes only
when the child's record says the plugin itself saw the test function return; a record missing, out of order or
without the run's nonce is never a pass; pytest stopping early, the module not loading, or pytest (or a standard
module the tests compare with) found changed after the run fails the whole program.
"""

from __future__ import annotations

import hashlib
import linecache
import os
import time
from dataclasses import dataclass, field, replace
from typing import Sequence

from seidr.runners.example import Example
from seidr.runners.job import make_job, own_code
from seidr.runners.limits import Limits
from seidr.runners.problem import Problem
from seidr.runners.pytest_config import conftests, kept_options, locate
from seidr.runners.program import Program
from seidr.runners.records import Tampered, exception_text, read_records, refused, stopped, unfinished
from seidr.runners.verdict import ExampleResult, Outcome, Verdict

GRACE_SECONDS = 10.0
AFTER_A_TIMEOUT = "not run: an earlier test "


def file_of(example: Example, problem: Problem | None = None) -> str:
    """The absolute path of a test example's file (from ``file``, or its id under the problem's rootdir)."""
    if example.file:
        return os.path.abspath(example.file)
    base = locate(os.path.dirname(os.path.abspath(problem.path))).rootdir if problem and problem.path else os.getcwd()
    return os.path.normpath(os.path.join(base, example.source.split("::", 1)[0]))


def name_of(example: Example) -> str:
    """The part of a test id after its file: ``test_y``, ``TestX::test_y``, ``test_z[1-2]``."""
    return example.source.split("::", 1)[1] if "::" in example.source else ""


def fingerprint(examples: Sequence[Example], problem: Problem | None = None) -> str:
    """What a test's verdict depends on besides the program: its file, the conftests and the settings file, by
    size and modification time, so a cached verdict goes stale when any of them changes."""
    files: set[str] = set()
    for example in examples:
        if example.kind != "test":
            continue
        path = file_of(example, problem)
        config = locate(os.path.dirname(path))
        files.update([path, *conftests(config.rootdir, path)])
        if config.inifile:
            files.add(config.inifile)
    parts = []
    for path in sorted(files):
        try:
            stat = os.stat(path)
            parts.append(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\0{stat.st_ino}")
        except OSError:
            parts.append(f"{path}\0missing")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


# the job -------------------------------------------------------------------------------------------------------
def make_test_job(problem: Problem, program: Program, tests: list[Example], limits: Limits) -> dict:
    """What a pytest worker needs for one program: the module and program as for doctests (``make_job``), the
    tests to select (file and name), the files it compiles ahead (test files and conftests), and pytest's
    command line. No test outcome is in it."""
    job = make_job(problem, program, tests, limits)
    paths = [file_of(e, problem) for e in tests]
    config = locate(os.path.dirname(paths[0]))
    compiled = dict.fromkeys(p for path in paths for p in (*conftests(config.rootdir, path), path))
    selected = list(dict.fromkeys(f"{path}::{name_of(e)}" if name_of(e) else path for path, e in zip(paths, tests)))
    job["read"] = [*job["read"], config.rootdir]
    job["pytest"] = {
        "rootdir": config.rootdir,
        "tests": [{"file": path, "name": name_of(e)} for path, e in zip(paths, tests)],
        "compile": list(compiled),
        "args": ["-p", "no:cacheprovider", "-p", "no:terminal", "-o", "addopts=", "--rootdir", config.rootdir,
                 "--continue-on-collection-errors", *kept_options(config), *selected],
    }
    return job


async def judge_tests(pool, problem: Problem, program: Program, examples: tuple[Example, ...],
                      tests: list[tuple[int, Example]], limits: Limits) -> tuple[Verdict, bool]:
    """The tests' verdict (other examples as placeholders) and whether it may be cached."""
    from seidr.runners.workers import WorkerLost, WorkerStartError

    started = time.monotonic()
    own = own_code(problem, program)
    if own:  # the project's tests take as long as they take under pytest; a search must
        # not wait that long on each looping candidate, whose tests get the examples' time
        limits = replace(limits, example_seconds=max(limits.example_seconds, limits.test_seconds),
                         program_seconds=limits.program_seconds + limits.test_seconds * len(tests))
    pending, results, keep = tests, None, True
    while pending:
        job = make_test_job(problem, program, [e for _, e in pending], limits)
        try:
            report = await pool.run(job, limits.program_seconds + GRACE_SECONDS)
        except (WorkerLost, WorkerStartError) as exc:
            message = str(exc)
            if isinstance(exc, WorkerStartError) and "pytest" in message:
                message = f"{message}; install pytest, or turn related tests off (tests = false, --no-tests)"
            return _whole(examples, [i for i, _ in tests], message, ""), False
        verdict = assemble(examples, pending, job, report, limits)
        keep = keep and report.timeout != "cancelled"
        if results is None or verdict.error is not None:
            results, error, output = list(verdict.results), verdict.error, verdict.output
        else:
            for index, _ in pending:
                results[index] = verdict.results[index]
        if error is not None or not own:
            break
        # the user's own tests after one that timed out run in a child of their own, as pytest would run them
        rest = [(i, e) for i, e in pending if (results[i].message or "").startswith(AFTER_A_TIMEOUT)]
        pending = rest if len(rest) < len(pending) else []
    return Verdict(tuple(results), error, output, seconds=time.monotonic() - started), keep


# reading the report ------------------------------------------------------------------------------------------
@dataclass
class Observed:
    """What the child's records say, checked for order."""

    load: dict | None = None
    collected: dict | None = None
    runs: list[tuple[int, dict | None]] = field(default_factory=list)  # (item, done payload or None: unfinished)
    end: dict | None = None


def follow(records: list[tuple[str, int, dict]]) -> Observed:
    """``begin``, ``load``, ``collected``, ``start k``/``done k`` for k = 0, 1, ..., ``end``; the first two after
    ``begin`` may be missing when pytest stopped early. Anything else raises ``Tampered``."""
    seen = Observed()
    stage = "begin"
    for position, (kind, index, payload) in enumerate(records):
        if position == 0:
            if kind != "begin":
                raise Tampered(f"a {kind!r} record where 'begin' belongs")
            continue
        if seen.end is not None:
            raise Tampered("a record after the end")
        if kind == "load" and stage == "begin":
            seen.load, stage = payload, "load"
        elif kind == "collected" and stage == "load":
            seen.collected, stage = payload, "collected"
        elif kind == "start" and stage in ("collected", "done") and index == len(seen.runs):
            item = payload.get("item")
            if type(item) is not int:
                raise Tampered("a start record without its test")
            seen.runs.append((item, None))
            stage = "start"
        elif kind == "done" and stage == "start" and index == len(seen.runs) - 1:
            item = seen.runs[-1][0]
            if payload.get("item") != item:
                raise Tampered("a done record for another test")
            seen.runs[-1] = (item, payload)
            stage = "done"
        elif kind == "end" and stage != "start":
            seen.end = payload
        else:
            raise Tampered(f"a {kind!r} record out of order")
    return seen


def assemble(examples: tuple[Example, ...], tests: list[tuple[int, Example]], job: dict, report, limits: Limits) -> Verdict:
    output = report.output.decode("utf-8", errors="replace") + ("\n[output cut]" if report.output_cut else "")
    indices = [i for i, _ in tests]
    try:
        seen = follow(read_records(report.records, job["nonce"]))
    except Tampered as why:
        return _whole(examples, indices, f"the program interfered with the judge's results ({why})", output)
    if seen.load is not None and not seen.load.get("ok"):
        return _whole(examples, indices, "the module did not load: " + exception_text(seen.load), output)
    if seen.collected is None:
        if seen.end is None:
            why = stopped(report, limits, "while pytest started")
        else:
            why = f"pytest stopped before it ran the tests (exit code {seen.end.get('rc')})"
            last = _last_lines(output)
            why += f": {last}" if last else ""
        return _whole(examples, indices, why, output)
    if seen.end is not None and not seen.end.get("intact"):
        changed = str(seen.end.get("changed") or "its code")
        return _whole(examples, indices, f"the program changed code the tests rely on ({changed})", output)
    try:
        results = _results(tests, seen, report, limits)
    except (AttributeError, TypeError, ValueError, KeyError):  # well-formed, in order, but not ours
        return _whole(examples, indices, "the program interfered with the judge's results (an unreadable result)",
                      output)
    placeholder = {i: ExampleResult(e, Outcome.SKIPPED, e.expected) for i, e in enumerate(examples)}
    # what the child wrote outside the tests is pytest's own chatter (plugin warnings): each test's captured
    # output is on its result, and the whole output only matters when the run failed as a whole
    return Verdict(tuple(results.get(i) or placeholder[i] for i in range(len(examples))))


def _results(tests: list[tuple[int, Example]], seen: Observed, report, limits: Limits) -> dict[int, ExampleResult]:
    items = seen.collected.get("items") or {}
    errors = seen.collected.get("errors") or {}
    xfail = seen.collected.get("xfail") or {}
    by_example: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for key, info in items.items():
        by_example.setdefault(int(info["example"]), []).append(int(key))
        names[int(key)] = str(info.get("case") or "")
    last: dict[int, dict | None] = {}
    for item, payload in seen.runs:
        last[item] = payload
    cut_short = seen.runs[-1][0] if seen.runs and seen.runs[-1][1] is None else None
    stop = None
    if cut_short is not None:
        stop = AFTER_A_TIMEOUT + ("timed out" if report.timeout in ("example", "program") else "did not finish")
    elif seen.end is None:
        stop = "not run: " + stopped(report, limits, "before it")
    results: dict[int, ExampleResult] = {}
    for position, (index, example) in enumerate(tests):
        positions = sorted(by_example.get(position, []))
        if not positions:
            results[index] = _not_collected(example, errors, xfail.get(str(position)))
            continue
        outcomes = []
        for item in positions:
            if item == cut_short:
                result = unfinished(example, report, limits)
                outcomes.append((result.outcome.value, result.message, None, "", item))
            elif item in last:
                done = last[item]
                outcomes.append((str(done["outcome"]), done.get("message"), done.get("line"), str(done.get("out") or ""),
                                 item))
            else:
                outcomes.append(("not run", stop or "not run: pytest did not run it", None, "", item))
        results[index] = _summarize(example, outcomes, names)
    return results


def _summarize(example: Example, outcomes: list[tuple], names: dict[int, str]) -> ExampleResult:
    """One result for a test from the results of its cases (a parametrized test has several): the first case
    that did not pass decides, naming the case."""
    bad = [o for o in outcomes if o[0] not in ("passed", "skipped")]
    output = "".join(o[3] for o in outcomes)
    if not bad:
        if any(o[0] == "passed" for o in outcomes):
            return ExampleResult(example, Outcome.PASSED, output=output)
        return ExampleResult(example, Outcome.SKIPPED, message=str(outcomes[0][1] or "skipped"), output=output)
    kind, message, line, _, item = bad[0]
    message = str(message or kind)
    if names.get(item) and kind != "not run":
        head, sep, rest = message.partition("\n")
        more = f"; {len(bad)} of {len(outcomes)} cases fail" if len(bad) > 1 else ""
        message = f"{head} (case {names[item]}{more}){sep}{rest}"
    outcome = {"failed": Outcome.FAILED, "timeout": Outcome.TIMEOUT}.get(kind, Outcome.ERROR)
    if outcome is not Outcome.TIMEOUT:
        head, sep, rest = message.partition("\n")
        source = linecache.getline(example.file, line) if example.file and isinstance(line, int) else ""
        message = f"{head}{refused(head, head + ' ' + source)}{sep}{rest}"
    return ExampleResult(example, outcome, message=message, output=output,
                         line=int(line) - 1 if isinstance(line, int) and line > 0 else None)


def _not_collected(example: Example, errors: dict, xfail: str | None) -> ExampleResult:
    if xfail is not None:
        return ExampleResult(example, Outcome.SKIPPED, message=f"marked xfail{': ' + xfail if xfail else ''}")
    path = example.file or ""
    for where, message in errors.items():
        if os.path.abspath(where) == path or where == path:
            return ExampleResult(example, Outcome.ERROR, message=f"the test file did not load: {message}")
    if errors:
        return ExampleResult(example, Outcome.ERROR, message=f"not collected: {next(iter(errors.values()))}")
    return ExampleResult(example, Outcome.ERROR, message=f"pytest found no test {example.source}; was it renamed?")


def _whole(examples: tuple[Example, ...], indices: list[int], message: str, output: str) -> Verdict:
    """A verdict in which every test failed for one reason (other examples as placeholders)."""
    wanted = set(indices)
    results = tuple(ExampleResult(e, Outcome.ERROR, message=message) if i in wanted else
                    ExampleResult(e, Outcome.SKIPPED, e.expected) for i, e in enumerate(examples))
    return Verdict(results, error=message, output=output)


def _last_lines(output: str, count: int = 3) -> str:
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    return " / ".join(lines[-count:])
