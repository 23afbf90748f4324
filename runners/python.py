"""``PythonRunner``: judges Python programs against their examples in confined children forked from warm workers.

How a verdict is reached, and why a program cannot forge one:

- Each program runs in a child forked from a warm worker (``runners/workers.py``); the child confines itself
  (``sandbox.enter_child``, prepared by the worker with ``sandbox.prepare_child``: own process group, rlimits,
  its own uid, Landlock, seccomp, a fresh scratch folder) before any user code runs,
  loads the user's module (``Problem.context``) as a module named after its file, puts the program's
  function in place of the user's, and runs all of the program's examples in order.
- **Expected values never enter that process.** The child reports what each example produced (the text
  doctest would compare, or the exception line) over its own pipe; this module compares, with doctest's
  ``OutputChecker`` and the example's option flags. A check (``kind="assert"``, hidden tests) is code, so it
  runs in the child, but in fresh globals with the original builtins and the standard modules as they were
  before the program ran, calling the entry point through a wrapper that hands it only data it can trust.
- **Every example needs a positive record.** Records carry a per-run nonce and a sequence number and must
  come in order (begin, load, start/done per example, end). A missing record is an error, never a pass; a
  record out of place fails the whole program. Exit codes, printed lines, ``sys.exit``, ``os._exit``,
  ``SystemExit`` / ``KeyboardInterrupt`` / other ``BaseException`` are all failures or errors.
- **Objects of the program's making are not taken at their word.** A value whose class the program defined
  (or patched) is "suspect": when the example's expected text is a Python literal, its own ``repr`` must
  match *and* so must the ``repr`` of its builtin-data form (an ``int`` subclass's ``int``); an object with
  no such form fails. In checks, such a result reaches the check as builtin data or as an opaque value equal
  to nothing, so an always-true ``__eq__`` never runs. The child computes all of this with builtins and code
  captured before the program ran.
- **What remains possible:** the program shares the child's address space with the harness. Code that
  deliberately walks the interpreter's frames or the garbage collector (or uses ``ctypes``) can read a
  check's expected values from the calling frame, or find the nonce and the results pipe (kept at a
  random descriptor, not inherited across ``exec``) and write well-formed records. Closing that needs the
  checks to run in another process; the sandbox's seccomp and Landlock layers narrow what such code can
  reach, not this.

Verdicts are cached by a hash of (program, context, path, name, examples, limits, hidden).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import os
import time
from collections import OrderedDict
from typing import Sequence

from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.runners.verdict import ExampleResult, Outcome, Verdict
from seidr.runners.compare import compare
from seidr.runners.job import make_job, module_of, own_code
from seidr.runners.records import Tampered, exception_text, follow, read_records, stopped, unfinished
from seidr.runners.spawn import own_pool
from seidr.runners.workers import HARNESS, WORKER, Pool, Report, WorkerLost, WorkerStartError, pool_for

RUNNABLE = ("doctest", "assert")
TESTS = "test"  # pytest tests of the workspace, judged by ``pytest_tests`` on workers of their own
PYTEST_WORKER = os.path.join(HARNESS, "pytest_worker.py")
CACHE_SIZE = 4096
GRACE_SECONDS = 10.0  # how far past its own deadline a worker may be before it counts as wedged


class _Shared:
    """A run that several callers wait on."""

    def __init__(self, task: asyncio.Task) -> None:
        self.task = task
        self.waiters = 0


class PythonRunner:
    """Judges Python programs; one instance per server or command-line run, so its cache pays off."""

    language = "python"

    def __init__(self, limits: Limits = Limits(), cache: bool = True, workers: int | None = None) -> None:
        self.limits = limits
        self.cache = cache
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._verdicts: OrderedDict[str, Verdict] = OrderedDict()
        self._running: dict[str, _Shared] = {}
        self._held: dict[str, tuple[asyncio.AbstractEventLoop, Pool]] = {}  # by worker script
        self.runs = 0  # programs sent to a worker (cached verdicts do not count)

    async def judge(self, problem: Problem, programs: Sequence[Program], *, hidden: bool = False,
                    limits: Limits | None = None) -> list[Verdict]:
        examples = tuple(problem.hidden_tests if hidden else problem.examples)
        limits = limits or self.limits
        if len(programs) == 1:
            return [await self._judge(problem, programs[0], examples, limits, hidden)]
        return list(await asyncio.gather(*(self._judge(problem, p, examples, limits, hidden) for p in programs)))

    async def close(self) -> None:
        """Forget cached verdicts and let go of the loop's worker pools; the last runner to let go stops each."""
        self._verdicts.clear()
        held, self._held = self._held, {}
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for loop, pool in held.values():
            pool.holders -= 1
            if pool.holders <= 0:
                if loop is running:
                    await pool.shutdown()
                else:
                    pool.shutdown_now()

    def worker_pids(self) -> list[int]:
        """The pids of this runner's live worker processes (for tests and ``seidr doctor``)."""
        return sorted(pid for _, pool in self._held.values() for pid in pool.worker_pids())

    # -------------------------------------------------------------------------------------------------------
    def _pool(self, script: str = WORKER) -> Pool:
        loop = asyncio.get_running_loop()
        held = self._held.get(script)
        if held is not None and held[0] is loop and not held[1].closed:
            return held[1]
        pool = pool_for(self.workers, script)
        pool.holders += 1
        self._held[script] = (loop, pool)
        return pool

    async def _judge(self, problem: Problem, program: Program, examples: tuple[Example, ...], limits: Limits,
                     hidden: bool) -> Verdict:
        key = cache_key(problem, program, examples, limits, hidden)
        if self.cache and key in self._verdicts:
            self._verdicts.move_to_end(key)
            return self._verdicts[key].as_cached()
        # One run per program however many ask for it at once: the run is a task of its own that every caller
        # waits on, and it is stopped only when the last of them stops waiting, so cancelling one caller never
        # takes the verdict from another nor makes it start over.
        shared = self._running.get(key)
        first = shared is None
        if first:
            shared = self._running[key] = _Shared(asyncio.ensure_future(self._run_and_keep(key, problem, program,
                                                                                            examples, limits)))
            shared.task.add_done_callback(lambda task: self._ended(key, shared))
        shared.waiters += 1
        try:
            verdict = await asyncio.shield(shared.task)
        except asyncio.CancelledError:
            if not shared.task.done():
                shared.waiters -= 1
                if shared.waiters == 0:
                    self._ended(key, shared)
                    shared.task.cancel()
            raise
        return verdict if first else verdict.as_cached()

    async def _run_and_keep(self, key: str, problem: Problem, program: Program, examples: tuple[Example, ...],
                            limits: Limits) -> Verdict:
        verdict, keep = await self._run(problem, program, examples, limits)
        if self.cache and keep:
            self._verdicts[key] = verdict
            while len(self._verdicts) > CACHE_SIZE:
                self._verdicts.popitem(last=False)
        return verdict

    def _ended(self, key: str, shared: "_Shared") -> None:
        """The run is over or abandoned: later callers start their own."""
        if self._running.get(key) is shared:
            del self._running[key]
        if shared.task.done() and not shared.task.cancelled():
            shared.task.exception()  # retrieved: its waiters, if any are left, raise it themselves

    async def _run(self, problem: Problem, program: Program, examples: tuple[Example, ...],
                   limits: Limits) -> tuple[Verdict, bool]:
        """The verdict, and whether it may be cached (not when the machinery, not the program, failed)."""
        started = time.monotonic()
        runnable = [(i, e) for i, e in enumerate(examples) if e.kind in RUNNABLE and not e.skipped]
        tests = [(i, e) for i, e in enumerate(examples) if e.kind == TESTS and not e.skipped]
        if not runnable and not tests:
            return Verdict(tuple(_static(e) for e in examples)), True
        self.runs += 1
        parts = [self._run_examples(problem, program, examples, runnable, limits)] if runnable else []
        if tests:
            from seidr.runners.pytest_tests import judge_tests

            pool = self._pool(own_pool(PYTEST_WORKER, own_code(problem, program)))
            parts.append(judge_tests(pool, problem, program, examples, tests, limits))
        done = await asyncio.gather(*parts)
        verdict, keep = done[0] if len(done) == 1 else _combine(done[0], done[1], [i for i, _ in tests])
        return dataclasses.replace(verdict, seconds=time.monotonic() - started), keep

    async def _run_examples(self, problem: Problem, program: Program, examples: tuple[Example, ...],
                            runnable: list[tuple[int, Example]], limits: Limits) -> tuple[Verdict, bool]:
        """The doctests' and checks' verdict (other examples as placeholders), and whether it may be cached."""
        started = time.monotonic()
        job = make_job(problem, program, [e for _, e in runnable], limits)
        try:
            report = await self._pool(own_pool(WORKER, own_code(problem, program))).run(
                job, limits.program_seconds + GRACE_SECONDS)
        except (WorkerLost, WorkerStartError) as exc:
            message = str(exc)
            results = tuple(_static(e) if e.kind not in RUNNABLE or e.skipped else
                            ExampleResult(e, Outcome.ERROR, e.expected, message=message) for e in examples)
            return Verdict(results, error=message, seconds=time.monotonic() - started), False
        verdict = assemble(examples, runnable, job, report, limits)
        return dataclasses.replace(verdict, seconds=time.monotonic() - started), report.timeout != "cancelled"


