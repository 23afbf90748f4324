"""``seidr synth FILE[::FUNCTION]``: search for bodies of stubs and failing functions; print a diff or write it."""
from __future__ import annotations

import argparse
import re

HELP = "synthesize or repair functions from their examples; prints a unified diff (--write applies it)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="FILE[::FUNCTION]", help="a source file, optionally one function in it")
    parser.add_argument("--write", action="store_true", help="apply the result in place (only if the file is unchanged)")
    parser.add_argument("--model", help="a litellm model name, e.g. openai/gpt-4o-mini")
    parser.add_argument("--api-base", help="an OpenAI-compatible base URL")
    parser.add_argument("--strategy", help="seidr (default), best-of-n, mbr, refine or treefinement")
    parser.add_argument("--calls", type=int, help="budget: model calls per function")
    parser.add_argument("--seconds", type=float, help="budget: seconds per function")
    parser.add_argument("--cost", type=float, help="budget: US dollars per function")
    parser.add_argument("--no-cache", action="store_true", help="ask the model again even for cached prompts")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-tests", action="store_true",
                        help="leave out the workspace's pytest tests that exercise each function")


# the flags that set each setting, so a bad value names what the user typed
FLAG_OF = {"seidr.model": "--model", "seidr.apiBase": "--api-base", "seidr.strategy": "--strategy",
           "seidr.budget.calls": "--calls", "seidr.budget.seconds": "--seconds", "seidr.budget.costUsd": "--cost"}
SETTINGS_FILE = "seidr.toml or [tool.seidr] in pyproject.toml"


def _one_line(problems: list[str], fix: str) -> str:
    """Every problem, without the fallback the lenient loaders chose (a synthesis does not guess), on one line."""
    said = [re.sub(r"; (using the default|using defaults|ignored)$", "", p) for p in problems]
    return f"{'; '.join(said)}; {fix}"


def _settings(args, path: str):
    """The settings for ``path``: its settings file, then the flags. A bad setting stops the command (exit 2):
    a search that spends money runs only with the settings the user wrote."""
    from seidr.cli import UsageError
    from seidr.synth.settings import load_settings, read_config_file

    file_layer, unreadable = read_config_file(path)
    if unreadable:
        raise UsageError(_one_line(unreadable, "fix the file"))
    budget = {k: v for k, v in (("calls", args.calls), ("seconds", args.seconds), ("costUsd", args.cost)) if v is not None}
    flags = {k: v for k, v in (("model", args.model), ("apiBase", args.api_base), ("strategy", args.strategy)) if v}
    if budget:
        flags["budget"] = budget
    if args.no_cache:
        flags["cache"] = False
    if args.no_tests:
        flags["tests"] = False
    _, in_file = load_settings(file_layer)
    if in_file:
        raise UsageError(_one_line(in_file, f"fix it in {SETTINGS_FILE}"))
    settings, bad = load_settings(file_layer, flags)
    if bad:
        key = bad[0].partition(":")[0]
        raise UsageError(_one_line(bad, f"fix {FLAG_OF.get(key, 'the flag')}"))
    return settings  # with no model, Python functions get the built-in search alone (develop_problem says so)


def _check_model(settings) -> None:
    """A model that cannot be used (no key, a name litellm does not know) stops the command before any search."""
    from seidr.cli import UsageError
    from seidr.synth.models import model_problem

    if settings.model:
        problem = model_problem(settings)
        if problem:
            raise UsageError(problem)


# exit statuses beyond 0 (solved), 1 (not solved) and 2 (usage or configuration)
MODEL_SERVICE_FAILED = 3
NOT_WRITTEN = 4
INTERRUPTED = 130


class ModelUnusable(Exception):
    """The model answered no request: a setup it refuses (a rejected key, an unknown model) or a service that
    failed (``service``: not there, timing out, erring). It carries what was found before it, so that lands."""

    def __init__(self, message: str, new_text: str, results: list, service: bool):
        super().__init__(message)
        self.new_text, self.results, self.service = new_text, results, service


