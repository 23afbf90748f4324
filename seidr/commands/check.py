"""``seidr check PATH...``: run the examples of every function in files and folders (its doctests and the
workspace's pytest tests that exercise it), print each one that fails on its own line, and exit 1 when any does
(2 when the command itself is misused)."""

from __future__ import annotations

import argparse

from seidr.commands.check_output import BROKEN, FileReport, FunctionReport, fails, print_json, print_text

HELP = "run the examples of every function in files or folders and report the ones that fail"

# folders a recursive walk never enters (besides hidden ones): environments, caches and build outputs
SKIP_FOLDERS = frozenset({".venv", "venv", "node_modules", "__pycache__", "build", "target", "dist"})
# files seidr reads but does not check: type stubs have no bodies to run
SKIP_SUFFIXES = (".pyi",)
KNOWN = "a Python, C++, Rust or Verus source file"
TOOLCHAINS = {"cpp": ("g++", "C++"), "rust": ("rustc", "Rust")}
# doctests one warm worker judges (a program forks a confined child each) in about the time another takes to start
EXAMPLES_PER_WORKER = 24


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    parser.add_argument("--no-tests", action="store_true",
                        help="leave out the workspace's pytest tests that exercise each function")


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    if any(os.path.isdir(path) or path.endswith(".py") for path in args.paths):
        # the first Python worker boots (a tenth of a second) while this process imports the rest and extracts
        from seidr.runners.spawn import WORKER, early, own_pool

        early(own_pool(WORKER))  # the user's own code
    import asyncio

    files, skipped = _collect(args.paths)
    for path, why in skipped:
        print(f"seidr check: skipping {path} ({why})", file=sys.stderr)
    notes: list[str] = []
    options = {path: _options(path, notes, not args.no_tests) for path in args.paths}
    for note in notes:
        print(f"seidr check: {note}", file=sys.stderr)
    reports = [_read(path, *options[root]) for root, path in files]
    if not reports and not skipped:
        print("seidr check: no source files to check under " + ", ".join(args.paths), file=sys.stderr)
    workers = _python_workers(reports)
    asyncio.run(_judge_all(reports, {"python": workers or None}))
    try:
        if args.json:
            print_json(reports, skipped, notes)
        else:
            print_text(reports)
        sys.stdout.flush()
    except BrokenPipeError:  # piped into head: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if any(fails(report) for report in reports) else 0


# --- which files ---------------------------------------------------------------------------------------

