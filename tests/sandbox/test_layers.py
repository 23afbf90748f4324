"""The sandbox says which layers hold and why the others do not: ``seidr doctor`` lists each with its
reason, a machine without bwrap or unshare gets a warning that names what is missing, and a child whose
promised layer cannot be applied refuses to run rather than run weaker."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from seidr.runners.confine import Plan, SandboxError
from seidr.runners.limits import Limits
from seidr.runners.sandbox import confine_child, isolation
from tests.sandbox.support import scratch

LAYERS = ("bwrap", "unshare", "home hidden", "rlimits", "cgroups", "uid drop", "no_new_privs", "landlock", "seccomp")


def doctor(env: dict | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "seidr", "doctor"], capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


def layer_lines(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        for name in LAYERS:
            if line.strip()[6:].startswith(name + " "):
                found[name] = line.strip()
    return found


def test_doctor_names_every_layer_with_its_state_and_reason_and_each_toolchain():
    text = doctor()
    assert text.startswith(f"isolation: {isolation().level}\n  {isolation().detail}\n")
    lines = layer_lines(text)
    assert sorted(lines) == sorted(LAYERS)
    for name, active, why in isolation().layers:
        assert lines[name] == f"[{'on ' if active else 'off'}] {name:<13} {why}".strip()
        assert why, f"{name} gives no reason"
    for tool in ("python", "g++", "rustc", "verus"):
        assert f"\n  {tool} " in text


@pytest.mark.skipif(isolation().level != "bwrap" or os.geteuid() != 0, reason="shows full isolation as root with bwrap")
def test_on_this_machine_every_layer_is_on():
    assert isolation().complete, isolation().detail
    assert "(warning)" not in isolation().detail and "missing" not in isolation().detail


def test_doctor_piped_into_head_says_nothing_about_the_closed_pipe():
    done = subprocess.run(f"{sys.executable} -m seidr doctor | head -1", shell=True, capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.startswith("isolation: ") and done.stdout.count("\n") == 1
    assert done.stderr == ""


def test_without_bwrap_and_unshare_the_warning_names_each_missing_layer_and_the_fix():
    text = doctor({**os.environ, "PATH": "/nonexistent"})
    head, detail = text.splitlines()[:2]
    assert head == "isolation: none"
    assert detail.strip().startswith("none: no namespace isolation") and detail.endswith("(warning)")
    lines = layer_lines(text)
    assert lines["bwrap"].startswith("[off]") and "bubblewrap" in lines["bwrap"]
    assert lines["home hidden"].startswith("[off]") and "home hidden" in detail
    if os.geteuid() == 0 and _hidden_from_others(sys.base_prefix):
        # the program's uid could not import the standard library without bwrap's view: no silent drop
        assert lines["uid drop"].startswith("[off]") and "not readable by other users" in lines["uid drop"]
        assert "uid drop" in detail


def _hidden_from_others(path: str) -> bool:
    """Whether a folder on the way to ``path`` keeps other users out."""
    parts = os.path.abspath(path).split(os.sep)
    return any(not os.stat(os.sep.join(parts[:i]) or "/").st_mode & 0o001 for i in range(1, len(parts) + 1))


def under_a_broken_plan(monkeypatch, confine) -> tuple[int, bytes]:
    """Fork a child that calls ``confine(folder)`` under a plan whose cgroup folder does not exist, then writes
    "ran weaker"; its exit status and what it wrote (its stderr included)."""
    from seidr.runners import sandbox

    monkeypatch.setenv("SEIDR_SANDBOX", Plan(uid=False, cgroups={"pids": "/nonexistent/seidr"}).to_json())
    sandbox.plan.cache_clear()
    folder = scratch()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(write, 2)
            confine(folder)
            os.write(write, b"ran weaker")
        except SandboxError as exc:
            os.write(write, f"refused: {exc}".encode())
        finally:
            os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    sandbox.plan.cache_clear()
    os.rmdir(folder)
    return status, os.read(read, 1000)


def test_a_child_whose_promised_layer_cannot_be_applied_refuses_to_run(monkeypatch):
    _, said = under_a_broken_plan(monkeypatch, lambda folder: confine_child(Limits(), folder))
    assert said.startswith(b"refused: cgroup:") and b"/nonexistent/seidr" in said


def test_a_worker_child_that_cannot_be_confined_names_the_layer_and_points_at_doctor(monkeypatch):
    """What the runner tells the user when a promised layer fails in a program's child: not a bare exit status."""
    from seidr.runners.sandbox import confine_failure, enter_child, prepare_child

    status, output = under_a_broken_plan(monkeypatch, lambda folder: enter_child(prepare_child(Limits(), folder)))
    said = confine_failure(status, output)
    assert said is not None and said.startswith("the sandbox could not confine the program (cgroup:"), output
    assert "/nonexistent/seidr" in said and said.endswith("run `seidr doctor` to see which layer fails")
    assert confine_failure(0, output) is None  # a child that exits 0 was not refused
