"""Hostile Python programs fail their example and leave no trace: nothing written outside the sandbox, nothing
sent to the loopback server, no process left running, and the judge keeps working for the next program.

Each program runs in a warm worker's confined child (``worker_argv`` + ``confine_child``, as the Python
runner uses them) and as its own confined process (``run_process``); both judge by a line only the judge
knows how to print. The attacks on the verdict itself wait for the Python runner's own protocol."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import pathlib
import secrets
import sys

import pytest

from seidr.runners.limits import Limits
from seidr.runners.sandbox import run_process
from tests.hostile.programs import MACHINE, PYTHON
from tests.hostile.scene import SECRET, Scene
from tests.sandbox.support import CONFINED_REASON, confined, Worker, canary_folder, remove, scratch

pytestmark = pytest.mark.skipif(not confined(), reason=CONFINED_REASON)
LIMITS = dict(program_seconds=1.0, memory_mb=256, file_size_mb=4, output_bytes=64 * 1024)
NEEDS_RUNNER = pytest.mark.skipif(importlib.util.find_spec("seidr.runners.python") is None,
                                  reason="the attacks on the verdict need the Python runner")


@pytest.fixture(scope="module")
def scene():
    world = Scene()
    os.environ["OPENAI_API_KEY"] = SECRET  # the judge holds a key, as the server does
    yield world
    os.environ.pop("OPENAI_API_KEY", None)
    world.close()


@pytest.fixture(scope="module")
def worker(scene):
    started = Worker(readable=[scene.project])
    yield started
    started.close()


@pytest.fixture
def canary():
    folder = canary_folder()
    yield folder
    remove(folder)


def script(source: str, nonce: str) -> str:
    """The module, then the example's call, reported on a line the program cannot guess."""
    return f"{source}\nprint({nonce!r}, repr(answer()), flush=True)\n"


def passed(output: str, nonce: str) -> bool:
    return f"{nonce} 42" in output.splitlines()


@pytest.mark.parametrize("name", MACHINE)
def test_a_hostile_program_in_a_warm_worker_fails_and_leaves_no_trace(name, scene, worker, canary):
    source, marker = scene.program(PYTHON[name][1], canary)
    nonce = secrets.token_hex(8)
    hits = scene.listener.hits
    answer = worker.run(script(source, nonce), seconds=LIMITS["program_seconds"], **LIMITS)
    assert not passed(answer["output"], nonce), answer["output"][-500:]
    assert scene.traces(marker, canary, hits, program_pids=[answer["pid"]]) == []
    assert worker.alive() and worker.run("print(6 * 7)")["output"] == "42\n"


@pytest.mark.parametrize("name", MACHINE)
async def test_a_hostile_program_as_its_own_process_fails_and_leaves_no_trace(name, scene, canary):
    source, marker = scene.program(PYTHON[name][1], canary)
    nonce = secrets.token_hex(8)
    hits = scene.listener.hits
    folder = scratch()
    try:
        result = await run_process([sys.executable, "-c", script(source, nonce)], limits=Limits(**LIMITS),
                                   workdir=folder, writable=[], readable=[scene.project],
                                   env={"PATH": "/usr/bin:/bin", "OPENAI_API_KEY": "not-the-secret"})
        assert not passed(result.stdout.decode(errors="replace"), nonce), result
        assert scene.traces(marker, canary, hits) == []
        after = await run_process([sys.executable, "-c", "print(6 * 7)"], limits=Limits(), workdir=folder)
        assert after.stdout == b"42\n", "the sandbox stopped working after a hostile program"
    finally:
        remove(folder)


@pytest.fixture(scope="module")
def judged_by_the_runner(scene):
    """Every hostile program judged by ``get_runner("python")``, one after another in one event loop, with the
    traces each left; then a correct program."""
    from seidr.runners.program import Program
    from seidr.runners.runner import get_runner
    from tests.runners.problems import problem_in

    folder = pathlib.Path(scratch())
    os.chmod(folder, 0o755)

    async def everything():
        runner = get_runner("python", limits=Limits(**LIMITS))
        found = {}
        try:
            for name, (_, template) in PYTHON.items():
                canary = canary_folder()
                source, marker = scene.program(template, canary)
                hits = scene.listener.hits
                problem = problem_in(_write(folder, f"{name}.py", source), "answer")
                (verdict,) = await runner.judge(problem, [Program(source)])
                found[name] = (verdict, scene.traces(marker, canary, hits, program_pids=()))
                remove(canary)
            honest = problem_in(_write(folder, "honest.py", PYTHON["wrong_answer"][1].replace("41", "42")), "answer")
            (found["honest"],) = await runner.judge(honest, [Program(honest.code)])
        finally:
            await runner.close()
        return found

    try:
        yield asyncio.run(everything())
    finally:
        remove(str(folder))


def _write(folder: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = folder / name
    path.write_text(text)
    return path


@NEEDS_RUNNER
@pytest.mark.parametrize("name", sorted(PYTHON))
def test_a_hostile_program_judged_by_the_python_runner_fails_and_leaves_no_trace(name, judged_by_the_runner):
    verdict, traces = judged_by_the_runner[name]
    assert not verdict.passed, verdict
    assert traces == []


@NEEDS_RUNNER
def test_the_python_runner_still_passes_a_correct_program_after_the_hostile_ones(judged_by_the_runner):
    assert judged_by_the_runner["honest"].passed, judged_by_the_runner["honest"]