class Run:
    """What a run has done so far, kept outside its event loop so that an interrupted run still says its
    trace id and what it spent: the finished searches and the spend of the one under way."""

    def __init__(self):
        self.trace_id: str | None = None
        self.results: list = []
        self.functions = 0  # functions with examples in the file
        self.current: dict = {}

    def __call__(self, event) -> None:  # an Events sink: the spend of the search under way
        if event.kind == "spent":
            self.current = event.data.get("summary") or {}

    def spends(self) -> list[dict]:
        return [ranking.spend or {} for _, ranking in self.results] + [self.current]


def _unusable_model(ranking) -> str | None:
    """Why the model could not be used at all, when a search ended on a model error before any reply."""
    reason = ranking.reason or ""
    drafted = [c for c in ranking.candidates if c.program.origin != "enumerative"]
    if reason.startswith("model error: ") and not (ranking.spend or {}).get("calls") and not drafted:
        return reason.removeprefix("model error: ")
    return None


async def _targets(problems, runner, settings):
    """Stubs, and functions whose current code fails one of its examples."""
    from seidr.runners.program import Program

    targets, checked = [], []
    for problem in problems:
        if not problem.checked_examples() or not problem.synthesizable:
            continue
        (targets if problem.is_stub else checked).append(problem)
    if checked:
        limits = settings.limits.to_limits()
        for problem in checked:
            [verdict] = await runner.judge(problem, [Program(problem.code)], limits=limits)
            if not verdict.passed:
                targets.append(problem)
    return sorted(targets, key=lambda p: p.line)


def _pinned(text: str, shown: str, results) -> str:
    """The text with only the bodies the examples pin down: an ambiguous pick is shown, never written."""
    from seidr.synth.edits import EditError, with_program

    if not any(r.solved and r.ambiguous for _, r in results):
        return shown
    out = text
    for problem, ranking in results:
        if ranking.pinned:
            try:
                out = with_program(out, problem, ranking.best.program.code)
            except EditError:
                pass  # said already when the shown text was made
    return out


def _with_tests(problem, settings):
    """The problem with the workspace's pytest tests that exercise it (a named test not found is said once)."""
    import sys

    from seidr.synth.tests_discovery import with_related_tests

    problem, messages = with_related_tests(problem, True, settings.related_tests)
    for message in messages:
        print(f"seidr synth: {message}", file=sys.stderr)
    return problem


async def _synth(args, path, name, text, settings, run: Run) -> str:
    import sys

    from seidr.cli import UsageError
    from seidr.runners.runner import UnsupportedLanguage
    from seidr.synth.develop import ConfigError, develop_problem, runner_for
    from seidr.synth.edits import EditError, with_program
    from seidr.synth.events import Events, ProgressBar, TraceWriter
    from seidr.synth.extract import extract

    extraction = extract(text, path)
    errors = [m for m in extraction.messages if m.severity == "error"]
    if errors:  # every program would be judged in a module that does not load
        raise UsageError(f"{path}:{errors[0].line + 1}: {errors[0].message}; fix the file first")
    run.functions = sum(bool(p.checked_examples()) for p in extraction.problems)
    if settings.tests and extraction.language == "python":
        extraction.problems = [_with_tests(p, settings) for p in extraction.problems]
    if name:
        problem = extraction.find(name)
        if problem is None:
            raise UsageError(f"no function {name} in {path}; check the name after '::'")
        if not problem.checked_examples():
            raise UsageError(f"{name} in {path} has no examples to synthesize from; add a doctest or a test")
    try:
        runner = runner_for(extraction.language)
    except (UnsupportedLanguage, ConfigError) as exc:
        raise UsageError(str(exc)) from None
    trace = TraceWriter(settings.cache_folder())
    run.trace_id = trace.run_id
    results = run.results
    try:
        targets = [problem] if name else await _targets(extraction.problems, runner, settings)
        if targets:
            _check_model(settings)
        new_text = text
        for problem in targets:
            sinks = [trace, run]
            run.current = {}
            bar = None if args.no_progress or not sys.stderr.isatty() else ProgressBar(problem.name)
            if bar:
                sinks.append(bar)
            events = Events(sinks)
            events.emit("stage", stage="function", function=problem.name)
            try:
                if bar:
                    with bar:
                        ranking = await develop_problem(problem, settings, events, runner=runner)
                else:
                    ranking = await develop_problem(problem, settings, events, runner=runner)
            except ConfigError as exc:
                raise UsageError(str(exc)) from None
            unusable = _unusable_model(ranking)
            if unusable and not ranking.candidates:  # every function after this one would fail the same way
                raise ModelUnusable(unusable, new_text, results, ranking.service_failed)
            results.append((problem, ranking))
            run.current = {}
            if ranking.solved:
                try:
                    new_text = with_program(new_text, problem, ranking.best.program.code)
                except EditError as exc:
                    print(f"seidr synth: {problem.name}: {exc}", file=sys.stderr)
            if unusable:  # what the built-in search found lands; no other function asks the model again
                raise ModelUnusable(unusable, new_text, results, ranking.service_failed)
    finally:
        trace.close()
        await runner.close()
    print(f"trace: {trace.run_id}", file=sys.stderr)
    return new_text