def cache_key(problem: Problem, program: Program, examples: tuple[Example, ...], limits: Limits,
              hidden: bool) -> str:
    fields = [program.code, problem.context, problem.path or "", problem.name, problem.code, repr(limits), repr(hidden)]
    for e in examples:
        fields += [e.kind, e.source, repr(e.expected), repr(e.exception), repr(sorted(e.options)), repr(e.line),
                   repr(e.label), repr(e.file)]
    if any(e.kind == TESTS for e in examples):  # a test's verdict also depends on its file and conftests
        from seidr.runners.pytest_tests import fingerprint

        fields.append(fingerprint(examples))
    digest = hashlib.sha256()
    for field in fields:
        data = field.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


# reading the report --------------------------------------------------------------------------------------
def assemble(examples: tuple[Example, ...], runnable: list[tuple[int, Example]], job: dict, report: Report,
             limits: Limits) -> Verdict:
    output = report.output.decode("utf-8", errors="replace") + ("\n[output cut]" if report.output_cut else "")
    try:
        load, done, running, _ = follow(read_records(report.records, job["nonce"]), len(runnable))
    except Tampered as why:
        message = f"the program interfered with the judge's results ({why})"
        return _whole(examples, message, output)
    if load is None or not load.get("ok"):
        if load is None:
            message = "the module did not finish loading: " + stopped(report, limits, "while loading")
        else:
            message = "the module did not load: " + exception_text(load)
        return _whole(examples, message, output)
    results: dict[int, ExampleResult] = {}
    stop: str | None = None
    for position, (index, example) in enumerate(runnable):
        if position in done:
            try:
                results[index] = compare(example, done[position], limits)
            except (AttributeError, TypeError, ValueError, KeyError):  # well-formed, in order, but not ours
                return _whole(examples, "the program interfered with the judge's results (an unreadable result)",
                              output)
        elif position == running:
            results[index] = unfinished(example, report, limits)
            stop = f"not run: the example on line {example.line + 1} " + (
                "timed out" if results[index].outcome is Outcome.TIMEOUT else "did not finish")
        else:
            results[index] = ExampleResult(example, Outcome.ERROR, example.expected,
                                           message=stop or "not run: " + stopped(report, limits, "before it"))
    return Verdict(tuple(results.get(i) or _static(e) for i, e in enumerate(examples)), output=output)


