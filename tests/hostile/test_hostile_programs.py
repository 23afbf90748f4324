"""The hostile suite: programs that attack the machine instead of satisfying their example (print 42).
Each is run confined; each must fail its example, write nothing outside its scratch folder, reach no
loopback server, leave no process behind, and leave the sandbox working for the next program.
A hostile program prints 42 only when its attack worked, so a pass means the sandbox let it through."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import uuid

import pytest

from seidr.runners.limits import Limits
from seidr.runners.sandbox import isolation, run_process

pytestmark = pytest.mark.skipif(isolation().level != "bwrap", reason="the full suite needs bwrap isolation")
LIMITS = Limits(program_seconds=1.5, memory_mb=256, file_size_mb=4, open_files=64)
SECRET = "sk-hostile-suite-secret"

PYTHON = {
    "tcp_connect": "import socket; socket.create_connection(('127.0.0.1', {port}), timeout=1); print(42)",
    "tcp_connect_ipv6": "import socket; socket.create_connection(('::1', {port}), timeout=1); print(42)",
    "udp_send": "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
                "s.sendto(b'x', ('127.0.0.1', {port})); s.connect(('8.8.8.8', 53)); print(42)",
    "http_get": "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/', timeout=1); print(42)",
    "dns_lookup": "import socket; socket.getaddrinfo('example.com', 80); print(42)",
    "write_home": "open('{home}/seidr-hostile-{marker}', 'w').write('x'); print(42)",
    "write_canary": "open('{canary}/planted', 'w').write('x'); print(42)",
    "delete_canary": "import os; os.remove('{canary}/keep'); print(42)",
    "rename_into_home": "import os; open('f', 'w').write('x'); os.rename('f', '{home}/seidr-hostile-{marker}'); print(42)",
    "symlink_out": "import os; os.symlink('{canary}/planted', 'link'); open('link', 'w').write('x'); print(42)",
    "write_project": "open('{project}/seidr-hostile-{marker}', 'w').write('x'); print(42)",
    "write_dev_shm": "open('/dev/shm/seidr-hostile-{marker}', 'w').write('x'); import os; "
                     "os.stat('/dev/shm/seidr-hostile-{marker}'); print(41)",
    "chmod_canary": "import os; os.chmod('{canary}/keep', 0o777); print(42)",
    "setsid_sleeper": "import subprocess, time; subprocess.Popen(['sh', '-c', 'sleep 300 # {marker}'], "
                      "start_new_session=True); time.sleep(60)",
    "double_fork_daemon": "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                          "        os.execvp('sh', ['sh', '-c', 'sleep 300 # {marker}'])\n    os._exit(0)\nprint(41)",
    "orphan_then_exit": "import subprocess; subprocess.Popen(['sh', '-c', 'sleep 300 # {marker}']); print(41)",
    "fork_bomb": "import os, time\n# {marker}\nwhile True:\n    try: os.fork()\n    except OSError: time.sleep(0.01)",
    "thread_bomb": "import threading, time\nwhile True:\n    threading.Thread(target=time.sleep, args=(60,)).start()",
    "endless_loop": "while True: pass",
    "sleep_forever": "import time; time.sleep(3600)",
    "memory_hog": "x = bytearray(2 * 1024 ** 3); print(42)",
    "huge_file": "open('big', 'wb').write(b'x' * 64 * 1024 * 1024); print(42)",
    "endless_output": "import sys\nwhile True: sys.stdout.write('42\\n' * 1000)",
    "many_files": "fs = [open('f%d' % i, 'w') for i in range(1000)]; print(42)",
    "read_secret": "import os; print(42 if os.environ.get('OPENAI_API_KEY') == '{secret}' else 41)",
    "signal_judge": "import os, signal; os.kill({judge}, signal.SIGCONT); print(42)",
    "read_judge_environ": "print(42 if b'{secret}' in open('/proc/{judge}/environ', 'rb').read() else 41)",
    "mount_tmpfs": "import os, subprocess; os.mkdir('m'); "
                   "print(42 if subprocess.run(['mount', '-t', 'tmpfs', 'none', 'm']).returncode == 0 else 41)",
    "capabilities": "caps = [l for l in open('/proc/self/status') if l.startswith('CapEff')][0]; "
                    "print(42 if int(caps.split()[1], 16) else 41)",
    "claims_pass_then_crashes": "print(42, flush=True); import os; os.abort()",
    "wrong_answer": "print(41)",
}

CPP = {
    "cpp_tcp_connect": """#include <arpa/inet.h>
