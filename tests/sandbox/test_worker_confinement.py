"""A warm worker started through ``worker_argv`` forks a child per program that calls ``confine_child``: each
program runs as a uid of its own, in its own cgroup, reads Python and the project but not the home, writes
only its folder, reaches neither the network nor its worker nor the judge, and leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

from seidr.runners.confine import Plan
from seidr.runners.sandbox import isolation, kill_group
from tests.sandbox.support import (CONFINED_REASON, Listener, Worker, canary_folder, canary_intact, confined, lingering,
                                   remove, sandbox_uid, survivors)

pytestmark = pytest.mark.skipif(not confined(), reason=CONFINED_REASON)
SECRET = "sk-worker-test-secret"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def project():
    """A project folder in $HOME with a module its programs import."""
    folder = canary_folder()
    with open(os.path.join(folder, "helper.py"), "w") as fh:
        fh.write("def double(x):\n    return 2 * x\n")
    yield folder
    remove(folder)


@pytest.fixture(scope="module")
def worker(project):
    os.environ["OPENAI_API_KEY"] = SECRET  # as a server holding a key starts its workers
    try:
        started = Worker(readable=[project])
    finally:
        del os.environ["OPENAI_API_KEY"]
    yield started
    started.close()


def test_a_program_runs_as_its_own_uid_in_its_own_cgroup_and_folder(worker):
    answer = worker.run(
        "import os, tempfile\n"
        "print(os.getuid(), os.getgroups())\n"
        "print(open('/proc/self/cgroup').read().count('/seidr-'))\n"
        "open('mine', 'w').write('x'); print(os.listdir('.'), tempfile.gettempdir() == os.getcwd())\n"
        "fd, path = tempfile.mkstemp(); os.write(fd, b'x'); print(os.path.dirname(path) == os.getcwd())\n"
    )
    identity, cgroups, files, temporary = answer["output"].splitlines()
    uid, groups = identity.split(" ", 1)
    assert sandbox_uid(int(uid)) and groups == "[]", answer
    assert int(cgroups) == (2 if isolation().plan.cgroups else 0)  # pids and memory
    assert files == "['mine'] True" and temporary == "True", answer
    second = worker.run("import os; print(os.getuid())")
    assert sandbox_uid(int(second["output"])) and second["output"].strip() != uid  # each program its own uid


def test_a_program_imports_the_standard_library_and_the_project_but_cannot_read_the_home(worker, project):
    answer = worker.run(
        "import sys, fractions, sqlite3, json\n"
        f"sys.path.insert(0, {project!r}); import helper; print(helper.double(21))\n"
        f"print(open({os.path.join(project, 'keep')!r}).read())\n"
        "import os\n"
        "for path in ('~/.ssh', '~/.bashrc', '~'):\n"
        "    path = os.path.expanduser(path).replace(os.environ['HOME'], '/root')\n"
        "    print(path, os.path.exists(path) and os.listdir(path) if os.path.isdir(path) else os.path.exists(path))\n"
    )
    lines = answer["output"].splitlines()
    assert lines[0] == "42" and lines[1] == "canary secret", answer
    assert lines[2:4] == ["/root/.ssh False", "/root/.bashrc False"], answer
    assert ".ssh" not in lines[4] and ".bashrc" not in lines[4], answer


READS_ROOT_ONLY_PROJECT = (
    "import ctypes, os, sys\n"
    "sys.path.insert(0, {project!r})\n"
    "try:\n    import helper; print('imported', helper.double(21))\nexcept ImportError: print('no import')\n"
    "print([line.split()[1] for line in open('/proc/self/status') if line.startswith('CapEff')][0])\n"
    "try: open(os.path.join({project!r}, 'planted'), 'w'); print('wrote')\nexcept OSError as exc: print('refused', exc.errno)\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "print('by handle', libc.syscall(304, -100, ctypes.create_string_buffer(16), 0), ctypes.get_errno())\n"
)


@pytest.mark.skipif(os.geteuid() != 0 or not isolation().plan.uid, reason="programs get a uid of their own only under root")
def test_a_program_reads_a_project_only_root_may_enter_and_gains_nothing_else():
    """A project under /root or a pytest tmp_path (0700): the program's uid keeps only the capability to read."""
    hidden = tempfile.mkdtemp(prefix="seidr-root-only-")
    project = os.path.join(hidden, "project")
    os.mkdir(project)
    with open(os.path.join(project, "helper.py"), "w") as fh:
        fh.write("def double(x):\n    return 2 * x\n")
    worker = Worker(readable=[hidden])
    try:
        code = READS_ROOT_ONLY_PROJECT.format(project=project)
        refused = worker.run(code)["output"].splitlines()
        assert refused[:2] == ["no import", "0000000000000000"], refused  # a program not told to read it
        lines = worker.run(code, read=[project])["output"].splitlines()
        assert lines[:3] == ["imported 42", "0000000000000004", "refused 13"], lines  # CAP_DAC_READ_SEARCH alone
        assert lines[3] == "by handle -1 1" or not isolation().plan.seccomp, lines  # open_by_handle_at: EPERM
        assert os.listdir(project) == ["helper.py"]
    finally:
        worker.close()
        remove(hidden)


