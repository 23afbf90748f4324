"""What a function returns reaches the tests as pytest would hand it over: the user's own code unchanged (a date,
a function, a generator, a bytearray, a dict subclass), and a candidate's honest values too; only what a candidate
made itself, and could make lie, stays behind a stand-in."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from seidr.runners.program import Program
from seidr.synth.extract import extract
from seidr.synth.tests_discovery import with_related_tests
from tests.conftest import seidr_command

pytestmark = pytest.mark.asyncio(loop_scope="module")

CALENDAR = '''\
import datetime


def first_of_month(year, month):
    return datetime.date(year, month, 1)


def adder(n):
    def add(x):
        return x + n
    return add


def evens(n):
    return (i for i in range(0, n, 2))


def raw(text):
    return bytearray(text, "ascii")


class Counts(dict):
    pass


def counts(word):
    found = Counts()
    for ch in word:
        found[ch] = found.get(ch, 0) + 1
    return found
'''

TESTS = '''\
import datetime

from cal import adder, counts, evens, first_of_month, raw


def test_first_of_month():
    assert first_of_month(2024, 8) == datetime.date(2024, 8, 1)


def test_adder():
    assert adder(2)(3) == 5


def test_evens():
    assert list(evens(7)) == [0, 2, 4, 6]


def test_raw():
    assert raw("ab") == bytearray(b"ab")


def test_counts():
    assert counts("aab") == {"a": 2, "b": 1}
    assert type(counts("aab")).__name__ == "Counts"
'''

LIAR = "class Yes:\n    def __eq__(self, other):\n        return True\n"


@pytest.fixture
def calendar(workspace: Path) -> Path:
    (workspace / "cal.py").write_text(CALENDAR)
    (workspace / "tests").mkdir()
    (workspace / "tests" / "__init__.py").write_text("")
    (workspace / "tests" / "test_cal.py").write_text(TESTS)
    (workspace / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    return workspace


def problem(workspace: Path, name: str):
    path = workspace / "cal.py"
    found, messages = with_related_tests(extract(path.read_text(), str(path)).find(name))
    assert messages == []
    return found


async def test_the_users_own_code_passes_every_test_pytest_passes(calendar):
    pytest_run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=calendar,
                                capture_output=True, text=True, timeout=120)
    assert pytest_run.returncode == 0, pytest_run.stdout
    seidr = subprocess.run([*seidr_command(), "check", "cal.py"], cwd=calendar, capture_output=True, text=True,
                           timeout=120)
    assert seidr.returncode == 0, seidr.stdout
    assert seidr.stdout.splitlines()[-1] == "5 functions with examples in 1 file: 5 pass, 0 fail"


@pytest.mark.parametrize("name, honest", [
    ("first_of_month", "import datetime\n\ndef first_of_month(year, month):\n    return datetime.date(year, month, 1)\n"),
    ("adder", "def adder(n):\n    return lambda x: n + x\n"),
    ("evens", "def evens(n):\n    yield from range(0, n, 2)\n"),
    ("raw", "def raw(text):\n    return bytearray(text.encode())\n"),
])
async def test_a_candidate_returning_a_date_a_function_or_a_generator_honestly_passes(calendar, runner, name, honest):
    [verdict] = await runner.judge(problem(calendar, name), [Program(honest)])
    assert verdict.passed, [r.summary() for r in verdict.failures] or verdict.error


@pytest.mark.parametrize("name, lying", [
    ("adder", LIAR + "def adder(n):\n    return lambda x: Yes()\n"),
    ("evens", LIAR + "def evens(n):\n    yield from (Yes() for _ in range(4))\n"),
    ("first_of_month", LIAR + "def first_of_month(year, month):\n    return Yes()\n"),
])
async def test_what_a_candidate_made_itself_cannot_say_yes_through_them(calendar, runner, name, lying):
    [verdict] = await runner.judge(problem(calendar, name), [Program(lying)])
    assert not verdict.passed
