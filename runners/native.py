"""What the compiled runners share: binaries cached by content hash, compiles limited to the core count,
one confined run per example with results read back over a nonce-tagged file, and verdict caching."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import tempfile
import time
import weakref
from typing import Sequence

from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.problem import Problem
from seidr.runners.program import Program
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
    return text.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


class NativeRunner:
    """Base of the C++ and Rust runners: subclasses write the harness source and the compile command."""

    language = "native"
    suffix = ".txt"

    def __init__(self, limits: Limits = Limits(), cache: bool = True, **options) -> None:
        self.limits = limits
        self.cache = cache
        self.options = options
        self._verdicts: dict[tuple, Verdict] = {}
        self._compiling: dict[str, asyncio.Future] = {}

    # subclass API -------------------------------------------------------------------------------------
    def harness(self, problem: Problem, program: Program, examples: Sequence[Example]) -> tuple[str, dict[int, int]]:
        """The full source to compile, and which of its lines (1-based) stand for which document lines
        (the examples' own code) where the source does not already keep the document's numbering."""
        raise NotImplementedError

    def compile_argv(self, source: str, binary: str) -> list[str]:
        raise NotImplementedError

    def map_errors(self, output: str, problem: Problem, line_map: dict[int, int]) -> str:
        return output

    async def prepare(self) -> None:
        """One-off setup before the first compile (a precompiled header)."""

    # shared -------------------------------------------------------------------------------------------
    async def compile(self, source: str) -> tuple[str | None, str]:
        """A binary for ``source`` (from the cache when this exact source was built before) or None and
        the compiler's messages."""
        key = hashlib.sha256((self.language + "\0" + " ".join(self.compile_argv("S", "B")) + "\0" + source)
                             .encode()).hexdigest()[:24]
        folder = os.path.join(cache_root(), self.language)
        os.makedirs(folder, exist_ok=True)
        binary = os.path.join(folder, key + ".bin")
        if self.cache and os.path.exists(binary):
            return binary, ""
        if key in self._compiling:
            return await asyncio.shield(self._compiling[key])
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._compiling[key] = future
        try:
            await self.prepare()
            async with _slots():
                with tempfile.TemporaryDirectory(prefix="seidr-build-") as tmp:
                    src = os.path.join(tmp, "program" + self.suffix)
                    with open(src, "w") as fh:
                        fh.write(source)
                    out = os.path.join(tmp, "program.bin")
                    proc = await asyncio.create_subprocess_exec(
                        *self.compile_argv(src, out), stdout=asyncio.subprocess.PIPE,
                        stderr=asyncio.subprocess.STDOUT, cwd=tmp)
                    try:
                        text, _ = await asyncio.wait_for(proc.communicate(), 120)
                    except asyncio.TimeoutError:
                        proc.kill()
                        result: tuple[str | None, str] = (None, "the compiler ran for more than 120 s")
                    else:
                        message = text.decode(errors="replace").replace(src, "program" + self.suffix)
                        if proc.returncode == 0 and os.path.exists(out):
                            os.replace(out, binary)
                            result = (binary, message)
                        else:
                            result = (None, message)
            future.set_result(result)
            return result
        except BaseException as exc:
            if not future.done():
                future.set_exception(exc)
            raise
        finally:
            self._compiling.pop(key, None)

    async def _run_example(self, binary: str, index: int, example: Example, limits: Limits) -> ExampleResult:
        nonce = secrets.token_hex(16)
        # the report lives outside the candidate's working folder, under a name it cannot list there
        with tempfile.TemporaryDirectory(prefix="seidr-run-") as tmp, \
                tempfile.TemporaryDirectory(prefix="seidr-report-") as private:
            report = os.path.join(private, secrets.token_hex(8))
            env = clean_env(extra={"SEIDR_NONCE": nonce, "SEIDR_REPORT": report})
            stdin = (example.stdin or "").encode() if example.kind == "io" else b""
            proc = await run_process([binary, str(index)], stdin=stdin, limits=limits, workdir=tmp,
                                     timeout=limits.example_seconds, env=env, writable=[private])
            lines = []
            if os.path.exists(report):
                with open(report, errors="replace") as fh:
                    lines = [ln.rstrip("\n").split("\t") for ln in fh if ln.startswith(nonce + "\t")]
        printed = proc.stdout.decode(errors="replace")
        if proc.timed_out:
            return ExampleResult(example, Outcome.TIMEOUT, example.expected,
                                 message=f"timed out after {limits.example_seconds:g} s", output=printed[-2000:])
        done = [ln for ln in lines if len(ln) >= 3 and ln[1] == str(index)]
        if not done and example.kind == "io" and proc.returncode == 0:
            done = [[nonce, str(index), "ran", ""]]  # a whole program may end itself with exit(0)
        if not done:
            err = proc.stderr.decode(errors="replace").strip()
            why = (f"crashed with signal {proc.signal}" if proc.signal else
                   f"exited with status {proc.returncode} before the example finished")
            last = err.splitlines()[-1] if err else ""
            return ExampleResult(example, Outcome.ERROR, example.expected, message=f"{why}{': ' + last if last else ''}",
                                 output=printed[-2000:])
        status = done[-1][2]
        actual = unescape(done[-1][3]) if len(done[-1]) > 3 else None
        if example.kind == "io":
            actual = printed
            ok = status == "ran" and printed.rstrip() == (example.expected or "").rstrip()
        else:
            ok = status == "ok"
        if status == "panicked" and example.kind == "assert" and (actual or "").startswith("assertion"):
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
        source, line_map = self.harness(problem, program, examples)
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
                self._run_example(binary, i, e, limits) if not e.skipped else _skipped(e)
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


async def _skipped(example: Example) -> ExampleResult:
    return ExampleResult(example, Outcome.SKIPPED, example.expected)