def _collect(paths: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(the argument it came from, file) for each file to check, in a stable order, and the files named
    explicitly that seidr does not check, with why."""
    import os

    from seidr.cli import UsageError
    from seidr.synth.extract import language_for

    files: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    for root in paths:
        if os.path.isdir(root):
            for folder, dirs, names in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_FOLDERS)
                for name in sorted(names):
                    path = os.path.join(folder, name)
                    if language_for(path) and not name.endswith(SKIP_SUFFIXES):
                        files.append((root, path))
        elif os.path.exists(root):
            if root.endswith(SKIP_SUFFIXES):
                skipped.append((root, "a type stub file has no bodies to run"))
            elif language_for(root):
                files.append((root, root))
            else:
                skipped.append((root, f"not {KNOWN}"))
        else:
            raise UsageError(f"no such file or folder: {root}")
    return files, skipped


def _read(path: str, limits, tests=(False, None)) -> FileReport:
    import tokenize

    from seidr.cli import UsageError
    from seidr.synth.extract import language_for

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    report = FileReport(path, language_for(path) or "python", limits=limits, tests=tests)
    encoding = "utf-8-sig"
    if report.language == "python":
        try:  # a coding cookie names the encoding, as for Python itself
            encoding, _ = tokenize.detect_encoding(iter(data.splitlines(keepends=True)).__next__)
        except (SyntaxError, StopIteration):
            encoding = "utf-8-sig"
    try:
        report.text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode(encoding, "replace"))
        report.messages.append((data.count(b"\n", 0, exc.start), column, "error",
                                f"not {encoding} text: byte 0x{data[exc.start]:02x} ({exc.reason}); "
                                "save the file as UTF-8 or declare its encoding"))
        return report
    report.language = language_for(path, report.text) or "python"
    return report


# --- settings ------------------------------------------------------------------------------------------

def _options(path: str, notes: list[str], tests: bool):
    """(limits, (include related tests, tests named per function)) from the settings file above ``path``; the
    schema is loaded only when there is one."""
    from seidr.runners.limits import Limits
    from seidr.synth.config_file import read_config_file

    table, problems = read_config_file(path)
    notes.extend(p for p in problems if p not in notes)
    if not table:
        return Limits(), (tests, None)
    from seidr.synth.settings import load_settings

    settings, problems = load_settings(table)
    notes.extend(p for p in problems if p not in notes)
    return settings.limits.to_limits(), (tests and settings.tests, settings.related_tests)


# --- judging -------------------------------------------------------------------------------------------

async def _judge_all(reports: list[FileReport], workers: dict[str, int]) -> None:
    """Extract every file and judge every function with examples, each as soon as it is found, one runner per
    language (with ``workers`` processes where it has them)."""
    import asyncio

    from seidr.synth.extract import extract

    runners: dict[str, object] = {}
    jobs = []
    try:
        for report in reports:
            if report.messages:  # not decodable
                continue
            extraction = extract(report.text, report.path, report.language)
            for message in extraction.messages:
                kind = "syntax" if message.severity == "error" else message.severity
                report.messages.append((message.line, message.col, kind, message.message))
            broken = any(kind == "syntax" for _, _, kind, _ in report.messages)
            for problem in sorted(extraction.problems, key=lambda p: p.line):
                if report.tests[0] and not broken and report.language == "python":
                    problem = _with_tests(problem, report)
                if not problem.examples:
                    continue
                function = FunctionReport(problem)
                report.functions.append(function)
                if broken:
                    function.reason = BROKEN
                elif problem.is_stub:
                    function.status = "stub"
                elif not problem.checked_examples():
                    function.status = "passed"
                else:
                    runner, missing = _runner_for(report.language, runners, workers.get(report.language))
                    if missing:
                        function.reason = report.toolchain = missing
                    else:
                        jobs.append(asyncio.ensure_future(_judge(runner, function, report.limits)))
                        # the job goes to a worker now, which runs it while the next functions are extracted
                        await asyncio.sleep(0)
        await asyncio.gather(*jobs)
    finally:
        for job in jobs:  # left running when extraction failed part way
            job.cancel()
        for runner in runners.values():
            if runner is not None and not isinstance(runner, str):
                await runner.close()


def _with_tests(problem, report: FileReport):
    """The problem with the workspace's tests that exercise it; a test named in the settings or the docstring
    that does not exist is a warning on the function's line."""
    from seidr.synth.tests_discovery import with_related_tests

    problem, messages = with_related_tests(problem, True, report.tests[1])
    report.messages.extend((problem.line, 0, "warning", message) for message in messages)
    return problem


def _python_workers(reports: list[FileReport]) -> int:
    """How many Python workers this run starts for doctests (0: the files have none): one until there are
    enough to keep two busy for longer than a worker takes to start."""
    import os

    examples = sum(r.text.count(">>>") for r in reports if r.language == "python" and not r.messages)
    return min(os.cpu_count() or 1, -(-examples // EXAMPLES_PER_WORKER))


def _runner_for(language: str, runners: dict, workers: int | None = None) -> tuple[object, str | None]:
    """The one runner for ``language`` in this run, or why there is none (a missing compiler, verifier or
    runner); the reason is remembered so it is found once."""
    if language not in runners:
        missing = _missing_toolchain(language)
        if missing is None:
            try:
                runners[language] = _make_runner(language, workers)
            except Exception as exc:  # a runner that cannot start is reported, not raised
                runners[language] = f"the {language} runner cannot start: {exc}"
        else:
            runners[language] = missing
    runner = runners[language]
    return (None, runner) if isinstance(runner, str) else (runner, None)


def _missing_toolchain(language: str) -> str | None:
    import shutil

    if language == "verus":
        from seidr.runners.verus import NOT_INSTALLED, verus_binary

        return None if verus_binary() else NOT_INSTALLED
    if language in TOOLCHAINS:
        tool, name = TOOLCHAINS[language]
        if shutil.which(tool) is None:
            return f"{tool} not found; install it to check {name} files"
    return None


def _make_runner(language: str, workers: int | None = None):
    from seidr.runners.runner import get_runner

    return get_runner(language, **({"workers": workers} if workers else {}))


async def _judge(runner, function: FunctionReport, limits) -> None:
    from seidr.runners.program import Program

    try:
        [verdict] = await runner.judge(function.problem, [Program(function.problem.code)], limits=limits)
    except Exception as exc:  # the runner broke, not the program: say so for this function, go on
        function.reason = f"the runner failed: {type(exc).__name__}: {exc}"
        return
    function.verdict = verdict
    function.status = "passed" if verdict.passed else "failed"


# --- output --------------------------------------------------------------------------------------------
