"""The warm workers behind the Python runner: verdicts cached so an unchanged function runs once, a worker that
dies or hangs replaced, a cancelled check stopped, and nothing left running or on disk once the runner closes
or its event loop ends."""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile

import pytest

from seidr.runners import python as python_runner
from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.runners.python import PythonRunner
from seidr.runners.runner import get_runner
from seidr.runners.verdict import Outcome
from seidr.runners.workers import children_of
from tests.runners.conftest import ROOMY
from tests.runners.processes import marker, running, settle, with_marker

DOUBLE = Problem(language="python", name="double", examples=(Example("double(2)", "4\n"), Example("double(5)", "10\n")))
RIGHT = Program("def double(x):\n    return 2 * x\n")


def scratch_folders(folder) -> list[str]:
    return [name for name in os.listdir(folder) if name.startswith("seidr-python-")]


async def test_get_runner_finds_the_python_runner():
    runner = get_runner("python", cache=False)
    assert isinstance(runner, PythonRunner) and runner.language == "python" and not runner.cache
    await runner.close()


async def test_judging_an_unchanged_program_again_is_cached_and_runs_nothing(runner):
    (first,) = await runner.judge(DOUBLE, [RIGHT])
    (again,) = await runner.judge(DOUBLE, [RIGHT])
    assert first.passed and not first.cached
    assert again.passed and again.cached and runner.runs == 1
    (changed,) = await runner.judge(DOUBLE, [Program("def double(x):\n    return x + x\n")])
    (hidden,) = await runner.judge(DOUBLE, [RIGHT], hidden=True)
    (tighter,) = await runner.judge(DOUBLE, [RIGHT], limits=Limits(example_seconds=29.0, program_seconds=60.0))
    assert not changed.cached and not tighter.cached and runner.runs == 3
    assert hidden.cached is False and hidden.results == ()  # no hidden tests: nothing to run, nothing passed


async def test_without_a_cache_every_judge_runs():
    runner = PythonRunner(limits=ROOMY, cache=False)
    try:
        for _ in range(3):
            (verdict,) = await runner.judge(DOUBLE, [RIGHT])
            assert verdict.passed and not verdict.cached
        assert runner.runs == 3
    finally:
        await runner.close()


async def test_the_same_program_twice_in_one_batch_runs_once(runner):
    first, second = await runner.judge(DOUBLE, [RIGHT, RIGHT])
    assert first.passed and second.passed and runner.runs == 1


async def test_a_worker_killed_from_outside_is_replaced_and_the_next_judge_works(runner):
    (verdict,) = await runner.judge(DOUBLE, [RIGHT])
    assert verdict.passed
    (killed,) = runner.worker_pids()
    os.kill(killed, signal.SIGKILL)
    assert await settle(lambda: not running(killed))
    (after,) = await runner.judge(DOUBLE, [Program("def double(x):\n    return x * 2\n")])
    assert after.passed and not after.cached
    assert killed not in runner.worker_pids() and runner.worker_pids()


async def test_a_worker_that_stops_answering_is_replaced(monkeypatch):
    monkeypatch.setattr(python_runner, "GRACE_SECONDS", 1.0)
    tag = marker()
    # the worker is stopped once the program runs; the runner gives up on it 5 + 1 seconds after sending the job
    runner = PythonRunner(limits=Limits(example_seconds=60.0, program_seconds=5.0))
    try:
        (warm,) = await runner.judge(DOUBLE, [RIGHT])
        (worker,) = runner.worker_pids()
        hang = Program(f"import subprocess, time\ndef double(x):\n    subprocess.Popen(['sleep', '{tag}'])\n"
                       "    time.sleep(600)\n")
        judging = asyncio.ensure_future(runner.judge(DOUBLE, [hang]))
        assert await settle(lambda: with_marker(tag))
        os.kill(worker, signal.SIGSTOP)
        (verdict,) = await judging
        assert "stopped answering" in verdict.error and not verdict.passed
        assert await settle(lambda: not running(worker) and not with_marker(tag))
        (after,) = await runner.judge(DOUBLE, [Program("def double(x):\n    return x << 1\n")])
        assert after.passed
    finally:
        await runner.close()


async def test_cancelling_a_judge_stops_its_program_and_keeps_the_worker():
    tag = marker()
    runner = PythonRunner(limits=Limits(example_seconds=600.0, program_seconds=600.0), workers=1)
    try:
        await runner.judge(DOUBLE, [RIGHT])
        (worker,) = runner.worker_pids()
        hang = Program(f"import subprocess, time\ndef double(x):\n    subprocess.Popen(['sleep', '{tag}'])\n"
                       "    time.sleep(600)\n")
        judging = asyncio.ensure_future(runner.judge(DOUBLE, [hang]))
        assert await settle(lambda: with_marker(tag))
        judging.cancel()
        with pytest.raises(asyncio.CancelledError):
            await judging
        assert await settle(lambda: not with_marker(tag))
        (after,) = await runner.judge(DOUBLE, [Program("def double(x):\n    return x + x + 0\n")])
        assert after.passed and runner.worker_pids() == [worker]
    finally:
        await runner.close()


