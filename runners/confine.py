"""What a program's process does to itself before any of its code runs, in this order: its own process group
and cgroup, resource limits, a uid of its own, no_new_privs, Landlock, seccomp. Also the exec helper that
does the same inside bwrap for a compiled program before it execs it.

Standard library only (with ``landlock``, ``seccomp``, ``cgroups``), so the helper starts in a few ms:
    python -S -E -s -B -c BOOT <runners folder> <config json> -- program args...
"""

from __future__ import annotations

import ctypes
import os
import resource
import stat
import struct
import sys

from seidr.runners import cgroups, landlock, seccomp

PLAN_ENV = "SEIDR_SANDBOX"
UID_BASE_ENV = "SEIDR_SANDBOX_UID_BASE"
# Programs run as uid BASE + (pid << 8) + slot: unique while the process that owns it lives, far above the
# uids people and distributions hand out, and below 2**31 for any pid the kernel allows (< 2**22).
DEFAULT_UID_BASE = 1 << 30
_PR_SET_PDEATHSIG, _PR_GET_PDEATHSIG, _PR_GET_DUMPABLE, _PR_SET_DUMPABLE, _PR_SET_NO_NEW_PRIVS = 1, 2, 3, 4, 38

# run this with ``python -S -E -s -B -c BOOT <runners folder> ...``: it imports this module by path without
# the rest of seidr (or site-packages), so the helper costs one bare interpreter start
BOOT = (
    "import sys, types\n"
    "for name, path in (('seidr', []), ('seidr.runners', [sys.argv[1]])):\n"
    "    sys.modules[name] = module = types.ModuleType(name); module.__path__ = path\n"
    "if sys.argv[2:3] == ['probe']:\n    from seidr.runners.probe import main\n"
    "else:\n    from seidr.runners.confine import main\n"
    "main(sys.argv[2:])\n"
)


class SandboxError(RuntimeError):
    """A layer the sandbox said it applies could not be applied: the program must not run weaker."""


class Plan:
    """Which layers a program's process applies to itself; decided once by the probe (``isolation()``) and
    handed to workers in their environment so every child applies exactly those. (A plain class: the exec
    helper must not pay for importing dataclasses or json.)"""

    FIELDS = ("uid", "uid_base", "landlock", "seccomp", "cgroups", "worker", "shm", "loopback")

    def __init__(self, uid: bool = False, uid_base: int = DEFAULT_UID_BASE, landlock: int = 0,
                 seccomp: bool = False, cgroups: dict | None = None, worker: bool = False, shm: bool = False,
                 loopback: bool = False) -> None:
        self.uid = bool(uid)
        self.uid_base = int(uid_base)
        self.landlock = int(landlock)  # ABI version, 0 when off
        self.seccomp = bool(seccomp)
        self.cgroups = dict(cgroups or {})  # controller -> folder under which cgroups are made
        self.worker = bool(worker)  # a warm worker: it takes a cgroup at start that its children are born in
        # /dev/shm is the sandbox's own (bwrap's): a program may write there, as multiprocessing's locks must
        self.shm = bool(shm)
        # TCP and UDP in the sandbox's own network namespace (bwrap's), which reaches nothing outside it: for the
        # user's own code, whose tests may serve on 127.0.0.1; never for a candidate's
        self.loopback = bool(loopback)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plan) and self.as_dict() == other.as_dict()

    def __repr__(self) -> str:
        return "Plan(" + ", ".join(f"{k}={v!r}" for k, v in self.as_dict().items()) + ")"

    def to_json(self) -> str:
        import json

        return json.dumps(self.as_dict(), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Plan":
        import json

        return cls(**json.loads(text))

    @classmethod
    def from_env(cls) -> "Plan | None":
        text = os.environ.get(PLAN_ENV)
        return cls.from_json(text) if text else None

    def to_args(self) -> list[str]:
        """For the exec helper's command line."""
        cg = [x for c, path in sorted(self.cgroups.items()) for x in (c, path)]
        return [str(int(self.uid)), str(self.uid_base), str(self.landlock), str(int(self.seccomp)), str(len(cg)), *cg]

    @classmethod
    def from_args(cls, args: list[str]) -> tuple["Plan", list[str]]:
        n = int(args[4])
        cg = args[5:5 + n]
        plan = cls(args[0] == "1", int(args[1]), int(args[2]), args[3] == "1", dict(zip(cg[::2], cg[1::2])))
        return plan, args[5 + n:]


# a worker's cgroup holds the worker too: room for its own threads and memory beside one program's
WORKER_PROCESSES = 64
WORKER_MEMORY = 512 * 1024 * 1024
# this worker's cgroup and its limits, once it has taken it; forked children inherit both
_WORKER_CGROUP: list = []


def worker_cgroup() -> str | None:
    return _WORKER_CGROUP[0] if _WORKER_CGROUP else None


def start_worker(plan: Plan, limits) -> None:
    """In a warm worker when it starts: take a cgroup of its own (``w<pid>``), which every child it forks is
    born in. Raises SandboxError when the kernel refuses."""
    if plan.cgroups and not _WORKER_CGROUP:
        name = f"w{os.getpid()}"
        room = (limits.processes + WORKER_PROCESSES, limits.memory_mb * 1024 * 1024 + WORKER_MEMORY)
        try:
            cgroups.enter(plan.cgroups, name, *room)
        except OSError as exc:
            raise SandboxError(f"cgroup: {exc}") from None
        _WORKER_CGROUP.extend([name, room])


def uid_base() -> int:
    """``$SEIDR_SANDBOX_UID_BASE`` when it leaves room below 2**32 and stays clear of ordinary uids."""
    try:
        base = int(os.environ.get(UID_BASE_ENV, DEFAULT_UID_BASE))
    except ValueError:
        return DEFAULT_UID_BASE
    return base if 1 << 20 <= base <= (1 << 32) - (1 << 31) else DEFAULT_UID_BASE


def program_uid(pid: int, slot: int = 0, base: int | None = None) -> int:
    return (uid_base() if base is None else base) + (pid << 8) + slot


_LIBC = None


def libc():
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None, use_errno=True)
    return _LIBC


