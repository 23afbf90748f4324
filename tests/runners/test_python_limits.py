"""What a program may use while it is judged: wall time per example and per program (the child's whole process
group killed when it runs out), an environment without secrets, its own fresh folder, capped output."""

from __future__ import annotations

from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.problem import Problem
from seidr.runners.program import Program
from seidr.runners.python import PythonRunner
from seidr.runners.verdict import Outcome
from tests.runners.processes import marker, settle, with_marker


def problem(name: str, *calls: tuple[str, str]) -> Problem:
    return Problem(language="python", name=name,
                   examples=tuple(Example(call, want, line=i) for i, (call, want) in enumerate(calls)))


async def test_an_endless_example_times_out_and_the_examples_after_it_are_not_run():
    runner = PythonRunner(limits=Limits(example_seconds=3.0, program_seconds=60.0))
    try:
        spin = problem("spin", ("spin(0)", "0\n"), ("spin(1)", "1\n"), ("spin(0)", "0\n"))
        (verdict,) = await runner.judge(spin, [Program("def spin(n):\n    while n:\n        pass\n    return n\n")])
    finally:
        await runner.close()
    first, second, third = verdict.results
    assert first.outcome is Outcome.PASSED
    assert second.outcome is Outcome.TIMEOUT and second.message == "timed out after 3 s"
    assert third.outcome is Outcome.ERROR and third.message == "not run: the example on line 2 timed out"
    assert not verdict.passed


async def test_the_program_limit_stops_a_program_whose_examples_each_fit_their_own():
    runner = PythonRunner(limits=Limits(example_seconds=30.0, program_seconds=2.0))
    try:
        slow = problem("nap", *[("nap()", "1\n")] * 8)
        (verdict,) = await runner.judge(slow, [Program("import time\ndef nap():\n    time.sleep(0.6)\n    return 1\n")])
    finally:
        await runner.close()
    outcomes = [r.outcome for r in verdict.results]
    assert Outcome.TIMEOUT in outcomes and outcomes[0] is Outcome.PASSED
    stopped = outcomes.index(Outcome.TIMEOUT)
    assert verdict.results[stopped].message == "timed out: the program used up its 2 s"
    assert set(outcomes[stopped + 1:]) == {Outcome.ERROR}


async def test_a_timeout_kills_the_whole_process_group_of_the_program():
    tag = marker()
    runner = PythonRunner(limits=Limits(example_seconds=3.0, program_seconds=60.0))
    try:
        spawn = problem("spawn", ("spawn()", "None\n"))
        code = (f"import subprocess\ndef spawn():\n    subprocess.Popen(['sleep', '{tag}'])\n"
                "    while True:\n        pass\n")
        (verdict,) = await runner.judge(spawn, [Program(code)])
        assert verdict.results[0].outcome is Outcome.TIMEOUT
        assert await settle(lambda: not with_marker(tag)), "the program's sleep survived the timeout"
    finally:
        await runner.close()


async def test_what_a_finished_program_started_is_killed_even_in_a_new_session(runner):
    tag, own = marker(), marker()
    spawn = problem("spawn", ("spawn()", "1\n"))
    code = (f"import subprocess\ndef spawn():\n    subprocess.Popen(['sleep', '{tag}'], start_new_session=True)\n"
            f"    subprocess.Popen(['sleep', '{own}'])\n    return 1\n")
    (verdict,) = await runner.judge(spawn, [Program(code)])
    assert verdict.passed
    assert await settle(lambda: not with_marker(tag) and not with_marker(own)), "a background process survived"


PROBE = '''\
import os
def probe():
    secret = sorted(k for k in os.environ if any(w in k for w in ("API_KEY", "TOKEN", "SECRET")))
    return (secret, os.listdir("."), os.getpgrp() == os.getpid(), os.environ["HOME"] == os.getcwd())
'''


async def test_the_program_sees_no_secrets_and_runs_alone_in_a_fresh_folder(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-programs")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp-not-for-programs")
    monkeypatch.setenv("SEIDR_TEST_SECRET", "not-for-programs")
    runner = PythonRunner(limits=Limits(example_seconds=30.0, program_seconds=60.0))
    try:
        check = problem("probe", ("probe()", "([], [], True, True)\n"))
        (writer,) = await runner.judge(check, [Program(PROBE + "open('left-behind', 'w').write('x')\n")])
        assert writer.results[0].actual == "([], ['left-behind'], True, True)\n"
        (reader,) = await runner.judge(check, [Program(PROBE)])
        assert reader.passed, reader.results[0].summary()  # the next program's folder is fresh
        for pid in runner.worker_pids():
            with open(f"/proc/{pid}/environ", "rb") as fh:
                assert b"not-for-programs" not in fh.read()
    finally:
        await runner.close()


async def test_output_is_captured_per_example_and_cut_at_the_limit_and_the_program_is_still_judged():
    runner = PythonRunner(limits=Limits(example_seconds=60.0, program_seconds=120.0, output_bytes=1000))
    try:
        loud = problem("loud", ("loud()", "'done'\n"), ("quiet()", "'ok'\n"))
        code = ("import os, sys\ndef loud():\n    for _ in range(1000):\n        sys.stdout.write('x' * 1_000_000)\n"
                "    for _ in range(50):\n        os.write(1, b'y' * 1_000_000)\n    return 'done'\n"
                "def quiet():\n    print('said once')\n    return 'ok'\n")
        (verdict,) = await runner.judge(loud, [Program(code)])
    finally:
        await runner.close()
    flooded, calm = verdict.results
    assert flooded.outcome is Outcome.FAILED  # a gigabyte on stdout: cut, and the example judged on what was kept
    assert flooded.actual == "x" * 1000 and flooded.output.startswith("x" * 1000)
    assert "[output cut at 1000 bytes]" in flooded.output and len(flooded.output) < 1100
    assert verdict.output.startswith("y" * 1000) and verdict.output.endswith("[output cut]")
    assert len(verdict.output) < 1100
    assert calm.outcome is Outcome.FAILED and calm.actual == "said once\n'ok'\n" and calm.output == "said once\n"


async def test_a_program_that_kills_itself_mid_example_is_an_error(runner):
    crash = problem("crash", ("crash()", "1\n"), ("crash()", "1\n"))
    (verdict,) = await runner.judge(crash, [Program("import os, signal\ndef crash():\n    os.kill(os.getpid(), signal.SIGSEGV)\n")])
    first, second = verdict.results
    assert first.outcome is Outcome.ERROR and "killed by SIGSEGV" in first.message
    assert second.outcome is Outcome.ERROR and second.message.startswith("not run")
