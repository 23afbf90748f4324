"""What the compiled runners share: binaries cached by content hash, compiles limited to the core count and
shared by every judge that waits on them, one confined run per example that reports only the value it
computed, expected values rendered by a build of their own and compared here, and verdict caching."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import signal
import tempfile
import time
import weakref
from dataclasses import dataclass
from typing import Awaitable, Callable, Mapping, Sequence

from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.runners.records import Tampered
from seidr.runners.sandbox import clean_env, run_process
from seidr.runners.verdict import ExampleResult, Outcome, Verdict

# where a compiled language's extractor left the function's place in ``Problem.context``
PROGRAM_MARK = "/* seidr:program */"
_PER_LOOP: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def cache_root() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "seidr", "native")
    os.makedirs(path, exist_ok=True)
    return path


def place_program(context: str, code: str) -> str:
    """``context`` with ``code`` where the extractor left its mark; the blank lines the mark kept for the
    original function absorb the candidate's lines, so the code after it keeps the document's numbering
    when the candidate is no longer than the original."""
    if PROGRAM_MARK not in context:
        return context + "\n" + code
    before, after = context.split(PROGRAM_MARK, 1)
    rest = after.split("\n")
    spare = code.count("\n")
    drop = 0
    while drop < spare and drop + 1 < len(rest) and rest[drop + 1] == "":
        drop += 1
    return before + code + "\n".join(rest[:1] + rest[drop + 1:])


def loop_local(name: str, make):
    """One asyncio primitive per event loop: a lock or semaphore cannot be shared between loops."""
    table = _PER_LOOP.setdefault(asyncio.get_running_loop(), {})
    if name not in table:
        table[name] = make()
    return table[name]


def _slots() -> asyncio.Semaphore:
    return loop_local("compile-slots", lambda: asyncio.Semaphore(os.cpu_count() or 2))


def unescape(text: str) -> str:
    out, chars = [], iter(text)
    for c in chars:
        if c == "\\":
            c = {"n": "\n", "t": "\t"}.get(nxt := next(chars, ""), nxt)
        out.append(c)
    return "".join(out)


@dataclass(frozen=True)
class Comparison:
    """An example the runner judges itself: the program reports the value of ``actual``, a build of the
    examples alone renders ``expected``, and the two texts must be equal (or differ, when ``negate``)."""

    actual: str
    expected: str
    negate: bool = False


def read_report(path: str) -> list[tuple[int, str, str]]:
    """The records in a report file: (example index, status, text)."""
    if not os.path.exists(path):
        return []
    with open(path, "rb") as fh:
        raw = fh.read()
    records = []
    for line in raw.split(b"\n")[:-1]:
        try:
            index, status, text = line.decode("utf-8", "replace").split("\t")
            records.append((int(index), status, unescape(text)))
        except ValueError:
            raise Tampered("a malformed record") from None
    if raw and not raw.endswith(b"\n"):
        raise Tampered("a record cut short")
    return records


class Shared:
    """Work that several judges await at once (a compile): it runs as a task of its own, so a judge that is
    cancelled leaves it running for the others, and it is cancelled only when nobody waits for it any more."""

    def __init__(self) -> None:
        self._running: dict[object, list] = {}  # key -> [task, waiters]

    async def run(self, key: object, make: Callable[[], Awaitable]):
        loop = asyncio.get_running_loop()
        entry = self._running.get(key)
        if entry is None or entry[0].get_loop() is not loop:
            entry = self._running[key] = [loop.create_task(make()), 0]
            entry[0].add_done_callback(lambda task: self._forget(key, task))
        task = entry[0]
        entry[1] += 1
        try:
            return await asyncio.shield(task)
        finally:
            entry[1] -= 1
            if entry[1] == 0 and not task.done():
                task.cancel()
                self._forget(key, task)  # a later judge starts afresh instead of inheriting the cancellation

    def _forget(self, key: object, task: asyncio.Task) -> None:
        if key in self._running and self._running[key][0] is task:
            del self._running[key]


async def run_tool(argv: Sequence[str], cwd: str | None = None, timeout: float = 120) -> tuple[int | None, str]:
    """Run a compiler in a process group of its own: (exit status or None on timeout, its messages). On a
    timeout or a cancellation the whole group (g++'s cc1plus and as, rustc's linker) is killed."""
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT, cwd=cwd, start_new_session=True)
    try:
        text, _ = await asyncio.wait_for(proc.communicate(), timeout)
        return proc.returncode, text.decode(errors="replace")
    except asyncio.TimeoutError:
        return None, f"the compiler ran for more than {timeout:g} s"
    finally:
        if proc.returncode is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            # reaped in the background: a cancelled task must not wait here
            asyncio.ensure_future(proc.wait())


class NativeRunner:
    """Base of the C++ and Rust runners: subclasses write the harness source and the compile command."""

    language = "native"
    suffix = ".txt"

    def __init__(self, limits: Limits = Limits(), cache: bool = True, **options) -> None:
        self.limits = limits
        self.cache = cache
        self.options = options
        self._verdicts: dict[tuple, Verdict] = {}
        self._expected: dict[str, dict[int, str]] = {}
        self._shared = Shared()

    # subclass API -------------------------------------------------------------------------------------
    def harness(self, problem: Problem, program: Program, examples: Sequence[Example],
                outside: Mapping[int, str]) -> tuple[str, dict[int, int]]:
        """The full source to compile, and which of its lines (1-based) stand for which document lines
        (the examples' own code) where the source does not already keep the document's numbering.
        ``outside``: the examples (by index) judged here, whose run reports only the value it computed."""
        raise NotImplementedError

    def comparison(self, example: Example) -> Comparison | None:
        """How the runner itself can judge ``example``; None where only the program's process can."""
        return None

    def expectation_source(self, expected: Mapping[int, str]) -> str:
        """A program of the examples' expected expressions alone (no code of the document's) that reports
        the text of each, by example index."""
        raise NotImplementedError

    def expectation_errors(self, messages: str, expected: Mapping[int, str]) -> set[int]:
        """The examples whose expected expression the compiler rejected in ``expectation_source``."""
        return set()

    def failure(self, example: Example, actual: str, expected: str) -> tuple[str | None, str]:
        """(expected, actual) as a failed example shows them."""
        return example.expected, actual

    def compile_argv(self, source: str, binary: str) -> list[str]:
        raise NotImplementedError

    def map_errors(self, output: str, problem: Problem, line_map: dict[int, int]) -> str:
        return output

    async def prepare(self) -> None:
        """One-off setup before the first compile (a precompiled header)."""

    # shared -------------------------------------------------------------------------------------------
    async def compile(self, source: str) -> tuple[str | None, str]:
        """A binary for ``source`` (from the cache when this exact source was built before) or None and
        the compiler's messages. Judges of the same source share one compile."""
        key = hashlib.sha256((self.language + "\0" + " ".join(self.compile_argv("S", "B")) + "\0" + source)
                             .encode()).hexdigest()[:24]
        folder = os.path.join(cache_root(), self.language)
        os.makedirs(folder, exist_ok=True)
        binary = os.path.join(folder, key + ".bin")
        if self.cache and os.path.exists(binary):
            return binary, ""
        return await self._shared.run(("compile", key), lambda: self._build(source, binary))

    async def _build(self, source: str, binary: str) -> tuple[str | None, str]:
        await self.prepare()
        async with _slots():
            with tempfile.TemporaryDirectory(prefix="seidr-build-") as tmp:
                src = os.path.join(tmp, "program" + self.suffix)
                with open(src, "w") as fh:
                    fh.write(source)
                out = os.path.join(tmp, "program.bin")
                status, text = await run_tool(self.compile_argv(src, out), cwd=tmp)
                message = text.replace(src, "program" + self.suffix)
                if status == 0 and os.path.exists(out):
                    os.replace(out, binary)
                    return binary, message
                return None, message

    async def expected_texts(self, examples: Sequence[Example], limits: Limits) -> dict[int, str]:
        """The text of each example's expected value that a build of the expected expressions alone can
        render, by example index; the others (values of the document's own types, unordered containers)
        are left to the program's process."""
        wanted = {i: c.expected for i, e in enumerate(examples)
                  if not e.skipped and e.kind != "io" and (c := self.comparison(e)) is not None}
        if not wanted:
            return {}
        key = hashlib.sha256(repr((self.language, self.compile_argv("S", "B"), sorted(wanted.items())))
                             .encode()).hexdigest()
        if key not in self._expected:
            self._expected[key] = await self._shared.run(("expected", key),
                                                         lambda: self._render_expected(wanted, limits))
        return self._expected[key]

    async def _render_expected(self, wanted: dict[int, str], limits: Limits) -> dict[int, str]:
        while wanted:
            binary, messages = await self.compile(self.expectation_source(wanted))
            if binary is not None:
                break
            rejected = self.expectation_errors(messages, wanted) & set(wanted)
            wanted = {i: text for i, text in wanted.items() if i not in rejected} if rejected else {}
        else:
            return {}
        with tempfile.TemporaryDirectory(prefix="seidr-run-") as tmp, \
                tempfile.TemporaryDirectory(prefix="seidr-report-") as private:
            report = os.path.join(private, secrets.token_hex(8))
            await run_process([binary], limits=limits, workdir=tmp, timeout=limits.program_seconds,
                              env=clean_env(extra={"SEIDR_REPORT": report}), writable=[private])
            try:
                records = read_report(report)
            except Tampered:
                return {}
        return {index: text for index, status, text in records if status == "value" and index in wanted}

    async def _run_example(self, binary: str, index: int, example: Example, limits: Limits,
                           expected: str | None) -> ExampleResult:
        # the report lives outside the candidate's working folder; what it may hold is checked below
        with tempfile.TemporaryDirectory(prefix="seidr-run-") as tmp, \
                tempfile.TemporaryDirectory(prefix="seidr-report-") as private:
            report = os.path.join(private, secrets.token_hex(8))
            env = clean_env(extra={"SEIDR_REPORT": report})
            stdin = (example.stdin or "").encode() if example.kind == "io" else b""
            proc = await run_process([binary, str(index)], stdin=stdin, limits=limits, workdir=tmp,
                                     timeout=limits.example_seconds, env=env, writable=[private])
            try:
                records = read_report(report)
            except Tampered as exc:
                records, tampered = [], str(exc)
            else:
                tampered = _tampering(records, index, example, expected)
        printed = proc.stdout.decode(errors="replace")
        if proc.timed_out:
            return ExampleResult(example, Outcome.TIMEOUT, example.expected,
                                 message=f"timed out after {limits.example_seconds:g} s", output=printed[-2000:])
        if tampered:
            return ExampleResult(example, Outcome.ERROR, example.expected, output=printed[-2000:],
                                 message=f"the program wrote to seidr's report itself ({tampered})")
        if not records and example.kind == "io" and proc.returncode == 0:
            records = [(index, "ran", "")]  # a whole program may end itself with exit(0)
        if not records:
            err = proc.stderr.decode(errors="replace").strip()
            why = (f"crashed with signal {proc.signal}" if proc.signal else
                   f"exited with status {proc.returncode} before the example finished")
            last = err.splitlines()[-1] if err else ""
            return ExampleResult(example, Outcome.ERROR, example.expected, message=f"{why}{': ' + last if last else ''}",
                                 output=printed[-2000:])
        _, status, actual = records[0]
        if status == "value":
            comparison = self.comparison(example)
            if (actual == expected) != comparison.negate:
                return ExampleResult(example, Outcome.PASSED, example.expected, actual, output=printed[-2000:])
            shown, actual = self.failure(example, actual, expected)
            return ExampleResult(example, Outcome.FAILED, shown, actual, output=printed[-2000:])
        if example.kind == "io":
            ok = status == "ran" and printed.rstrip() == (example.expected or "").rstrip()
            actual = printed
        else:
            ok = status == "ok"
        if status == "panicked" and example.kind == "assert" and actual.startswith("assertion"):
            return ExampleResult(example, Outcome.FAILED, example.source, actual, output=printed[-2000:])
        if status == "panicked":
            return ExampleResult(example, Outcome.ERROR, example.expected, message=f"panicked: {actual}",
                                 output=printed[-2000:])
        if status == "raised":
            return ExampleResult(example, Outcome.ERROR, example.expected, actual=None,
                                 message=f"threw {actual}", output=printed[-2000:])
        return ExampleResult(example, Outcome.PASSED if ok else Outcome.FAILED, example.expected, actual,
                             output=printed[-2000:])

    async def _judge_one(self, problem: Problem, program: Program, examples: Sequence[Example],
                         limits: Limits) -> Verdict:
        started = time.monotonic()
        outside = await self.expected_texts(examples, limits)
        source, line_map = self.harness(problem, program, examples, outside)
        key = (hashlib.sha256(source.encode()).hexdigest(), limits.key())
        if self.cache and key in self._verdicts:
            return self._verdicts[key].as_cached()
        binary, messages = await self.compile(source)
        if binary is None:
            mapped = self.map_errors(messages, problem, line_map)
            first = next((ln for ln in mapped.splitlines() if "error" in ln), "did not compile")
            verdict = Verdict(tuple(ExampleResult(e, Outcome.ERROR, e.expected, message=first) for e in examples),
                              error=f"did not compile: {first.strip()}", output=mapped,
                              seconds=time.monotonic() - started)
        else:
            results = await asyncio.gather(*(
                self._run_example(binary, i, e, limits, outside.get(i)) if not e.skipped else _skipped(e)
                for i, e in enumerate(examples)))
            verdict = Verdict(tuple(results), seconds=time.monotonic() - started)
        if self.cache:
            self._verdicts[key] = verdict
        return verdict

    async def judge(self, problem: Problem, programs: Sequence[Program], *, hidden: bool = False,
                    limits: Limits | None = None) -> list[Verdict]:
        examples = problem.hidden_tests if hidden else problem.examples
        return list(await asyncio.gather(*(self._judge_one(problem, p, examples, limits or self.limits)
                                           for p in programs)))

    async def close(self) -> None:
        self._verdicts.clear()
        self._expected.clear()


# what the harness writes for one example's run: one record, of these kinds
_STATUSES_WHEN = {"io": {"ran", "raised", "panicked"}, "outside": {"value", "raised", "panicked"},
                  "inside": {"ok", "fail", "raised", "panicked"}}


def _tampering(records: list[tuple[int, str, str]], index: int, example: Example, expected: str | None) -> str:
    """Why ``records`` cannot be the harness's own report of example ``index``; empty when they can."""
    if len(records) > 1:
        return f"{len(records)} records where the harness writes one"
    allowed = _STATUSES_WHEN["io" if example.kind == "io" else "outside" if expected is not None else "inside"]
    for number, status, _ in records:
        if number != index:
            return f"a record for example {number} in the run of example {index}"
        if status not in allowed:
            return f"a record marked {status!r}, which the harness does not write for this example"
    return ""


async def _skipped(example: Example) -> ExampleResult:
    return ExampleResult(example, Outcome.SKIPPED, example.expected)