def spend(spends: list[dict]) -> dict:
    """What the run's searches spent together, from each one's budget: model calls, tokens, US dollars (None
    when a model's price is unknown to litellm), replies served from the cache, programs searched locally."""
    total = {"calls": 0, "tokens": 0, "cost_usd": 0.0, "cached": 0, "searched": 0}
    priced = True
    for used in spends:
        for key in total:
            total[key] += used.get(key) or 0
        priced = priced and "note" not in used  # the budget notes the models it has no price for
    total["cost_usd"] = round(total["cost_usd"], 6) if priced else None
    return total


def spend_line(total: dict, seconds: float) -> str:
    """One line: ``spent: 3 model calls, 1,210 tokens, $0.000412, 4.1 s``."""
    calls = f"{total['calls']:,} model call{'s' if total['calls'] != 1 else ''}"
    cost = "price unknown" if total["cost_usd"] is None else f"${total['cost_usd']:.6f}" if total["cost_usd"] else "$0"
    extra = [f"{total['cached']:,} cached repl{'ies' if total['cached'] != 1 else 'y'}"] if total["cached"] else []
    if total["searched"]:
        extra.append(f"{total['searched']:,} programs searched locally")
    return f"spent: {calls}, {total['tokens']:,} tokens, {cost}, {seconds:.1f} s" + "".join(f"; {e}" for e in extra)


def _write_atomic(path: str, text: str) -> None:
    """Replace the file whole or not at all; an ``OSError`` leaves it as it was and no temporary file behind."""
    import os
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".seidr-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_failure(path: str, exc: OSError) -> str:
    """One line for a file seidr could not write: what stopped it, and what to do."""
    import errno

    why = {errno.EROFS: ("it is on a read-only file system", "copy the project somewhere writable"),
           errno.EACCES: ("permission denied", "make the file and its folder writable, or run without --write"),
           errno.EPERM: ("permission denied", "make the file and its folder writable, or run without --write"),
           errno.ENOSPC: ("the disk is full", "free some space and run again"),
           errno.EDQUOT: ("the disk quota is used up", "free some space and run again")}
    cause, fix = why.get(exc.errno, (exc.strerror or str(exc), "the diff above is what would have been written"))
    return f"cannot write {path}: {cause}; {fix}; the file is unchanged"


def _changed(results) -> int:
    return sum(1 for _, ranking in results if ranking.pinned)