#include <sys/socket.h>
#include <cstdio>
int main() { int s = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in a{}; a.sin_family = AF_INET;
  a.sin_port = htons({port}); a.sin_addr.s_addr = htonl(0x7f000001);
  if (connect(s, (sockaddr*)&a, sizeof a) == 0) puts("42"); return 1; }""",
    "cpp_write_home": """#include <cstdio>
int main() { FILE* f = fopen("{home}/seidr-hostile-{marker}", "w"); if (!f) return 1; puts("42"); }""",
    "cpp_setsid_sleeper": """#include <unistd.h>
int main() { if (fork() == 0) { setsid(); execlp("sh", "sh", "-c", "sleep 300 # {marker}", (char*)0); }
  sleep(60); }""",
    "cpp_fork_bomb": """#include <unistd.h>
int main() { /* {marker} */ for (;;) fork(); }""",
    "cpp_memory_hog": """#include <cstdio>
#include <cstring>
#include <cstdlib>
int main() { char* p = (char*)malloc(2UL << 30); if (!p) return 1; memset(p, 1, 2UL << 30); puts("42"); }""",
    "cpp_null_deref": """int main() { volatile int* p = nullptr; return *p; }""",
}


class Listener:
    """A loopback TCP and UDP server that counts whatever reaches it."""

    def __init__(self) -> None:
        self.tcp = socket.socket()
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen()
        self.tcp.settimeout(0.1)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.udp.settimeout(0.1)
        self.hits = 0
        self.stopped = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stopped:
            for sock, take in ((self.tcp, lambda s: s.accept()[0].close()), (self.udp, lambda s: s.recv(64))):
                try:
                    take(sock)
                    self.hits += 1
                except OSError:
                    pass

    def close(self) -> None:
        self.stopped = True
        self.thread.join()
        self.tcp.close()
        self.udp.close()


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def canary():
    folder = tempfile.mkdtemp(prefix="seidr-canary-", dir=os.path.expanduser("~"))
    with open(os.path.join(folder, "keep"), "w") as fh:
        fh.write("keep")
    os.chmod(os.path.join(folder, "keep"), 0o644)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def survivors(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def fill(template: str, **values: object) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return template


def home_leftovers(marker: str) -> list[str]:
    home = os.path.expanduser("~")
    return [name for name in os.listdir(home) if marker in name]


async def judge_and_check(argv: list[str], workdir: str, marker: str, canary: str, listener: Listener) -> None:
    hits = listener.hits
    result = await run_process(argv, limits=LIMITS, workdir=workdir, writable=[],
                               env={"PATH": "/usr/bin:/bin", "OPENAI_API_KEY": "not-the-secret"})
    passed = not result.timed_out and result.returncode == 0 and result.stdout.strip() == b"42"
    assert not passed, result
    assert home_leftovers(marker) == [] and not os.path.exists(f"/dev/shm/seidr-hostile-{marker}")
    assert sorted(os.listdir(canary)) == ["keep"] and os.stat(os.path.join(canary, "keep")).st_mode & 0o777 == 0o644
    assert not os.path.exists(f"/work/main/seidr-hostile-{marker}")
    assert listener.hits == hits
    assert survivors(marker) == []
    after = await run_process([sys.executable, "-c", "print(6 * 7)"], limits=LIMITS, workdir=workdir, writable=[])
    assert after.stdout == b"42\n", "the sandbox stopped working after a hostile program"


def values(marker: str, canary: str, listener: Listener) -> dict[str, object]:
    project = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return dict(port=listener.port, home=os.path.expanduser("~"), canary=canary, marker=marker,
                project=project, secret=SECRET, judge=os.getpid())


@pytest.mark.parametrize("name", sorted(PYTHON))
async def test_hostile_python_program_fails_and_leaves_no_trace(name, tmp_path, canary, listener, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    marker = f"m{uuid.uuid4().hex}"
    code = fill(PYTHON[name], **values(marker, canary, listener))
    await judge_and_check([sys.executable, "-c", code], str(tmp_path), marker, canary, listener)


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ not installed")
@pytest.mark.parametrize("name", sorted(CPP))
async def test_hostile_cpp_program_fails_and_leaves_no_trace(name, tmp_path, canary, listener):
    marker = f"m{uuid.uuid4().hex}"
    source = tmp_path / "program.cpp"
    source.write_text(fill(CPP[name], **values(marker, canary, listener)))
    build = tmp_path / "build"
    build.mkdir()
    subprocess.run(["g++", "-O0", "-w", "-o", str(build / "program"), str(source)], check=True)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    await judge_and_check([str(build / "program")], str(run_dir), marker, canary, listener)