def warm(plan: Plan) -> None:
    """Look up what each child would otherwise look up again after every fork (libc, the seccomp filter)."""
    libc()
    if plan.landlock:
        landlock.abi()
    if plan.seccomp:
        seccomp.program_bytes(plan.loopback)


_LIMITS: dict[tuple, list[tuple[int, int]]] = {}


def limit_values(limits, processes: int | None) -> list[tuple[int, int]]:
    """(resource, value) for CPU, address space, file size, core, open files; and processes when ``processes``
    is given (it only binds a uid other than root). Each value no higher than the hard limit already set.
    Kept per process and limits: a warm worker's own hard limits do not change between its programs."""
    key = (os.getpid(), limits.program_seconds, limits.memory_mb, limits.file_size_mb, limits.open_files, processes)
    if key not in _LIMITS:
        if len(_LIMITS) > 64:
            _LIMITS.clear()
        _LIMITS[key] = _limit_values(limits, processes)
    return _LIMITS[key]


def _limit_values(limits, processes: int | None) -> list[tuple[int, int]]:
    wanted = [(resource.RLIMIT_CPU, max(1, int(limits.program_seconds + 1))),
              (resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024),
              (resource.RLIMIT_FSIZE, limits.file_size_mb * 1024 * 1024),
              (resource.RLIMIT_CORE, 0),
              (resource.RLIMIT_NOFILE, limits.open_files)]
    if processes is not None:
        wanted.append((resource.RLIMIT_NPROC, max(1, processes)))
    out = []
    for which, value in wanted:
        try:
            _, hard = resource.getrlimit(which)
        except (ValueError, OSError):
            continue
        out.append((which, value if hard == resource.RLIM_INFINITY else min(value, hard)))
    return out


def set_limits(limits, processes: int | None) -> None:
    """Set ``limit_values``."""
    for which, value in limit_values(limits, processes):
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def own_processes() -> int:
    """Processes this uid already runs: RLIMIT_NPROC counts them all, not just the program's."""
    uid = os.getuid()
    count = 0
    try:
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    count += entry.stat().st_uid == uid
                except OSError:
                    pass
    except OSError:
        return 4096
    return count