def test_a_program_cannot_read_a_home_file_nor_write_outside_its_folder(worker, canary):
    home_file = os.path.join(os.path.expanduser("~"), f"seidr-planted-{uuid.uuid4().hex}")
    answer = worker.run(
        "import os\n"
        f"for path in ({os.path.join(canary, 'keep')!r},):\n"
        "    try: print('read', open(path).read())\n"
        "    except OSError as exc: print('no read', exc.errno)\n"
        f"for path in ({home_file!r}, {os.path.join(canary, 'planted')!r}, '/tmp/seidr-planted-{uuid.uuid4().hex}',"
        " '/dev/shm/planted', '../planted'):\n"
        "    try: open(path, 'w').write('x'); print('wrote', path)\n"
        "    except OSError as exc: print('refused', exc.errno)\n"
    )
    lines = answer["output"].splitlines()
    assert lines[0] == "no read 2", answer  # the canary's folder is not in the program's view at all
    # under bubblewrap /dev/shm is the worker's own (multiprocessing needs it); python_worker.py empties it after
    # each program (tests/runners/test_python_integrity.py)
    shm = "wrote" if isolation().level == "bwrap" else "refused"
    assert [line.split()[0] for line in lines[1:]] == ["refused"] * 3 + [shm, "refused"], answer
    assert canary_intact(canary) and not os.path.exists(home_file) and not os.path.exists("/dev/shm/planted")


def test_a_program_reaches_neither_the_network_nor_its_worker_nor_the_judge(worker):
    listener = Listener()
    try:
        answer = worker.run(
            "import os, signal, socket, ctypes\n"
            "def attempt(name, action):\n"
            "    try: action(); print(name, 'went through')\n"
            "    except OSError as exc: print(name, 'refused', exc.errno)\n"
            f"attempt('tcp', lambda: socket.create_connection(('127.0.0.1', {listener.port}), timeout=1))\n"
            f"attempt('udp', lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', {listener.port})))\n"
            "attempt('kill worker', lambda: os.kill(os.getppid(), signal.SIGKILL))\n"
            f"attempt('kill judge', lambda: os.kill({os.getpid()}, signal.SIGKILL))\n"
            f"attempt('judge environ', lambda: open('/proc/{os.getpid()}/environ').read())\n"
            "attempt('worker environ', lambda: open(f'/proc/{os.getppid()}/environ').read())\n"
            "libc = ctypes.CDLL(None, use_errno=True)\n"
            "attempt('ptrace', lambda: (_ for _ in ()).throw(OSError(ctypes.get_errno(), 'x'))"
            " if libc.ptrace(16, os.getppid(), 0, 0) != 0 else None)\n"
            "attempt('unshare', lambda: (_ for _ in ()).throw(OSError(ctypes.get_errno(), 'x'))"
            " if libc.unshare(0x10000000) != 0 else None)\n"
            "print('environ', sorted(k for k in os.environ if 'KEY' in k or 'SEIDR' in k))\n"
        )
    finally:
        listener.close()
    lines = answer["output"].splitlines()
    assert all("refused" in line for line in lines[:-1]) and len(lines) == 9, answer
    assert lines[-1] == "environ []"
    assert listener.hits == 0 and worker.alive()
    assert worker.run("print(6 * 7)")["output"] == "42\n"


def test_a_fork_bomb_stops_at_its_process_limit_and_leaves_nothing(worker):
    answer = worker.run(
        "import os\ncount = 0\nwhile True:\n    try:\n        if os.fork() == 0:\n            import time; time.sleep(60)\n"
        "        count += 1\n    except OSError:\n        print('stopped after', count, flush=True); break\n",
        processes=8)
    assert answer["output"].startswith("stopped after ") and int(answer["output"].split()[2]) < 8, answer
    assert not answer["timed_out"]  # the kernel stopped it, not the clock
    assert lingering(program_pids=[answer["pid"]]) == []
    assert worker.run("print(6 * 7)")["output"] == "42\n"


DAEMON = ("import os\n"
          "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
          "        os.execvp('sh', ['sh', '-c', 'sleep 300 # {marker}'])\n    os._exit(0)\n"
          "print('parent done')\n")


def test_a_double_forked_setsid_daemon_dies_with_its_program(worker):
    marker = f"seidr-daemon-{uuid.uuid4().hex}"
    answer = worker.run(DAEMON.replace("{marker}", marker))
    assert answer["output"] == "parent done\n"
    assert lingering(marker, program_pids=[answer["pid"]]) == []


