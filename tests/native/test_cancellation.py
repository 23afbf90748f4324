"""Cancelled judges, as the editor cancels them on every save that supersedes a check: the compile other
judges wait for goes on, a compile nobody waits for is killed with g++ and everything it started, a
precompiled header cut short leaves nothing behind, and a cancelled program leaves no process running."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import uuid

import pytest

from seidr.runners.limits import Limits
from seidr.runners.program import Program
from seidr.runners.runner import get_runner
from seidr.synth.extract import extract
from tests.sandbox.support import CONFINED_REASON, confined, lingering

pytestmark = [
    pytest.mark.skipif(shutil.which("g++") is None, reason="g++ not installed"),
    pytest.mark.skipif(not confined(), reason=CONFINED_REASON),
]

SOURCE = """/// Sum of the numbers up to n.
/// >>> total(4)
/// 10
/// >>> total(0)
/// 0
long total(long n) { long s = 0; for (long i = 1; i <= n; ++i) s += i; return s; }
"""
# a program g++ spends a while on (a compile-time loop): about a second per unit of ``spin`` on this machine
SLOW = """constexpr long spin(long n) {{ long s = 0; for (long i = 0; i < n * 500; ++i) for (long j = 0; j < 1000; ++j)
    s += i ^ j; return s; }}
static_assert(spin({spin}) != -1, "{marker}");
long total(long n) {{ long s = 0; for (long i = 1; i <= n; ++i) s += i; return s; }}
"""
COMPILERS = {"g++", "cc1plus", "as", "collect2", "ld"}


def _processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, name, state) of every process."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    stat = fh.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            state, parent = stat[stat.rindex(")") + 2:].split()[:2]
            found[int(entry)] = (int(parent), name, state)
    return found


def compilers_started_here() -> set[int]:
    """The living compiler processes this test process started, directly or through g++."""
    table = _processes()
    out = set()
    for pid, (parent, name, state) in table.items():
        chain, hops = parent, 0
        while chain not in (0, 1, os.getpid()) and chain in table and hops < 8:
            chain, hops = table[chain][0], hops + 1
        if chain == os.getpid() and name in COMPILERS and state not in "ZX":
            out.add(pid)
    return out


def compiling() -> set[int]:
    """The compilers this test process started, once g++ has started cc1plus (the compiler proper)."""
    table = _processes()
    found = compilers_started_here()
    return found if any(table[pid][1] == "cc1plus" for pid in found if pid in table) else set()


def alive(pids: set[int]) -> set[int]:
    table = _processes()
    return {pid for pid in pids if pid in table and table[pid][2] not in "ZX"}


async def until(condition, seconds: float = 120.0):
    """Poll ``condition`` until it gives something true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{condition.__name__} never held"
        await asyncio.sleep(0.01)
    return found


async def gone(pids: set[int], seconds: float = 10.0) -> set[int]:
    """The processes of ``pids`` still alive once the killed have had ``seconds`` to die."""
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return alive(pids)


async def cancel(task: asyncio.Task) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.fixture
def total():
    return extract(SOURCE, "/src/total.cpp", "cpp").find("total")


def slow(seconds: int) -> Program:
    return Program(SLOW.format(spin=seconds, marker=uuid.uuid4().hex))


async def test_cancelling_one_of_two_judges_of_a_program_leaves_the_other_its_verdict(total):
    cpp = get_runner("cpp")
    (warm,) = await cpp.judge(total, [Program(SOURCE.splitlines()[-1])])  # the header and expected values
    assert warm.passed
    program = slow(1)
    first = asyncio.ensure_future(cpp.judge(total, [program]))
    second = asyncio.ensure_future(cpp.judge(total, [program]))
    await until(compiling)
    await cancel(first)
    (verdict,) = await asyncio.wait_for(second, 120)
    assert verdict.passed, verdict
    (again,) = await cpp.judge(total, [program])  # and a later judge of it is answered at once
    assert again.passed and again.cached


async def test_cancelling_the_only_judge_of_a_compile_kills_g_plus_plus_and_all_it_started(total):
    cpp = get_runner("cpp")
    (warm,) = await cpp.judge(total, [Program(SOURCE.splitlines()[-1])])
    assert warm.passed
    judge = asyncio.ensure_future(cpp.judge(total, [slow(120)]))  # two minutes of compiling, were it let run
    running = await until(compiling)
    await cancel(judge)
    assert await gone(running) == set()
    (after,) = await cpp.judge(total, [Program(SOURCE.splitlines()[-1].replace("s += i", "s = s + i"))])
    assert after.passed


async def test_a_precompiled_header_build_cut_short_leaves_nothing_half_written(total, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # a cache with no header built yet
    cpp = get_runner("cpp")
    program = Program(SOURCE.splitlines()[-1])
    judge = asyncio.ensure_future(cpp.judge(total, [program]))
    running = await until(compiling)
    await cancel(judge)
    assert await gone(running) == set()
    folder = tmp_path / "seidr" / "native" / "cpp" / "pch-O0"
    assert sorted(os.listdir(folder)) == []
    (verdict,) = await cpp.judge(total, [program])
    assert verdict.passed
    assert sorted(os.listdir(folder)) == ["seidr_std.h", "seidr_std.h.gch"]


async def test_cancelling_a_judge_while_its_program_runs_leaves_none_of_its_processes(total):
    marker = f"m{uuid.uuid4().hex}"
    daemon = ("#include <unistd.h>\nlong total(long n) {\n"
              "    if (fork() == 0) { setsid(); execlp(\"sh\", \"sh\", \"-c\", \"sleep 300 # " + marker
              + "\", (char*)0); _exit(0); }\n    for (;;) {}\n}\n")
    cpp = get_runner("cpp", limits=Limits(example_seconds=300, program_seconds=300))
    judge = asyncio.ensure_future(cpp.judge(total, [Program(daemon)]))
    await until(lambda: lingering(marker, seconds=0))
    await cancel(judge)
    assert lingering(marker) == []
