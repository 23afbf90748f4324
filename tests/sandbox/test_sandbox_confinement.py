"""Compiled programs and untrusted commands through ``run_process``: each runs as a uid of its own in its own
cgroup and pid space, reaches nothing on the network, writes only its folder, gets no secrets, has its output
capped, leaves no process behind, and the sandbox keeps working for the next one."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import uuid

import pytest

from seidr.runners.limits import Limits
from seidr.runners.sandbox import clean_env, isolation, run_process, worker_argv
from tests.sandbox.support import (CONFINED_REASON, canary_intact, confined, lingering, remove, sandbox_uid, scratch,
                                   survivors)

FAST = Limits(program_seconds=3.0, memory_mb=256)
namespaces = pytest.mark.skipif(isolation().level == "none", reason="no bwrap or unshare on this machine")
full = pytest.mark.skipif(not confined(), reason=CONFINED_REASON)


async def run_python(code: str, workdir: str, **kw):
    return await run_process([sys.executable, "-c", code], limits=kw.pop("limits", FAST), workdir=workdir, **kw)


def compile_cpp(source: str, folder) -> str:
    path = os.path.join(str(folder), "program.cpp")
    with open(path, "w") as fh:
        fh.write(source)
    subprocess.run(["g++", "-O0", "-w", "-o", os.path.join(str(folder), "program"), path], check=True)
    return os.path.join(str(folder), "program")


@full
async def test_a_program_runs_as_a_uid_of_its_own_in_its_own_cgroup(folder):
    code = ("import os, time; print(os.getuid(), os.getgroups(), open('/proc/self/cgroup').read().count('/seidr-'),"
            " flush=True); time.sleep(0.5)")
    other = scratch()
    try:
        first, second = await asyncio.gather(run_python(code, folder), run_python(code, other))
    finally:
        remove(other)
    uid, groups, cgroups = first.stdout.decode().split(" ", 2)
    assert sandbox_uid(int(uid)) and groups == "[]", first
    assert int(cgroups) == (2 if isolation().plan.cgroups else 0)
    assert second.stdout.split()[0] != first.stdout.split()[0]  # programs running side by side


@namespaces
async def test_a_program_cannot_reach_a_loopback_server(listener, folder):
    code = f"import socket; socket.create_connection(('127.0.0.1', {listener.port}), timeout=1); print('reached')"
    result = await run_python(code, folder)
    assert result.returncode != 0 and b"reached" not in result.stdout
    assert listener.hits == 0


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ not installed")
@namespaces
async def test_a_compiled_program_cannot_reach_a_loopback_server(listener, folder, tmp_path):
    # built where pytest keeps files, below a folder only root may enter: the program still runs
    binary = compile_cpp(
        "#include <arpa/inet.h>\n#include <sys/socket.h>\n#include <cstdio>\n#include <cstdlib>\n"
        "int main(int, char** argv) { int s = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in a{};"
        " a.sin_family = AF_INET; a.sin_port = htons(atoi(argv[1])); a.sin_addr.s_addr = htonl(0x7f000001);"
        " if (s < 0) { puts(\"no socket\"); return 1; }"
        " if (connect(s, (sockaddr*)&a, sizeof a) == 0) { puts(\"reached\"); return 0; } return 1; }\n", tmp_path)
    result = await run_process([binary, str(listener.port)], limits=FAST, workdir=folder)
    assert result.returncode == 1 and b"reached" not in result.stdout, result
    assert listener.hits == 0


@namespaces
async def test_a_process_that_escapes_with_setsid_dies_with_the_program(folder):
    marker = f"seidr-escape-{uuid.uuid4().hex}"
    code = (
        "import subprocess, time\n"
        f"subprocess.Popen(['sh', '-c', 'sleep 300 # {marker}'], start_new_session=True)\n"
        "print('started', flush=True); time.sleep(60)\n"
    )
    result = await run_python(code, folder, timeout=1.5)
    assert result.timed_out and result.stdout == b"started\n"  # partial output kept on timeout
    assert lingering(marker, judge_pid=os.getpid()) == []


async def test_a_fork_bomb_is_stopped_by_its_process_limit_and_leaves_nothing(folder):
    code = ("import os\ncount = 0\nwhile True:\n    try:\n        if os.fork() == 0:\n"
            "            import time; time.sleep(60)\n        count += 1\n"
            "    except OSError:\n        print('stopped after', count, flush=True); break\n")
    result = await run_python(code, folder, limits=Limits(program_seconds=30, processes=8))
    assert result.stdout.startswith(b"stopped after ") and not result.timed_out, result
    assert lingering(judge_pid=os.getpid()) == []
    again = await run_python("print(6 * 7)", folder)
    assert again.stdout == b"42\n"


async def test_a_memory_hog_fails_within_its_limit(folder):
    result = await run_python("x = bytearray(1024 * 1024 * 1024); print('allocated')", folder)
    assert result.returncode != 0 and b"allocated" not in result.stdout
    assert b"MemoryError" in result.stderr


async def test_endless_output_is_capped(folder):
    result = await run_python("import sys\nwhile True: sys.stdout.write('x' * 4096)", folder, timeout=1.5)
    assert result.truncated and len(result.stdout) <= FAST.output_bytes


async def test_secrets_in_the_environment_do_not_reach_the_program(folder, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-do-not-leak")
    result = await run_python("import os; print(sorted(os.environ))", folder, env=clean_env())
    assert b"OPENAI_API_KEY" not in result.stdout and result.returncode == 0


@full
async def test_a_program_writes_only_to_its_folder_and_the_folders_it_is_given(folder, canary):
    home_file = os.path.join(os.path.expanduser("~"), f"seidr-canary-{uuid.uuid4().hex}")
    given = scratch()
    outside = os.path.join(os.path.dirname(folder), f"seidr-outside-{uuid.uuid4().hex}")
    code = (
        "import sys\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n        open(path, 'w').write('x'); print('wrote')\n"
        "    except OSError as exc:\n        print('refused', exc.errno)\n"
    )
    try:
        result = await run_process(
            [sys.executable, "-c", code, home_file, os.path.join(canary, "x"), outside, "ok",
             os.path.join(given, "report")], limits=FAST, workdir=folder, writable=[given])
        said = [line.split()[0] for line in result.stdout.decode().splitlines()]
        assert said == ["refused", "refused", "refused", "wrote", "wrote"], result
        assert not os.path.exists(home_file) and canary_intact(canary) and not os.path.exists(outside)
        assert open(os.path.join(folder, "ok")).read() == "x" and open(os.path.join(given, "report")).read() == "x"
    finally:
        remove(given)


@namespaces
def test_a_wrapped_worker_still_imports_seidr_but_has_no_network(listener):
    code = (
        "import socket, seidr.runners.limits\n"
        f"try:\n    socket.create_connection(('127.0.0.1', {listener.port}), timeout=1); print('reached')\n"
        "except OSError:\n    print('isolated')\n"
    )
    done = subprocess.run(worker_argv([sys.executable, "-c", code]), capture_output=True, timeout=60)
    assert done.stdout == b"isolated\n", done.stderr
    assert listener.hits == 0


@namespaces
def test_a_wrapped_worker_reports_pids_that_the_judge_can_kill():
    marker = f"seidr-worker-{uuid.uuid4().hex}"
    code = (f"import subprocess, sys; child = subprocess.Popen(['sh', '-c', 'sleep 30 # {marker}']);"
            " print(child.pid, flush=True); sys.stdin.read(); child.kill()")
    worker = subprocess.Popen(worker_argv([sys.executable, "-c", code]), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        pid = int(worker.stdout.readline())
        with open(f"/proc/{pid}/status") as status:
            parent = next(int(line.split()[1]) for line in status if line.startswith("PPid:"))
        assert parent in survivors(marker)  # the pid names the worker's own child out here too
        os.kill(pid, 9)
    finally:
        worker.stdin.close()
        worker.wait(10)