def test_the_judge_can_kill_a_running_program_and_its_daemon_from_outside_the_worker(worker):
    """As a runner does with a wedged worker's program: ``kill_group`` on the pid the worker reported."""
    marker = f"seidr-daemon-{uuid.uuid4().hex}"
    code = DAEMON.replace("{marker}", marker).replace("print('parent done')", "import time; time.sleep(300)")
    worker.proc.stdin.write(json.dumps({"code": code, "seconds": 300}) + "\n")
    worker.proc.stdin.flush()
    program = _poll(lambda: _child_of(worker.pid) if survivors(marker) else None)
    assert program, "the program never started its daemon"
    kill_group(program)
    answer = json.loads(worker.proc.stdout.readline())
    assert answer["pid"] == program and not answer["timed_out"]
    assert lingering(marker, program_pids=[program]) == []


def _poll(probe, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.02)
    return None


def test_without_cgroups_the_daemon_is_found_by_its_uid():
    worker = Worker(plan=Plan(**{**isolation().plan.as_dict(), "cgroups": {}}))
    try:
        marker = f"seidr-daemon-{uuid.uuid4().hex}"
        answer = worker.run(DAEMON.replace("{marker}", marker) + "print(open('/proc/self/cgroup').read().count('seidr-'))")
        assert answer["output"] == "parent done\n0\n"
        assert lingering(marker, program_pids=[answer["pid"]]) == []
    finally:
        worker.close()


def test_a_program_that_ignores_sigterm_is_killed_at_its_deadline(worker):
    answer = worker.run("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                        "print('looping', flush=True)\nwhile True: pass\n", seconds=1.0)
    assert answer["timed_out"] and answer["output"] == "looping\n"
    assert os.WIFSIGNALED(answer["status"]) and os.WTERMSIG(answer["status"]) == signal.SIGKILL
    assert lingering(program_pids=[answer["pid"]]) == []


def test_memory_and_output_stay_within_their_limits(worker):
    memory = worker.run("x = bytearray(1024 ** 3); print('allocated')", memory_mb=256)
    assert "MemoryError" in memory["output"] and "allocated" not in memory["output"]
    flood = worker.run("import sys\nwhile True: sys.stdout.write('x' * 4096)", seconds=1.0, output_bytes=10000)
    assert flood["timed_out"] and len(flood["output"]) == 10000
    huge = worker.run("open('big', 'wb').write(b'x' * 64 * 1024 * 1024)", file_size_mb=1)
    assert "File too large" in huge["output"] or os.WTERMSIG(huge["status"]) == signal.SIGXFSZ


def test_a_program_dies_with_its_worker():
    worker = Worker()
    worker.proc.stdin.write(json.dumps({"code": "import time\ntime.sleep(300)", "seconds": 300}) + "\n")
    worker.proc.stdin.flush()
    program = _poll(lambda: _child_of(worker.pid))
    assert program, "the worker never started its program"
    os.kill(worker.pid, signal.SIGKILL)
    worker.proc.wait(10)
    assert _poll(lambda: _state(program) in ("Z", "gone")), f"program {program} outlived its worker"


def _child_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            found = fh.read().split()
    except OSError:
        return None
    return int(found[0]) if found else None


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_without_a_uid_of_its_own_a_program_is_root_without_powers_and_cannot_read_the_judge():
    """The fallback when programs cannot get a uid of their own: they keep root's uid but no capability, so
    the judge's /proc environ (which holds the API key) stays closed to them. (For a user other than root the
    judge also makes itself not dumpable; as root the missing capabilities already close it.)"""
    judge = (
        "import json, os, sys\n"
        "from seidr.runners import sandbox\n"
        "from seidr.runners.confine import Plan\n"
        "real = sandbox.isolation()\n"
        "plan = Plan(**{**real.plan.as_dict(), 'uid': False})\n"
        "sandbox.isolation = lambda: sandbox.Isolation(real.level, real.detail, real.layers, plan)\n"
        "from tests.sandbox.support import Worker\n"
        "worker = Worker()\n"
        "code = ('import os\\n'\n"
        "        'print([l.split()[1] for l in open(\"/proc/self/status\") if l.startswith(\"CapEff\")][0])\\n'\n"
        "        f'try: print(b\"sk-judge\" in open(\"/proc/{os.getpid()}/environ\", \"rb\").read())\\n'\n"
        "        'except OSError as exc: print(\"refused\", exc.errno)\\n')\n"
        "print(json.dumps(worker.run(code)))\n"
        "worker.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", judge], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "OPENAI_API_KEY": "sk-judge", "PYTHONPATH": ROOT})
    answer = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else done.stderr[-2000:]
    assert answer["output"].splitlines() == ["0000000000000000", "refused 13"], answer