def _handable(path: str) -> bool:
    """A folder the program's uid may be given: not a shared sticky folder like /tmp."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and not st.st_mode & stat.S_ISVTX


def reachable(folder: str) -> None:
    """Let other uids pass through (not list) the folder that holds a program's folder, when it is ours:
    a worker's scratch root made by ``mkdtemp`` (0700) would otherwise keep a program from using its own
    folder's absolute path (``TMPDIR``, ``tempfile``)."""
    parent = os.path.dirname(os.path.abspath(folder))
    try:
        st = os.stat(parent)
        if st.st_uid == os.geteuid() and not st.st_mode & stat.S_IXOTH and not st.st_mode & stat.S_ISVTX:
            os.chmod(parent, stat.S_IMODE(st.st_mode) | stat.S_IXOTH)
    except OSError:
        pass


def readable_by_others(folder: str) -> bool:
    """Whether a uid of no group could read ``folder``: every folder on its path passable by others, and it
    listable."""
    path = os.path.abspath(folder)
    try:
        st = os.stat(path)
        if st.st_mode & (stat.S_IROTH | stat.S_IXOTH) != (stat.S_IROTH | stat.S_IXOTH):
            return False
        while path != os.path.dirname(path):
            path = os.path.dirname(path)
            if not os.stat(path).st_mode & stat.S_IXOTH:
                return False
    except OSError:
        return True  # a folder that is not there is no reason to keep a capability
    return True


def drop_uid(uid: int, owned: list[str], keep_reading: bool = False, death: int | None = None) -> None:
    """Hand the program's folders to ``uid`` and become it, with no groups; capabilities go with root, all
    but CAP_DAC_READ_SEARCH when ``keep_reading`` (the program must read a project only root may enter).
    ``death``: the parent-death signal to hold afterwards, when the caller knows it (else it is read here)."""
    hand_over(uid, [path for path in owned if _handable(path)], keep_reading, death)


def hand_over(uid: int, owned: list[str], keep_reading: bool = False, death: int | None = None,
              parent: int | None = None) -> None:
    """``drop_uid`` for folders already known to be ``_handable``; ``parent``: the pid this process must still
    be the child of once its uid has changed (else the one it has now)."""
    for path in owned:
        os.chown(path, uid, uid)
    if keep_reading:
        _bound_to(1 << _CAP_DAC_READ_SEARCH)
        libc().prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0)
    with _switching(death, dumpable=0, parent=parent):
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    if keep_reading:
        libc().prctl(_PR_SET_KEEPCAPS, 0, 0, 0, 0)
        _capset(1 << _CAP_DAC_READ_SEARCH)
    libc().prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)  # so the program reads its own /proc/self like any process


def as_uid(uid: int, action) -> None:
    """Run ``action`` with real and effective uid ``uid``, root kept as the saved uid to come back to."""
    with _switching(*_held()):
        os.setresuid(uid, uid, 0)
        try:
            action()
        finally:
            os.setresuid(0, 0, 0)


class _switching:
    """Around a change of uid: the kernel clears the parent-death signal and the dumpable flag on it; both
    are put back, and a process whose parent died meanwhile (taking the signal with it) exits. ``death`` and
    ``dumpable``: what to put back when the caller knows it (each read is a ctypes call, and in a forked child
    every call costs page copies); ``dumpable=0`` when the caller sets the flag itself afterwards."""

    def __init__(self, death: int | None = None, dumpable: int | None = None, parent: int | None = None) -> None:
        self.death = death
        self.dumpable = dumpable
        self.parent = parent

    def __enter__(self) -> None:
        if self.death is None or self.dumpable is None:
            death, dumpable = _read_held()
            self.death = death if self.death is None else self.death
            self.dumpable = dumpable if self.dumpable is None else self.dumpable
        if self.parent is None:
            self.parent = os.getppid()

    def __exit__(self, *exc) -> None:
        if self.death:
            libc().prctl(_PR_SET_PDEATHSIG, self.death, 0, 0, 0)
            if os.getppid() != self.parent:
                os._exit(1)
        if self.dumpable > 0:
            libc().prctl(_PR_SET_DUMPABLE, self.dumpable, 0, 0, 0)


_HELD: dict[int, tuple[int, int]] = {}


