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


# --- the probe's findings, kept on disk -----------------------------------------------------------------------
# Starting the wrappers and the probe costs a tenth of a second, most of a one-shot ``seidr check``. What they
# find depends only on the inputs that ``machine_key`` reads (kernel and boot, user, the wrappers' binaries and
# the sysctls that let them run, Landlock's ABI, the cgroup mounts, the modes of what a program's uid must read,
# this code), so the findings are kept under that key and probed again the moment any of it differs.
CACHE_FORMAT = 1
_SYSCTLS = ("/proc/sys/kernel/unprivileged_userns_clone", "/proc/sys/user/max_user_namespaces",
            "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "/proc/sys/kernel/random/boot_id",
            "/proc/sys/kernel/yama/ptrace_scope", "/sys/kernel/security/lsm")
_CODE = ("probe.py", "sandbox.py", "confine.py", "cgroups.py", "landlock.py", "seccomp.py")


def _stat(path: str) -> list:
    try:
        st = os.stat(path)
    except OSError:
        return []
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_mode, st.st_uid, st.st_gid]


def _read(path: str) -> str:
    try:
        with open(path) as fh:
            return fh.read(4096).strip()
    except OSError:
        return ""


def machine_key(wrappers: list, readable: list, hidden: list, cgroup_bases: dict) -> str:
    """A digest of everything the probe's findings depend on. ``wrappers``: the paths of bwrap and unshare (or
    None); ``readable``: what a program's uid must read (each folder on the way is part of it: its mode decides
    the uid drop); ``hidden``: the homes the view hides; ``cgroup_bases``: controller -> folder for cgroups."""
    import hashlib
    import json

    here = os.path.dirname(os.path.abspath(__file__))
    folders = set()
    for path in readable:
        while path and path not in folders:
            folders.add(path)
            path = os.path.dirname(path) if path != "/" else ""
    facts = {
        "format": CACHE_FORMAT,
        "uname": list(os.uname()),
        "ids": [os.geteuid(), os.getegid(), uid_base()],
        "sysctls": {p: _read(p) for p in _SYSCTLS},
        "wrappers": [[w, _stat(w)] if w else None for w in wrappers],
        "landlock": landlock.abi()[0],
        "seccomp": seccomp.supported()[0],
        "cgroups": {c: os.path.dirname(p) for c, p in sorted(cgroup_bases.items())},
        "readable": sorted(readable),
        "folders": {p: _stat(p)[3:] for p in sorted(folders)},  # who may enter and read them
        "hidden": list(hidden),
        "code": [_stat(os.path.join(here, name)) for name in _CODE],
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def cache_path() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "seidr", "sandbox-probe.json")


CACHE_ENTRIES = 16  # one per set of inputs in use (sys.path differs with the folder ``python -m`` starts in)


def _entries() -> dict:
    """The kept findings by key. A file another user could have written is not believed: it could only make the
    sandbox weaker."""
    import json

    try:
        with open(cache_path(), "rb") as fh:
            st = os.fstat(fh.fileno())
            if st.st_uid != os.geteuid() or st.st_mode & 0o022:
                return {}
            data = json.loads(fh.read())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == CACHE_FORMAT and isinstance(
        data.get("entries"), dict) else {}


def load_cached(key: str) -> dict | None:
    """The findings kept under ``key``, or None."""
    return _entries().get("entries", {}).get(key)


def store(key: str, findings: dict) -> None:
    """Keep ``findings`` under ``key`` (the file is written whole, or not at all), the oldest entry going first."""
    import json

    path = cache_path()
    entries = {k: v for k, v in _entries().get("entries", {}).items() if k != key}
    entries[key] = findings
    while len(entries) > CACHE_ENTRIES:
        del entries[next(iter(entries))]
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".sandbox-probe-", dir=os.path.dirname(path))
        with os.fdopen(fd, "w") as fh:
            json.dump({"format": CACHE_FORMAT, "entries": entries}, fh)
        os.replace(temporary, path)
    except OSError:
        pass


def forget() -> None:
    try:
        os.unlink(cache_path())
    except OSError:
        pass


def main(args: list[str]) -> None:
    """The exec helper run as ``probe paths...``: what holds on this machine, as one line of JSON."""
    import json

    print(json.dumps(probe(args[1:])), flush=True)