async def test_close_leaves_no_worker_no_program_and_no_scratch_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    runner = PythonRunner(limits=ROOMY)
    verdicts = await runner.judge(DOUBLE, [Program(f"def double(x):\n    return {k} * x\n") for k in range(2, 8)])
    assert [v.passed for v in verdicts] == [True, False, False, False, False, False]
    workers = runner.worker_pids()
    assert workers and scratch_folders(tmp_path)
    await runner.close()
    assert await settle(lambda: not any(running(pid) for pid in workers))
    assert scratch_folders(tmp_path) == []
    assert runner.worker_pids() == []


def test_runners_on_one_loop_share_its_workers_and_the_loop_end_stops_them(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    async def session():
        one, two = PythonRunner(limits=ROOMY), PythonRunner(limits=ROOMY)  # never closed, like a careless caller
        await one.judge(DOUBLE, [RIGHT])
        await two.judge(DOUBLE, [Program("def double(x):\n    return x * 2\n")])
        return one.worker_pids(), two.worker_pids()

    first, second = asyncio.run(session())
    assert first and first == second
    assert asyncio.run(settle(lambda: not any(running(pid) for pid in first)))
    assert scratch_folders(tmp_path) == []


async def test_a_closed_runner_can_judge_again(runner):
    await runner.judge(DOUBLE, [RIGHT])
    await runner.close()
    (verdict,) = await runner.judge(DOUBLE, [RIGHT])
    assert verdict.passed and not verdict.cached
    assert [r.outcome for r in verdict.results] == [Outcome.PASSED, Outcome.PASSED]


def slow_double(tag: str, seconds: float) -> Program:
    """Doubles, after starting ``sleep <tag>`` (so a test sees it running) and taking ``seconds``."""
    return Program(f"import subprocess, time\ndef double(x):\n    subprocess.Popen(['sleep', '{tag}'])\n"
                   f"    time.sleep({seconds})\n    return 2 * x\n")


async def test_cancelling_one_of_two_identical_judges_leaves_the_other_its_verdict(runner):
    tag = marker()
    slow = slow_double(tag, 0.5)
    first = asyncio.ensure_future(runner.judge(DOUBLE, [slow]))
    second = asyncio.ensure_future(runner.judge(DOUBLE, [slow]))
    assert await settle(lambda: with_marker(tag))
    first.cancel()
    (verdict,) = await asyncio.wait_for(second, 60)
    assert verdict.passed and first.cancelled()
    assert runner.runs == 1  # the other caller waited for the same run; it did not start over
    (after,) = await runner.judge(DOUBLE, [RIGHT])
    assert after.passed


async def test_cancelling_every_caller_of_a_shared_judge_stops_the_program_and_keeps_the_worker():
    tag = marker()
    runner = PythonRunner(limits=Limits(example_seconds=600.0, program_seconds=600.0), workers=1)
    try:
        await runner.judge(DOUBLE, [RIGHT])
        (worker,) = runner.worker_pids()
        hang = slow_double(tag, 600)
        callers = [asyncio.ensure_future(runner.judge(DOUBLE, [hang])) for _ in range(3)]
        assert await settle(lambda: with_marker(tag))
        for caller in callers:
            caller.cancel()
            with pytest.raises(asyncio.CancelledError):
                await caller
        assert await settle(lambda: not with_marker(tag))
        again = asyncio.ensure_future(runner.judge(DOUBLE, [hang]))  # a run of its own, not the abandoned one
        assert await settle(lambda: with_marker(tag))
        again.cancel()
        with pytest.raises(asyncio.CancelledError):
            await again
        (after,) = await asyncio.wait_for(runner.judge(DOUBLE, [Program("def double(x):\n    return x * 2\n")]), 60)
        assert after.passed and runner.worker_pids() == [worker]
        assert await settle(lambda: not with_marker(tag))
    finally:
        await runner.close()


async def test_a_judge_cancelled_while_its_worker_starts_leaves_the_worker_to_the_next_judge():
    runner = PythonRunner(limits=ROOMY, workers=1)
    try:
        for _ in range(3):  # each time a fresh pool: the start is what gets cancelled
            mine = set(children_of(os.getpid()))
            judging = asyncio.ensure_future(runner.judge(DOUBLE, [RIGHT]))
            assert await settle(lambda: set(children_of(os.getpid())) - mine, 60)
            (starting,) = set(children_of(os.getpid())) - mine
            judging.cancel()
            with pytest.raises(asyncio.CancelledError):
                await judging
            (verdict,) = await asyncio.wait_for(runner.judge(DOUBLE, [RIGHT]), 60)
            assert verdict.passed and not verdict.cached
            assert len(runner.worker_pids()) == 1 and running(starting)  # the worker whose start was cancelled
            await runner.close()
    finally:
        await runner.close()


async def test_a_program_that_leaves_a_process_behind_keeps_the_worker_for_the_next():
    tag = marker()
    runner = PythonRunner(limits=ROOMY, workers=1)
    try:
        await runner.judge(DOUBLE, [RIGHT])
        (worker,) = runner.worker_pids()
        for round_ in range(3):
            leaves = Program(f"import subprocess\ndef double(x):\n    subprocess.Popen(['sleep', '{tag}'])\n"
                             f"    return 2 * x + {round_} - {round_}\n")
            (verdict,) = await asyncio.wait_for(runner.judge(DOUBLE, [leaves]), 60)
            assert verdict.passed
            assert await settle(lambda: not with_marker(tag))
        (after,) = await asyncio.wait_for(runner.judge(DOUBLE, [Program("def double(x):\n    return x + x\n")]), 60)
        assert after.passed and runner.worker_pids() == [worker]
    finally:
        await runner.close()
