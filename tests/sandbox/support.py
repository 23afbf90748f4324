"""What the sandbox and hostile tests share: a loopback server that counts what reaches it, a warm worker
started through ``worker_argv``, folders no program may touch, and a search for processes that survived."""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from seidr.runners.confine import program_uid, uid_base
from seidr.runners.sandbox import clean_env, isolation, worker_argv

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")


def confined() -> bool:
    """Whether programs here get bwrap's view, their own uid, Landlock and seccomp (cgroups have a fallback:
    killing by uid)."""
    plan = isolation().plan
    return isolation().level == "bwrap" and plan.uid and bool(plan.landlock) and plan.seccomp


CONFINED_REASON = f"needs bwrap, a uid drop, Landlock and seccomp: {isolation().detail}"


class Listener:
    """A loopback TCP and UDP server on one port that counts whatever reaches it."""

    def __init__(self) -> None:
        self.tcp = socket.socket()
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen()
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.sockets = [(self.tcp, self._accept), (self.udp, self._receive)]
        try:
            tcp6 = socket.socket(socket.AF_INET6)
            tcp6.bind(("::1", self.port))
            tcp6.listen()
            self.sockets.append((tcp6, self._accept))
        except OSError:
            pass  # no IPv6 loopback here
        self.hits = 0
        self.stopped = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @staticmethod
    def _accept(sock: socket.socket) -> None:
        sock.accept()[0].close()

    @staticmethod
    def _receive(sock: socket.socket) -> None:
        sock.recv(64)

    def serve(self) -> None:
        ready = [sock for sock, _ in self.sockets]
        while not self.stopped:
            for sock in select.select(ready, [], [], 0.1)[0]:
                try:
                    dict(self.sockets)[sock](sock)
                    self.hits += 1
                except OSError:
                    pass

    def close(self) -> None:
        self.stopped = True
        self.thread.join()
        for sock, _ in self.sockets:
            sock.close()


class Worker:
    """A warm worker as a runner starts one: ``worker_argv`` around ``worker.py``, this process's own
    environment (secrets included, as a server's would be)."""

    def __init__(self, readable=(), plan=None) -> None:
        argv = worker_argv([sys.executable, WORKER], readable)
        if plan is not None:  # a weaker plan than this machine's, to test a fallback
            argv[argv.index("SEIDR_SANDBOX") + 1] = plan.to_json()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.pid = self._answer()["ready"]

    def _answer(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the worker died (status {self.proc.wait(10)})")
        return json.loads(line)

    def run(self, code: str, seconds: float = 30.0, read=(), **limits) -> dict:
        """Run ``code`` in a confined child that imports from the folders ``read``; seconds is generous by
        default so a loaded machine cannot turn a quick program into a timeout."""
        self.proc.stdin.write(json.dumps({"code": code, "seconds": seconds, "limits": limits, "read": list(read)})
                              + "\n")
        self.proc.stdin.flush()
        return self._answer()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _processes() -> list[tuple[int, int, bytes]]:
    """(pid, uid, command line) of every living process: a zombie is dead, only not yet reaped by init."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as fh:
                    fields = dict(line.split(":", 1) for line in fh if ":" in line)
                if fields["State"].split()[0] in ("Z", "X"):
                    continue
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    found.append((int(entry), int(fields["Uid"].split()[0]), fh.read()))
            except (OSError, KeyError, ValueError):
                pass
    return found


def survivors(marker: str = "", *, program_pids=(), judge_pid: int | None = None) -> list[int]:
    """Processes still alive that belong to a program: with ``marker`` in their command line, or running as
    the uid of a worker's child in ``program_pids``, or as a uid ``run_process`` hands out from ``judge_pid``."""
    uids = {program_uid(pid) for pid in program_pids}
    low = program_uid(judge_pid) if judge_pid else None
    return [pid for pid, uid, cmdline in _processes()
            if pid != os.getpid() and ((marker and marker.encode() in cmdline) or uid in uids
                                       or (low is not None and low <= uid < low + 256))]


def lingering(marker: str = "", *, program_pids=(), judge_pid: int | None = None, seconds: float = 10.0) -> list[int]:
    """``survivors`` once the killed have had time to die (SIGKILL takes effect when a process next runs, which
    on a loaded machine can be a while): empty as soon as none is left."""
    deadline = time.monotonic() + seconds
    while True:
        found = survivors(marker, program_pids=program_pids, judge_pid=judge_pid)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def sandbox_uid(uid: int) -> bool:
    return uid >= uid_base()


def canary_folder() -> str:
    """A folder in $HOME holding one world-readable file, ``keep``: readable by any uid were the home not
    hidden, so only the sandbox's view keeps a program from reading or changing it."""
    folder = tempfile.mkdtemp(prefix="seidr-canary-", dir=os.path.expanduser("~"))
    os.chmod(folder, 0o755)
    with open(os.path.join(folder, "keep"), "w") as fh:
        fh.write("canary secret")
    os.chmod(os.path.join(folder, "keep"), 0o644)
    return folder


def canary_intact(folder: str) -> bool:
    keep = os.path.join(folder, "keep")
    return (sorted(os.listdir(folder)) == ["keep"] and os.stat(keep).st_mode & 0o777 == 0o644
            and open(keep).read() == "canary secret")


def remove(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def scratch() -> str:
    """A program folder directly in the temp folder, whose path a program's uid can walk (pytest's tmp_path
    lies below a folder only root may enter)."""
    return tempfile.mkdtemp(prefix="seidr-test-")


__all__ = ["CONFINED_REASON", "Listener", "Worker", "canary_folder", "confined", "lingering", "canary_intact", "clean_env", "remove", "sandbox_uid", "scratch",
           "survivors"]