def _held() -> tuple[int, int]:
    """This process's parent-death signal and whether it is dumpable, read once per process: ``as_uid`` puts
    both back after every switch, so a worker that kills each program as its uid reads them only once."""
    pid = os.getpid()
    if pid not in _HELD:
        _HELD.clear()
        _HELD[pid] = _read_held()
    return _HELD[pid]


def _read_held() -> tuple[int, int]:
    death = ctypes.c_int(0)
    libc().prctl(_PR_GET_PDEATHSIG, ctypes.byref(death), 0, 0, 0)
    return death.value, libc().prctl(_PR_GET_DUMPABLE, 0, 0, 0, 0)


_CAPSET = {"x86_64": 126, "aarch64": 91}
_PR_CAPBSET_DROP, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, _PR_SET_KEEPCAPS = 24, 47, 4, 8
_CAP_DAC_READ_SEARCH = 2


def _bound_to(kept: int) -> None:
    """Drop every capability but those in the mask ``kept`` from the bounding set, and clear the ambient set."""
    try:
        with open("/proc/sys/kernel/cap_last_cap") as fh:
            last = int(fh.read())
    except (OSError, ValueError):
        last = 40
    for cap in range(last + 1):
        if not kept >> cap & 1:
            libc().prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)  # fails only without CAP_SETPCAP, checked below
    libc().prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)


