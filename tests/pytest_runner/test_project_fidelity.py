"""Whatever ``pytest`` passes, ``seidr check`` passes: a project that turns warnings into errors, a
``unittest.TestCase`` named as its author liked, a function its tests reach through ``from .more import *``,
threads and a ``multiprocessing`` pool, a slow test; and a refusal names the limit that refused and the setting
that lifts it (or says that none does)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import seidr_command

MORE = '''\
__all__ = ["triple", "gather", "squares"]


def triple(x):
    return 3 * x


def gather(n):
    import threading

    barrier = threading.Barrier(n)
    out = []

    def work(i):
        barrier.wait(timeout=10)
        out.append(i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    try:
        for t in threads:
            t.start()
    except RuntimeError:
        barrier.abort()  # the threads started wait for no one
        raise
    for t in threads:
        t.join()
    return sorted(out)


def squares(xs):
    import multiprocessing

    with multiprocessing.Pool(2) as pool:
        return pool.map(abs, xs)
'''

TESTS = '''\
import unittest

from pkg import gather, squares, triple


class TripleChecks(unittest.TestCase):
    def test_triple(self):
        self.assertEqual(triple(2), 6)


def test_triple_of_one():
    assert triple(1) == 3


def test_forty_threads_meet():
    assert gather(40) == list(range(40))


def test_a_pool_of_processes():
    assert squares([-1, 2]) == [1, 2]
'''

STRICT = '[tool.pytest.ini_options]\nfilterwarnings = ["error", "ignore::pytest.PytestDeprecationWarning"]\n'


def project(root: Path) -> Path:
    for name, text in {"pkg/__init__.py": "from .more import *\n", "pkg/more.py": MORE,
                       "tests/__init__.py": "", "tests/test_more.py": TESTS, "pyproject.toml": STRICT}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def check(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*seidr_command(), "check", *args], cwd=root, capture_output=True, text=True, timeout=300)


def test_every_test_pytest_passes_passes_under_seidr_check(workspace):
    root = project(workspace)
    reference = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root,
                               capture_output=True, text=True, timeout=300)
    assert reference.returncode == 0, reference.stdout
    seidr = check(root, "pkg/more.py")
    assert seidr.returncode == 0, seidr.stdout + seidr.stderr
    assert seidr.stdout.splitlines() == [
        "pkg/more.py:4 triple 2/2 tests pass",  # the TestCase, and the test reaching it through the star-import
        "pkg/more.py:8 gather 1/1 tests pass",
        "pkg/more.py:30 squares 1/1 tests pass",
        "3 functions with examples in 1 file: 3 pass, 0 fail"]


def test_a_refusal_names_the_limit_and_the_setting_that_lifts_it(workspace):
    root = project(workspace)
    # three hundred threads' stacks need more address space than the limit gives (as root in a folder only root
    # reads, programs keep uid 0, which no process limit binds; the memory limit binds every program)
    (root / "pyproject.toml").write_text(STRICT + "[tool.seidr.limits]\nmemory_mb = 160\n")
    (root / "tests" / "test_more.py").write_text(TESTS.replace(
        "def test_forty_threads_meet():\n    assert gather(40) == list(range(40))",
        "def test_three_hundred_threads_meet():\n    assert gather(300) == list(range(300))"))
    seidr = check(root, "pkg/more.py")
    assert seidr.returncode == 1
    [line] = [line for line in seidr.stdout.splitlines() if "test_three_hundred_threads_meet" in line]
    assert "can't start new thread" in line and line.endswith(
        "refused by limits.processes (processes and threads at once) or limits.memoryMb (each thread reserves its "
        "stack): raise it in the settings")


SHAPED = '''\
class classless:
    """A property that reads None on the class itself, as toolz's ``instanceproperty`` does."""

    def __init__(self, fget):
        self.fget = fget

    def __get__(self, obj, kind=None):
        return None if obj is None else self.fget(obj)


class Box:
    def __init__(self, size):
        self.size = size

    @classless
    def area(self):
        return self.size * self.size