def _combine(examples: tuple[Verdict, bool], tests: tuple[Verdict, bool], indices: list[int]) -> tuple[Verdict, bool]:
    """One verdict from the doctests' and the tests' (each holds placeholders for the other's examples)."""
    (doc, doc_keep), (run, run_keep) = examples, tests
    results = list(doc.results)
    for index in indices:
        results[index] = run.results[index]
    output = "\n".join(text for text in (doc.output, run.output) if text.strip())
    return Verdict(tuple(results), error=doc.error or run.error, output=output), doc_keep and run_keep


def _whole(examples: tuple[Example, ...], message: str, output: str) -> Verdict:
    results = tuple(_static(e) if e.kind not in RUNNABLE or e.skipped else
                    ExampleResult(e, Outcome.ERROR, e.expected, message=message) for e in examples)
    return Verdict(results, error=message, output=output)


def _static(example: Example) -> ExampleResult:
    """The result of an example that is not run: skipped, or of a kind this runner does not handle."""
    if example.kind in RUNNABLE or example.kind == TESTS:
        return ExampleResult(example, Outcome.SKIPPED, example.expected)
    return ExampleResult(example, Outcome.ERROR, example.expected,
                         message=f"the Python runner cannot run {example.kind!r} examples")


__all__ = ["PythonRunner", "module_of", "make_job", "Tampered"]
