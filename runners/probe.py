"""The sandbox's probe: applies each confinement layer to a throwaway process, inside the same wrapper the
workers get, and checks that it really holds; ``isolation()`` reports what it found and plans from it.

Standard library only, like ``confine``.
"""

from __future__ import annotations

import errno
import os
import resource
import socket
import tempfile

from seidr.runners import cgroups, landlock, seccomp
from seidr.runners.confine import Plan, drop_uid, libc, no_new_privs, program_uid, set_limits, uid_base

_PR_GET_NO_NEW_PRIVS = 39


class _Limits:
    program_seconds, memory_mb, file_size_mb, processes, open_files = 10.0, 512, 16, 16, 64


def _refused(action, expected: tuple[int, ...] = (errno.EACCES, errno.EPERM)) -> bool:
    try:
        action()
    except OSError as exc:
        return exc.errno in expected
    return False


def _unreadable(paths: list[str]) -> str | None:
    """The first of ``paths`` (which exist) this process cannot read."""
    for path in paths:
        try:
            os.listdir(path)
        except NotADirectoryError:
            try:
                with open(path, "rb"):
                    pass
            except OSError:
                return path
        except OSError:
            return path
    return None


def _try(layers: list, name: str, check, what: str) -> bool:
    """Run one layer's ``check`` (returns why it is off, or None when on); record it with ``what`` it does."""
    try:
        why = check()
    except OSError as exc:
        why = f"{exc.strerror or exc}"
    layers.append([name, why is None, why or what])
    return why is None


def probe(args: list[str]) -> dict:
    """``args``: paths the program's uid must be able to read (Python, site-packages, seidr)."""
    layers: list = []
    workdir = tempfile.mkdtemp(prefix="seidr-probe-")
    outside = os.path.join(os.path.dirname(workdir), f"seidr-probe-outside-{os.getpid()}")
    given = Plan.from_env()  # the folders the judge made for its cgroups (this process is not the judge)
    where, cg_why = (given.cgroups, "") if given and given.cgroups else cgroups.bases(create=False)
    os.setpgid(0, 0)

    def cgroup():
        if not where:
            return cg_why
        cgroups.enter(where, str(os.getpid()), _Limits.processes, _Limits.memory_mb * 1024 * 1024)
        with open("/proc/self/cgroup") as fh:
            if sum(line.rstrip().endswith(f"/{os.getpid()}") and "/seidr-" in line for line in fh) < len(where):
                return "joined no cgroup"
        return None

    have_cgroups = _try(layers, "cgroups", cgroup, "pids and memory cgroups per worker (its programs are born in it) "
                        "and per compiled run: the kernel bounds processes and memory, and killing a program "
                        "reaches every daemon it started")
    set_limits(_Limits, None)

    def uid():
        if os.geteuid() != 0:
            return "not root: programs run as your own user (RLIMIT_NPROC counts all your processes)"
        drop_uid(program_uid(os.getpid()), [workdir])
        if os.getuid() == 0:
            return "setuid had no effect"
        blocked = _unreadable(args)
        if blocked:
            return (f"{blocked} is not readable by other users (bubblewrap's view would make it so); programs "
                    "stay root, without capabilities")
        soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
        resource.setrlimit(resource.RLIMIT_NPROC, (1, hard))
        try:
            child = os.fork()
        except OSError:
            return None
        finally:
            resource.setrlimit(resource.RLIMIT_NPROC, (soft, hard))
        if child == 0:
            os._exit(0)
        os.waitpid(child, 0)
        return "RLIMIT_NPROC did not stop a fork"

    have_uid = _try(layers, "uid drop", uid, f"each program its own uid ({uid_base()} + pid << 8): RLIMIT_NPROC "
                    "counts only its processes, it owns only its folder, it cannot signal or read other processes")

    def nnp():
        no_new_privs()
        return None if libc().prctl(_PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 else "prctl had no effect"

    _try(layers, "no_new_privs", nnp, "no setuid binary or file capability can raise a program's privileges")
    version, ll_why = landlock.abi()

    def landlocked():
        if not version:
            return ll_why
        landlock.restrict([workdir], version)
        with open(os.path.join(workdir, "inside"), "w") as fh:
            fh.write("x")
        if not _refused(lambda: open(outside, "w").close()):
            return "a write outside the program's folder went through"
        if version >= 4 and not _refused(lambda: socket.socket().connect(("127.0.0.1", 9))):
            return "a TCP connect went through"
        return None

    have_landlock = _try(layers, "landlock", landlocked, f"ABI {version}: " + ", ".join(
        ["writes only to its own folder"] + (["no TCP"] if version >= 4 else [])
        + (["signals and abstract sockets only within its own processes"] if version >= 6 else [])))
    ok, sc_why = seccomp.supported()

    def filtered():
        if not ok:
            return sc_why
        seccomp.install()
        if not _refused(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)):
            return "an AF_INET socket was created"
        socket.socketpair()[0].close()
        return None

    have_seccomp = _try(layers, "seccomp", filtered, "no sockets but AF_UNIX, no ptrace, mount, namespaces, "
                        "io_uring, BPF, keyrings or kernel modules")
    plan = Plan(uid=have_uid, uid_base=uid_base(), landlock=version if have_landlock else 0,
                seccomp=have_seccomp, cgroups=where if have_cgroups else {})
    return {"layers": layers, "plan": plan.to_json(), "workdir": workdir, "outside": outside, "pid": os.getpid()}