def _capset(kept: int) -> None:
    """Effective and permitted sets exactly ``kept`` (capabilities below 32), inheritable empty; checked."""
    header = ctypes.create_string_buffer(struct.pack("=Ii", 0x20080522, 0), 8)  # version 3, this process
    data = ctypes.create_string_buffer(struct.pack("=IIIIII", kept, kept, 0, 0, 0, 0), 24)
    number = _CAPSET.get(os.uname().machine)
    if number is None or libc().syscall(number, header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")
    with open("/proc/self/status") as fh:
        held = {line.split()[0]: int(line.split()[1], 16) for line in fh
                if line.startswith(("CapEff", "CapPrm", "CapAmb"))}
    if held["CapEff:"] != kept or held["CapPrm:"] != kept or held["CapAmb:"]:
        raise OSError(0, f"capabilities remain: {held}")


def drop_capabilities() -> None:
    """Give up every capability: the bounding set where allowed (a bwrap'd worker may not), the ambient set,
    then the rest. With no_new_privs after it, none can come back."""
    _bound_to(0)
    _capset(0)


_NO_NEW_PRIVS: list[bool] = []  # set in this process, or in the worker it was forked from: it cannot be unset


def no_new_privs() -> None:
    if _NO_NEW_PRIVS:
        return
    if libc().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError("prctl(PR_SET_NO_NEW_PRIVS) failed: " + os.strerror(ctypes.get_errno()))
    _NO_NEW_PRIVS.append(True)


def process_limit(limits, plan: Plan) -> int | None:
    """RLIMIT_NPROC for a program: its own uid counts only its processes; root is exempt; any other user's
    count includes every process that user already runs (counted here, where /proc shows them all)."""
    if plan.uid:
        return limits.processes
    return None if os.geteuid() == 0 else limits.processes + own_processes()


def confine(limits, workdir: str | None, plan: Plan, *, uid: int | None = None, writable=(),
            cgroup: str | None = None, processes: int | None = -1, read=()) -> None:
    """Apply every layer of ``plan`` to this process, or raise SandboxError naming the one that failed.
    ``cgroup``: the program's own cgroup (default: its worker's, else one named for its pid); ``processes``: its RLIMIT_NPROC when the
    caller counted it elsewhere (the exec helper, whose /proc shows only its own pid namespace); ``read``: the
    user's folders the program imports from. When one of them only root may enter (a project under /root, a
    pytest tmp_path), the program's uid keeps CAP_DAC_READ_SEARCH to read it, and only with seccomp on, which
    refuses open_by_handle_at, the one way that capability reaches past the sandbox's mounts."""
    apply(prepare(limits, workdir, plan, uid=uid, writable=writable, cgroup=cgroup, processes=processes, read=read))


class Prepared:
    """A program's confinement worked out ahead: what only looks (limits, folders, rights) or opens descriptors
    (its folder, its Landlock ruleset). A warm worker prepares before it forks, so the child it forks, where
    every page it writes is a copy, only makes the calls that change the process (``apply``)."""

    __slots__ = ("plan", "rlimits", "enter", "here", "rules", "uid", "owned", "keep_reading", "death", "parent")

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rlimits: list[tuple[int, int]] = []
        self.enter: tuple[str | None, int, int] | None = None  # the cgroup to enter: (name or None for the pid's)
        self.here: int | None = None
        self.rules: int | None = None
        self.uid: int | None = None
        self.owned: list[str] = []  # the folders handed to the program's uid (checked ``_handable``)
        self.keep_reading = False
        self.death = 0  # a parent-death signal ``apply`` sets (a worker's child), kept across the uid change
        self.parent: int | None = None  # with ``death``: the process that must still be the parent once it is set

    def fds(self) -> tuple[int, ...]:
        """The descriptors ``apply`` needs (a child closing what it inherited keeps these)."""
        return tuple(fd for fd in (self.here, self.rules) if fd is not None)

    def close(self) -> None:
        """Close the descriptors (in the parent once the child has them, or when ``apply`` is done)."""
        for name in ("here", "rules"):
            fd = getattr(self, name)
            setattr(self, name, None)
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass


def prepare(limits, workdir: str | None, plan: Plan, *, uid: int | None = None, writable=(),
            cgroup: str | None = None, processes: int | None = -1, read=()) -> Prepared:
    """Everything of ``confine`` that does not change the calling process (see ``confine`` for the
    arguments); raises SandboxError naming the layer that cannot be applied."""
    out = Prepared(plan)
    if plan.cgroups:
        try:
            if cgroup is None and worker_cgroup():  # born in its worker's cgroup: only make room
                wanted = (limits.processes + WORKER_PROCESSES, limits.memory_mb * 1024 * 1024 + WORKER_MEMORY)
                if wanted[0] > _WORKER_CGROUP[1][0] or wanted[1] > _WORKER_CGROUP[1][1]:
                    cgroups.fit(plan.cgroups, worker_cgroup(), *wanted)
            else:
                out.enter = (cgroup, limits.processes, limits.memory_mb * 1024 * 1024)
        except OSError as exc:
            raise SandboxError(f"cgroup: {exc}") from None
    out.rlimits = limit_values(limits, process_limit(limits, plan) if processes == -1 else processes)
    out.uid = uid
    folders = [p for p in (workdir, *writable) if p]
    out.owned = [p for p in folders if _handable(p)]
    try:
        # Opened while still root: the folders' paths may pass through folders only root can enter (a pytest
        # tmp_path), and once the folder belongs to the program root itself cannot enter it (no DAC override).
        out.here = os.open(workdir, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC) if workdir else None
        if plan.landlock:
            try:
                out.rules = landlock.ruleset([*folders, *(["/dev/shm"] if plan.shm else [])], plan.landlock,
                                             tcp=plan.loopback)
            except OSError as exc:
                raise SandboxError(f"landlock: {exc}") from None
        if plan.uid:
            if workdir:
                reachable(workdir)
            out.keep_reading = plan.seccomp and not all(readable_by_others(p) for p in read)
    except BaseException:
        out.close()
        raise
    return out


def apply(prepared: Prepared) -> None:
    """Confine the calling process as ``prepared`` says: its own process group and cgroup, limits, a uid of its
    own, no_new_privs, its folder as the working one, Landlock, seccomp. Raises SandboxError naming the layer
    that failed; the descriptors are closed either way."""
    plan = prepared.plan
    try:
        try:
            os.setpgid(0, 0)
        except OSError:
            pass  # already a group leader
        if prepared.enter is not None:
            name, processes, memory = prepared.enter
            try:
                cgroups.enter(plan.cgroups, name or str(os.getpid()), processes, memory)
            except OSError as exc:
                raise SandboxError(f"cgroup: {exc}") from None
        for which, value in prepared.rlimits:
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError):
                pass
        if prepared.death and not plan.uid:
            libc().prctl(_PR_SET_PDEATHSIG, prepared.death, 0, 0, 0)
            if prepared.parent is not None and os.getppid() != prepared.parent:
                os._exit(1)  # the parent died before the signal was set: nothing would end this process
        if plan.uid:
            try:
                uid = program_uid(os.getpid(), base=plan.uid_base) if prepared.uid is None else prepared.uid
                hand_over(uid, prepared.owned, prepared.keep_reading, prepared.death or None, prepared.parent)
            except OSError as exc:
                raise SandboxError(f"uid drop: {exc}") from None
        elif os.geteuid() == 0:
            try:
                drop_capabilities()  # root without a uid of its own: root without its powers at least
            except OSError as exc:
                raise SandboxError(f"capabilities: {exc}") from None
        no_new_privs()
        if prepared.here is not None:
            os.fchdir(prepared.here)
        if prepared.rules is not None:
            rules, prepared.rules = prepared.rules, None
            try:
                landlock.enforce(rules)
            except OSError as exc:
                raise SandboxError(f"landlock: {exc}") from None
    finally:
        prepared.close()
    if plan.seccomp:
        try:
            seccomp.install(inet=plan.loopback)
        except OSError as exc:
            raise SandboxError(f"seccomp: {exc}") from None


