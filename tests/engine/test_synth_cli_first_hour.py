"""``seidr synth`` in a new user's first hour: a bad flag answered with the subcommand's usage, a file with nothing
to synthesize said so, a write that says it wrote (or one line when it cannot, the file unchanged), a failing model
service told apart from a bad setup, Ctrl-C that still names the trace and the spend, and a replay of cached
replies that never waits for litellm's import."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import seidr_command
from tests.engine.test_synth_cli_engine import RIGHT, STUB

SOLVED = STUB.replace("    ...\n", "    return x + 1\n")


def synth(workspace: Path, *args: str, prefix: tuple = (), **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, *seidr_command(), "synth", *args], cwd=workspace, capture_output=True, text=True,
                          timeout=120, **kwargs)


def with_model(server, *flags: str) -> tuple[str, ...]:
    return ("--model", "openai/scripted", "--api-base", server.api_base, "--no-progress", *flags)


def test_a_bad_flag_gets_the_usage_of_the_subcommand_it_was_given_to(workspace):
    (workspace / "counting.py").write_text(STUB)
    done = synth(workspace, "counting.py", "--bogus")
    assert done.returncode == 2
    assert done.stderr.startswith("usage: seidr synth ") and "FILE[::FUNCTION]" in done.stderr
    assert done.stderr.rstrip().endswith("seidr synth: error: unrecognized arguments: --bogus")
    report = subprocess.run([*seidr_command(), "bench", "report", "runs", "--bogus"], cwd=workspace,
                            capture_output=True, text=True, timeout=60)
    assert report.returncode == 2 and report.stderr.startswith("usage: seidr bench report ")


def test_a_file_without_examples_is_said_to_have_none(workspace):
    (workspace / "empty.py").write_text("")
    (workspace / "plain.py").write_text("def f(x):\n    return x\n")
    for name in ("empty.py", "plain.py"):
        done = synth(workspace, name)
        assert done.returncode == 0 and done.stdout == ""
        assert f"no functions with examples in {name}; add a doctest or a test" in done.stderr
        assert "passes" not in done.stderr


def test_write_says_what_it_wrote(workspace):
    (workspace / "counting.py").write_text(STUB)
    done = synth(workspace, "counting.py", "--write")
    assert done.returncode == 0, done.stderr
    assert "wrote counting.py (1 function)" in done.stderr.splitlines()
    assert (workspace / "counting.py").read_text() == SOLVED
    dry = synth(workspace, "counting.py")  # nothing left to do, nothing said to be written
    assert "wrote" not in dry.stderr


def _bwrap() -> str:
    path = shutil.which("bwrap")
    if path is None:
        pytest.skip("bubblewrap is not installed (it makes the read-only and the full file systems)")
    return path


def test_a_read_only_folder_gets_one_line_exit_4_and_an_unchanged_file(workspace):
    (workspace / "counting.py").write_text(STUB)
    readonly = (_bwrap(), "--dev-bind", "/", "/", "--ro-bind", str(workspace), str(workspace))
    done = synth(workspace, "counting.py", "--write", prefix=readonly)
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr
    assert ("seidr synth: cannot write counting.py: it is on a read-only file system; copy the project somewhere "
            "writable; the file is unchanged") in done.stderr.splitlines()
    assert "+    return x + 1" in done.stdout  # what would have been written is still shown
    assert (workspace / "counting.py").read_text() == STUB


def test_a_full_disk_gets_one_line_exit_4_and_leaves_no_temporary_file(workspace):
    (workspace / "counting.py").write_text(STUB)
    script = (f"cp {workspace}/counting.py /mnt/ && cat /dev/zero > /mnt/fill 2>/dev/null; "
              f"{' '.join(seidr_command())} synth /mnt/counting.py --write; echo \"rc=$?\"; ls -a /mnt")
    done = subprocess.run([_bwrap(), "--dev-bind", "/", "/", "--size", "65536", "--tmpfs", "/mnt", "sh", "-c", script],
                          cwd=workspace, capture_output=True, text=True, timeout=120)
    assert "rc=4" in done.stdout, done.stderr
    assert ("seidr synth: cannot write /mnt/counting.py: the disk is full; free some space and run again; the file "
            "is unchanged") in done.stderr.splitlines()
    assert not [line for line in done.stdout.splitlines() if line.startswith(".seidr-")]


def test_a_model_service_that_keeps_failing_has_its_own_exit_status(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    (workspace / "seidr.toml").write_text("enumerateFirst = false\nretries = 1\nretryWait = 0\n")
    scripted_server.fail(*["500"] * 20)
    done = synth(workspace, "counting.py", *with_model(scripted_server, "--no-cache", "--write"))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    last = done.stderr.splitlines()[-1]
    assert last.startswith(f"seidr synth: openai/scripted at {scripted_server.api_base} failed (2 attempts)")
    assert (workspace / "counting.py").read_text() == STUB


def test_ctrl_c_names_the_trace_and_what_was_spent(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    (workspace / "seidr.toml").write_text("enumerateFirst = false\n")
    scripted_server.replies = [[RIGHT]]
    scripted_server.delay = 30
    proc = subprocess.Popen([*seidr_command(), "synth", "counting.py", *with_model(scripted_server, "--no-cache",
                                                                                     "--write")],
                            cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not scripted_server.requests and time.monotonic() < deadline:
        time.sleep(0.1)
    assert scripted_server.requests, "the model was never asked"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert "seidr synth: interrupted; nothing written" in lines
    assert any(line.startswith("trace: ") for line in lines)
    assert lines[-1].startswith("spent: ")
    assert (workspace / "counting.py").read_text() == STUB


def test_a_replay_from_the_reply_cache_never_imports_litellm(scripted_server, workspace):
    (workspace / "counting.py").write_text(STUB)
    (workspace / "seidr.toml").write_text("enumerateFirst = false\n")  # the model's path, not the built-in search
    scripted_server.replies = [[RIGHT]]
    first = synth(workspace, "counting.py", *with_model(scripted_server))
    assert first.returncode == 0 and "inc: solved" in first.stderr, first.stderr
    asked = len(scripted_server.requests)
    replay = synth(workspace, "counting.py", *with_model(scripted_server),
                   env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
    assert replay.returncode == 0 and "inc: solved" in replay.stderr, replay.stderr
    assert "cached repl" in replay.stderr.splitlines()[-1]
    assert len(scripted_server.requests) == asked
    assert "litellm" not in imported(replay) and "seidr.synth.models" in imported(replay)
    fresh = synth(workspace, "counting.py", *with_model(scripted_server, "--no-cache"),
                  env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
    assert fresh.returncode == 0 and "litellm" in imported(fresh)  # a reply not in the cache needs it


def imported(done: subprocess.CompletedProcess) -> set[str]:
    """The modules a run imported, from Python's import-time report."""
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
