"""``seidr synth`` as a user runs it: a diff of the synthesized body, ``--write`` only onto an unchanged file."""
from __future__ import annotations

import subprocess
import sys
import time

SEIDR = [sys.executable, "-m", "seidr"]
STUB = '''"""Counting."""


def inc(x: int) -> int:
    """One more than x.

    >>> inc(1)
    2
    >>> inc(41)
    42
    >>> inc(-3)
    -2
    """
    ...


def same(x):
    """
    >>> same(3)
    3
    """
    return x
'''
WRONG = "```python\ndef inc(x):\n    return x\n```"
RIGHT = "```python\ndef inc(x):\n    return x + 1\n```"


def synth(workspace, server, *flags, wait=True):
    # the built-in search would find inc before any model call; these tests are about the model's path
    (workspace / "seidr.toml").write_text("enumerateFirst = false\n")
    argv = [*SEIDR, "synth", "counting.py", "--model", "openai/scripted", "--api-base", server.api_base,
            "--no-cache", *flags]
    if wait:
        return subprocess.run(argv, cwd=workspace, capture_output=True, text=True, timeout=120)
    return subprocess.Popen(argv, cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_synth_write_applies_the_repaired_body_and_prints_the_diff(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    scripted_server.replies = [[WRONG], [RIGHT]]
    done = synth(workspace, scripted_server, "--write")
    assert done.returncode == 0, done.stderr
    assert "-    ...\n+    return x + 1\n" in done.stdout and done.stdout.startswith("--- a/counting.py")
    assert (workspace / "counting.py").read_text() == STUB.replace("    ...\n", "    return x + 1\n")
    assert "inc: solved" in done.stderr and "same" not in done.stderr  # a passing function is left alone


def test_synth_write_refuses_a_file_edited_while_it_ran(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    scripted_server.replies = [[RIGHT]]
    scripted_server.delay = 1.5
    proc = synth(workspace, scripted_server, "--write", wait=False)
    deadline = time.monotonic() + 60
    while not scripted_server.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    edited = STUB + "\n# the user typed this meanwhile\n"
    (workspace / "counting.py").write_text(edited)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "counting.py changed while seidr was working; not written" in err
    assert (workspace / "counting.py").read_text() == edited
    assert "+    return x + 1" in out  # the diff is still shown


def test_synth_without_a_model_and_the_search_off_is_one_line_and_exit_2(workspace):
    # with the built-in search on (the default), no model means the search alone: tests/enumerative
    (workspace / "counting.py").write_text(STUB)
    (workspace / "seidr.toml").write_text("enumerateFirst = false\n")
    done = subprocess.run([*SEIDR, "synth", "counting.py"], cwd=workspace, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no model configured" in done.stderr and "--model" in done.stderr


def test_synth_names_a_missing_function(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    done = subprocess.run([*SEIDR, "synth", "counting.py::dec", "--model", "openai/x"], cwd=workspace,
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.strip() == "seidr synth: no function dec in counting.py; check the name after '::'"