def seal_worker(plan: Plan) -> None:
    """In a warm worker, once, before its first fork: no_new_privs and the seccomp filter, which every child
    it forks then holds from birth (the kernel copies both to a forked child; installing the filter costs each
    child a compile of it otherwise). A child's ``apply`` finds both held and sets neither again. The worker
    needs none of the calls the filter refuses. Raises SandboxError."""
    if plan.seccomp:
        no_new_privs()
        try:
            seccomp.install(inet=plan.loopback)
        except OSError as exc:
            raise SandboxError(f"seccomp: {exc}") from None


def run_cgroup(uid: int) -> str:
    """The cgroup of a program ``run_process`` starts: named for its uid, unique while it runs (its pid inside
    bwrap's pid namespace is not)."""
    return f"run-{uid}"


LIMIT_FIELDS = ("program_seconds", "memory_mb", "file_size_mb", "processes", "open_files")


def helper_args(plan: Plan, limits, workdir: str | None, writable: list[str], uid: int,
                processes: int | None) -> list[str]:
    """The exec helper's arguments before ``--``: plain strings, parsed without json."""
    return [*plan.to_args(), *(str(getattr(limits, f)) for f in LIMIT_FIELDS), workdir or "", str(uid),
            "" if processes is None else str(processes), str(len(writable)), *writable]


class _Limits:
    def __init__(self, values: list[str]) -> None:
        for name, value in zip(LIMIT_FIELDS, values):
            setattr(self, name, float(value) if name == "program_seconds" else int(value))


def main(args: list[str]) -> None:
    """The exec helper: ``helper_args(...) -- program args...`` (``probe paths...`` is ``probe.main``'s)."""
    plan, rest = Plan.from_args(args)
    n = len(LIMIT_FIELDS)
    limits, workdir, uid = _Limits(rest[:n]), rest[n] or None, int(rest[n + 1])
    processes = int(rest[n + 2]) if rest[n + 2] else None
    count = int(rest[n + 3])
    writable, program = rest[n + 4:n + 4 + count], rest[n + 4 + count + 1:]
    # opened while root too, for a binary in a folder the program's uid cannot enter (run by descriptor)
    path = _which(program[0])
    try:
        binary = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        binary = None
    try:
        confine(limits, workdir, plan, uid=uid, writable=writable, cgroup=run_cgroup(uid), processes=processes)
    except (SandboxError, OSError) as exc:
        sys.stderr.write(f"seidr sandbox: {exc}\n")
        os._exit(125)
    try:
        os.execv(path, program)
    except PermissionError:
        if binary is None:
            raise
        try:
            os.execve(binary, program, os.environ)
        except OSError as exc:
            sys.stderr.write(f"seidr sandbox: cannot run {program[0]}: {exc.strerror}\n")
            os._exit(126)
    except OSError as exc:
        sys.stderr.write(f"seidr sandbox: cannot run {program[0]}: {exc.strerror}\n")
        os._exit(127)


def _which(name: str) -> str:
    if "/" in name:
        return name
    for folder in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep):
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK) and not os.path.isdir(path):
            return path
    return name
