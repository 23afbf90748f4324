"""What a cold ``seidr check`` may skip, and what it must not: the sandbox's probe is kept on disk and believed
only while nothing it depends on changed and only its owner could have written it, and the workspace's test
files that never name a function are not parsed, while one that reaches it through a fixture still counts."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.check.test_check_command import check
from tests.conftest import seidr_command

SHOP = '''\
def total(prices):
    """Sum of the prices.

    >>> total([1, 2])
    3
    """
    return sum(prices)
'''


def test_a_second_check_reads_the_probe_kept_on_disk_and_reports_the_same(workspace: Path):
    (workspace / "shop.py").write_text(SHOP)
    first = check("shop.py", cwd=workspace)
    cache = workspace.parent / ".cache" / "seidr" / "sandbox-probe.json"
    assert cache.stat().st_mode & 0o777 == 0o600
    assert len(json.loads(cache.read_text())["entries"]) == 1
    second = check("shop.py", cwd=workspace)
    assert (first.returncode, first.stdout) == (second.returncode, second.stdout) == (
        0, "shop.py:1 total 1/1 examples pass\n1 function with examples in 1 file: 1 pass, 0 fail\n")
    assert len(json.loads(cache.read_text())["entries"]) == 1


def test_doctor_probes_afresh_whatever_the_cache_says(workspace: Path):
    env = {**os.environ, "XDG_CACHE_HOME": str(workspace.parent / ".cache")}
    before = subprocess.run([*seidr_command(), "doctor"], capture_output=True, text=True, timeout=120, env=env)
    cache = workspace.parent / ".cache" / "seidr" / "sandbox-probe.json"
    kept = json.loads(cache.read_text())
    for findings in kept["entries"].values():  # a stale entry under the right key: every layer off
        findings["layers"] = [[name, False, "stale"] for name, _, _ in findings["layers"]]
    cache.write_text(json.dumps(kept))
    after = subprocess.run([*seidr_command(), "doctor"], capture_output=True, text=True, timeout=120, env=env)
    assert "stale" not in after.stdout and after.stdout == before.stdout


def test_a_probe_file_another_user_could_write_is_not_believed(tmp_path: Path, monkeypatch):
    from seidr.runners import probe

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    probe.store("k", {"level": "none"})
    assert probe.load_cached("k") == {"level": "none"}
    os.chmod(probe.cache_path(), 0o666)
    assert probe.load_cached("k") is None


def test_the_probe_is_run_again_when_a_wrapper_or_a_folder_a_program_reads_changes(tmp_path: Path):
    from seidr.runners import probe

    wrapper, folder = tmp_path / "bwrap", tmp_path / "lib"
    wrapper.write_text("#!/bin/sh\n")
    folder.mkdir(mode=0o755)

    def key() -> str:
        return probe.machine_key([str(wrapper), None], [str(folder)], [], {})

    first = key()
    assert key() == first
    wrapper.write_text("#!/bin/sh\nexit 0\n")  # a new version of the wrapper
    second = key()
    assert second != first
    os.chmod(folder, 0o700)  # a program's own uid can no longer read it
    assert key() != second


def test_a_test_that_reaches_the_function_only_through_a_conftest_fixture_still_counts(workspace: Path):
    (workspace / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    (workspace / "shop.py").write_text(SHOP)
    tests = workspace / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text(
        "import pytest\nfrom shop import total\n\n\n@pytest.fixture\ndef adder():\n    return total\n")
    (tests / "test_basket.py").write_text("def test_two_items(adder):\n    assert adder([2, 3]) == 5\n")
    (tests / "test_other.py").write_text("def test_nothing_of_the_shop():\n    assert 1 + 1 == 2\n")
    done = check("shop.py", cwd=workspace)
    assert done.stdout.splitlines()[0] == "shop.py:1 total 1/1 examples pass, 1/1 tests pass", done.stdout + done.stderr



def _processes_naming(text: str) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                line = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if entry.isdigit() and text in line:
            found.append(line)
    return found


def test_a_folder_with_no_python_leaves_no_worker_or_scratch_folder_behind(workspace: Path):
    # the first Python worker starts before the files are read; when none of them is Python it must go again
    (workspace / "notes").mkdir()
    (workspace / "notes" / "todo.txt").write_text("nothing to run\n")
    scratch = workspace.parent / "scratch"
    scratch.mkdir()
    done = check(".", cwd=workspace, env={**os.environ, "TMPDIR": str(scratch)})
    assert done.returncode == 0, done.stderr
    assert "0 functions with examples" in done.stdout
    assert [p.name for p in scratch.iterdir() if p.name.startswith("seidr-python-")] == []
    assert _processes_naming(str(scratch)) == []


def test_functions_whose_module_imports_standard_modules_are_judged_in_a_freshly_started_worker(workspace: Path):
    (workspace / "dates.py").write_text('''\
import datetime
from fractions import Fraction
import collections.abc, re as regex


def weekday(text):
    """The weekday of an ISO date.

    >>> weekday("2026-11-23")
    'Monday'
    """
    return datetime.date.fromisoformat(text).strftime("%A")


def half(n):
    """
    >>> half(3)
    Fraction(3, 2)
    >>> isinstance([], collections.abc.Sequence), bool(regex.match("a", "a"))
    (True, True)
    """
    return Fraction(n, 2)
''')
    done = check("dates.py", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[:2] == ["dates.py:6 weekday 1/1 examples pass", "dates.py:15 half 2/2 examples pass"]