def run(args: argparse.Namespace) -> int:
    import asyncio
    import difflib
    import os
    import sys
    import time

    from seidr.cli import UsageError
    from seidr.synth.extract import language_for

    start = time.monotonic()
    path, _, name = args.target.partition("::")
    if os.path.isdir(path):
        raise UsageError(f"{path} is a folder; name one source file (seidr check takes folders)")
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file")
    if language_for(path) is None:
        raise UsageError(f"{path}: not a Python, C++, Rust or Verus source file (.py, .cpp, .h, .rs)")
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from None
    settings = _settings(args, path)
    from seidr.synth.models import ModelError, warm_up

    try:
        warm_up(settings)
    except ModelError:
        pass  # said with its fix when the model is checked
    unusable = None
    run = Run()
    try:
        new_text = asyncio.run(_synth(args, path, name or None, text, settings, run))
    except ModelUnusable as exc:
        if not exc.results and not exc.service:
            raise UsageError(str(exc)) from None
        unusable, new_text = exc, exc.new_text
    except KeyboardInterrupt:  # the file is untouched; say where the run's record is and what it cost
        print("seidr synth: interrupted; nothing written", file=sys.stderr)
        if run.trace_id:
            print(f"trace: {run.trace_id}", file=sys.stderr)
        print(spend_line(spend(run.spends()), time.monotonic() - start), file=sys.stderr)
        return INTERRUPTED
    results = run.results
    if not results and not unusable:
        if not run.functions:
            print(f"no functions with examples in {path}; add a doctest or a test to synthesize from", file=sys.stderr)
        else:
            print(f"{path}: nothing to do; every function with examples passes them", file=sys.stderr)
        return 0
    for problem, ranking in results:
        state = "solved" if ranking.solved else f"not solved ({ranking.reason})"
        if ranking.solved and ranking.ambiguous:  # passes every example, but so do programs that differ
            state = f"not solved: {ranking.ambiguity.summary()} ({ranking.reason})"
        elif ranking.solved and ranking.reason not in ("", "solved"):
            state += f" ({ranking.reason})"  # e.g. found by the built-in search, with no model configured
        best = f"; best: {ranking.best.explain()}" if ranking.best and not ranking.solved else ""
        print(f"{problem.name}: {state}{best}", file=sys.stderr)
        if ranking.solved and ranking.ambiguous:
            print(ranking.ambiguity.line(), file=sys.stderr)
            if ranking.ambiguity.doctests():
                print("  add the example that says which one you mean, e.g.:", file=sys.stderr)
            for doctest_text in ranking.ambiguity.doctests():
                print("    " + doctest_text.replace("\n", "\n    "), file=sys.stderr)
    sys.stdout.writelines(difflib.unified_diff(
        text.splitlines(keepends=True), new_text.splitlines(keepends=True), f"a/{path}", f"b/{path}"))
    sys.stdout.flush()
    pinned = _pinned(text, new_text, results)
    status = 0 if all(r.pinned for _, r in results) else 1
    new_text = pinned
    if args.write and new_text != text:
        status = _write(path, text, new_text, results, status)
    print(spend_line(spend(run.spends()), time.monotonic() - start), file=sys.stderr)
    if unusable:
        print(f"seidr synth: {unusable}", file=sys.stderr)
        return MODEL_SERVICE_FAILED if unusable.service else 2
    return status


def _write(path: str, text: str, new_text: str, results, status: int) -> int:
    """Write the result onto the file if nobody changed it meanwhile; the exit status that follows."""
    import sys

    try:
        with open(path, encoding="utf-8", newline="") as fh:
            if fh.read() != text:
                print(f"seidr synth: {path} changed while seidr was working; not written (run again)", file=sys.stderr)
                return 1
        _write_atomic(path, new_text)
    except OSError as exc:
        print(f"seidr synth: {write_failure(path, exc)}", file=sys.stderr)
        return NOT_WRITTEN
    count = _changed(results)
    print(f"wrote {path} ({count} function{'s' if count != 1 else ''})", file=sys.stderr)
    return status