'''


def test_tests_of_a_method_that_is_none_on_its_class_still_run(workspace):
    (workspace / "box.py").write_text(SHAPED)
    (workspace / "test_box.py").write_text("from box import Box\n\n\ndef test_area():\n    assert Box(3).area == 9\n")
    seidr = check(workspace, "box.py")
    assert "box.py:16 Box.area 1/1 tests pass" in seidr.stdout.splitlines(), seidr.stdout


def test_a_slow_test_has_its_own_time_and_one_that_times_out_does_not_stop_the_others(workspace):
    (workspace / "slow.py").write_text("import time\n\n\ndef wait(seconds):\n    time.sleep(seconds)\n    return seconds\n")
    (workspace / "test_slow.py").write_text(
        "from slow import wait\n\n\ndef test_past_the_examples_time():\n    assert wait(2.5) == 2.5\n\n\n"
        "def test_forever():\n    assert wait(60) == 60\n\n\ndef test_quick():\n    assert wait(0) == 0\n")
    (workspace / "pyproject.toml").write_text("[tool.seidr.limits]\ntest_seconds = 4\n")
    seidr = check(workspace, "slow.py")
    lines = seidr.stdout.splitlines()
    assert lines[0] == "slow.py:4 wait 2/3 tests pass", seidr.stdout
    assert lines[1] == "test_slow.py:8: test_forever timeout: timed out after 4 s"
    assert len(lines) == 3  # test_quick passed: it ran in a process of its own after test_forever timed out


ECHO_TEST = ("import socket\n\nfrom echo import echo\n\n\ndef test_over_loopback():\n"
             "    server = socket.socket()\n    server.bind(('127.0.0.1', 0))\n    server.listen()\n"
             "    client = socket.create_connection(server.getsockname())\n    peer, _ = server.accept()\n"
             "    client.sendall(echo(b'x'))\n    assert peer.recv(1) == b'x'\n")


def test_the_users_own_tests_may_serve_on_a_loopback_of_their_own_and_a_candidate_never(workspace):
    """Under bubblewrap the user's own code has a network namespace of its own, whose loopback reaches nothing
    outside it; without bubblewrap, and for a candidate always, the sandbox refuses and says so."""
    from seidr.runners.sandbox import isolation

    iso = isolation()
    if not (iso.plan.seccomp or iso.plan.landlock >= 4):
        pytest.skip("this machine's sandbox leaves TCP open")
    (workspace / "echo.py").write_text("def echo(data):\n    return data\n")
    (workspace / "test_echo.py").write_text(ECHO_TEST)
    refusal = "; refused by the sandbox: a program has no network, loopback included (no setting lifts it)"
    lines = check(workspace, "echo.py").stdout.splitlines()
    if iso.level == "bwrap":
        assert lines[0] == "echo.py:1 echo 1/1 tests pass", lines
    else:
        assert lines[1].startswith("test_echo.py:7: test_over_loopback error: ") and lines[1].endswith(refusal)
    # a candidate for the same function, judged against the same test
    candidate = "def echo(data):\n    return bytes(data)\n"
    (workspace / "echo.py").write_text(candidate.replace("bytes(data)", "data"))
    script = ("import asyncio, sys\nfrom seidr.runners.program import Program\nfrom seidr.runners.python import PythonRunner\n"
              "from seidr.synth.extract import extract\nfrom seidr.synth.tests_discovery import with_related_tests\n"
              "problem, _ = with_related_tests(extract(open('echo.py').read(), 'echo.py').find('echo'))\n"
              "async def main():\n    runner = PythonRunner()\n"
              f"    [verdict] = await runner.judge(problem, [Program({candidate!r})])\n"
              "    await runner.close()\n    print(verdict.passed, verdict.results[0].message)\n"
              "asyncio.run(main())\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=workspace, capture_output=True, text=True, timeout=300)
    assert done.stdout.startswith("False ") and done.stdout.strip().endswith(refusal), done.stdout + done.stderr
