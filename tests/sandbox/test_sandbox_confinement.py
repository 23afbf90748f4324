"""Hostile programs run through ``run_process`` and ``worker_argv``: each fails, reaches nothing on the
network, leaves no process behind, and the sandbox keeps working for the next one."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import uuid

import pytest

from seidr.runners.limits import Limits
from seidr.runners.sandbox import clean_env, isolation, run_process, worker_argv

FAST = Limits(program_seconds=3.0, memory_mb=256)
namespaces = pytest.mark.skipif(isolation().level == "none", reason="no bwrap or unshare on this machine")


class Listener:
    """A loopback server that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def survivors(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


async def run_python(code: str, tmp_path, **kw):
    return await run_process([sys.executable, "-c", code], limits=FAST, workdir=str(tmp_path), **kw)


@namespaces
async def test_a_program_cannot_reach_a_loopback_server(listener, tmp_path):
    code = f"import socket; socket.create_connection(('127.0.0.1', {listener.port}), timeout=1); print('reached')"
    result = await run_python(code, tmp_path)
    assert result.returncode != 0 and b"reached" not in result.stdout
    assert listener.connections == 0


@namespaces
async def test_a_process_that_escapes_with_setsid_dies_with_the_program(tmp_path):
    marker = f"seidr-escape-{uuid.uuid4().hex}"
    code = (
        "import os, subprocess, time\n"
        f"subprocess.Popen(['sleep', '300', '{marker}'], start_new_session=True)\n"
        "print('started', flush=True); time.sleep(60)\n"
    )
    # sleep takes one argument; the marker rides along as a second one only some sleeps accept, so use sh.
    code = code.replace(f"['sleep', '300', '{marker}']", f"['sh', '-c', 'sleep 300 # {marker}']")
    result = await run_python(code, tmp_path, timeout=1.5)
    assert result.timed_out and result.stdout == b"started\n"  # partial output kept on timeout
    assert survivors(marker) == []


async def test_a_fork_bomb_is_stopped_and_leaves_nothing(tmp_path):
    marker = f"seidr-bomb-{uuid.uuid4().hex}"
    code = f"import os, time\n# {marker}\nwhile True:\n    try: os.fork()\n    except OSError: time.sleep(0.01)\n"
    result = await run_python(code, tmp_path, timeout=1.5)
    assert result.timed_out or result.returncode != 0
    assert survivors(marker) == []
    again = await run_python("print(6 * 7)", tmp_path)
    assert again.stdout == b"42\n"


async def test_a_memory_hog_fails_within_its_limit(tmp_path):
    result = await run_python("x = bytearray(1024 * 1024 * 1024); print('allocated')", tmp_path)
    assert result.returncode != 0 and b"allocated" not in result.stdout
    assert b"MemoryError" in result.stderr


async def test_endless_output_is_capped(tmp_path):
    result = await run_python("import sys\nwhile True: sys.stdout.write('x' * 4096)", tmp_path, timeout=1.5)
    assert result.truncated and len(result.stdout) <= FAST.output_bytes


async def test_secrets_in_the_environment_do_not_reach_the_program(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-do-not-leak")
    result = await run_python("import os; print(sorted(os.environ))", tmp_path, env=clean_env())
    assert b"OPENAI_API_KEY" not in result.stdout and result.returncode == 0


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ not installed")
@namespaces
async def test_a_compiled_program_cannot_reach_a_loopback_server(listener, tmp_path):
    source = tmp_path / "dial.cpp"
    source.write_text(
        "#include <arpa/inet.h>\n#include <sys/socket.h>\n#include <cstdio>\n#include <cstdlib>\n"
        "int main(int, char** argv) { int s = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in a{};"
        " a.sin_family = AF_INET; a.sin_port = htons(atoi(argv[1])); a.sin_addr.s_addr = htonl(0x7f000001);"
        " if (connect(s, (sockaddr*)&a, sizeof a) == 0) { puts(\"reached\"); return 0; } return 1; }\n"
    )
    subprocess.run(["g++", "-O0", "-o", str(tmp_path / "dial"), str(source)], check=True)
    result = await run_process([str(tmp_path / "dial"), str(listener.port)], limits=FAST, workdir=str(tmp_path))
    assert result.returncode == 1 and b"reached" not in result.stdout
    assert listener.connections == 0


@namespaces
def test_a_wrapped_worker_still_imports_seidr_but_has_no_network(listener):
    code = (
        "import socket, seidr.runners.limits\n"
        f"try:\n    socket.create_connection(('127.0.0.1', {listener.port}), timeout=1); print('reached')\n"
        "except OSError:\n    print('isolated')\n"
    )
    done = subprocess.run(worker_argv([sys.executable, "-c", code]), capture_output=True, timeout=30)
    assert done.stdout == b"isolated\n", done.stderr
    assert listener.connections == 0


def test_doctor_names_each_layer_and_toolchain():
    done = subprocess.run([sys.executable, "-m", "seidr", "doctor"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert f"isolation: {isolation().level}" in done.stdout
    for layer in ("bwrap", "unshare", "rlimits", "no_new_privs", "landlock", "seccomp", "cgroups", "uid drop"):
        assert layer in done.stdout
    for tool in ("python", "g++", "rustc", "verus"):
        assert tool in done.stdout


@pytest.fixture
def canary():
    """A folder outside the temp folder that no candidate may write into."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="seidr-canary-", dir=os.path.expanduser("~"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(isolation().level != "bwrap", reason="a read-only file system needs bwrap")
async def test_a_program_writes_only_to_its_scratch_folder(tmp_path, canary):
    home_file = os.path.join(os.path.expanduser("~"), f"seidr-canary-{uuid.uuid4().hex}")
    code = (
        "import sys\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n        open(path, 'w').write('x'); print('wrote', path)\n"
        "    except OSError as exc:\n        print('refused', exc.errno)\n"
    )
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    result = await run_process(
        [sys.executable, "-c", code, home_file, os.path.join(canary, "x"), str(scratch / "ok"), str(tmp_path / "no")],
        limits=FAST, workdir=str(scratch), writable=[],
    )
    assert result.stdout.decode().count("refused") == 3, result.stdout
    assert not os.path.exists(home_file) and os.listdir(canary) == [] and not (tmp_path / "no").exists()
    assert (scratch / "ok").read_text() == "x"


@namespaces
def test_a_wrapped_worker_reports_pids_that_the_judge_can_kill():
    marker = f"seidr-worker-{uuid.uuid4().hex}"
    code = f"import subprocess; print(subprocess.Popen(['sh', '-c', 'sleep 30 # {marker}']).pid, flush=True)"
    worker = subprocess.Popen(worker_argv([sys.executable, "-c", code]), stdout=subprocess.PIPE)
    try:
        pid = int(worker.stdout.readline())
        with open(f"/proc/{pid}/status") as status:
            parent = next(int(line.split()[1]) for line in status if line.startswith("PPid:"))
        assert parent in survivors(marker)  # the pid names the worker's own child out here too
        os.kill(pid, 9)
    finally:
        worker.wait(10)
