"""pids and memory cgroups (cgroup v1), nested in the cgroup seidr itself runs in: the kernel bounds the
processes and memory of what runs in them, and every process a program started, daemons included, can be
listed and killed. A warm worker puts itself in one (``w<pid>``) when it starts, so the children it forks
are in it from birth: moving a process between cgroups costs about half a millisecond, too much per program.
A compiled program run on its own gets one of its own (``run-<uid>``). cgroup v2 needs a delegated subtree
and is reported as unavailable.

Standard library only, like ``landlock``.
"""

from __future__ import annotations

import os
import time

CONTROLLERS = ("pids", "memory")
_NAME = "seidr"
_SIGKILL = 9  # not the signal module: it imports enum, and the exec helper starts on every run


def _mounts() -> dict[str, tuple[str, str]]:
    """Where each cgroup v1 controller is mounted: (the hierarchy's folder shown there, the mount point).
    Inside bwrap a bound sub-folder shows up as one more mount; the hierarchy's root wins."""
    found: dict[str, tuple[str, str]] = {}
    try:
        with open("/proc/self/mountinfo") as fh:
            for line in fh:
                left, _, right = line.partition(" - ")
                fields, extra = left.split(), right.split()
                if len(extra) >= 3 and extra[0] == "cgroup":
                    for option in extra[2].split(","):
                        if option in CONTROLLERS and (option not in found or len(fields[3]) < len(found[option][0])):
                            found[option] = (fields[3], fields[4])
    except OSError:
        pass
    return found


def _own() -> dict[str, str]:
    """This process's cgroup in each v1 controller."""
    out: dict[str, str] = {}
    try:
        with open("/proc/self/cgroup") as fh:
            for line in fh:
                _, names, path = line.rstrip("\n").split(":", 2)
                for name in names.split(","):
                    out[name] = path
    except OSError:
        pass
    return out


def bases(create: bool = True) -> tuple[dict[str, str], str]:
    """The folder under which this process's workers and runs get their cgroups (``seidr-<pid>``), per
    controller, or ({}, why not). Made beneath the cgroup this process runs in, so the limits above it still
    hold; one per seidr process, so one that ends can remove its own without pulling another's away."""
    mounts, own = _mounts(), _own()
    missing = [c for c in CONTROLLERS if c not in mounts or c not in own]
    if missing:
        v2 = "cgroup2" in _fs_types()
        why = ("cgroup v2 only: per-program cgroups need a delegated subtree, not supported yet" if v2 else
               f"no cgroup v1 {' or '.join(missing)} controller mounted")
        return {}, why
    out = {}
    for name in CONTROLLERS:
        root, point = mounts[name]
        inner = own[name][len(root.rstrip("/")):] if _within(own[name], root) else None
        if inner is None:
            return {}, f"this process's {name} cgroup {own[name]} is not under its mount"
        path = os.path.join(point, inner.lstrip("/"), f"{_NAME}-{os.getpid()}")
        if create:
            try:
                os.makedirs(path, exist_ok=True)
            except OSError as exc:
                return {}, f"cannot make {path}: {exc.strerror}"
        if not os.access(path if os.path.isdir(path) else os.path.dirname(path), os.W_OK):
            return {}, f"{path} is not writable (needs root)"
        out[name] = path
    return out, ""


def _within(path: str, folder: str) -> bool:
    return folder == "/" or path == folder or path.startswith(folder.rstrip("/") + "/")


def _fs_types() -> set[str]:
    try:
        with open("/proc/self/mountinfo") as fh:
            return {line.partition(" - ")[2].split()[0] for line in fh if " - " in line}
    except OSError:
        return set()


def _write(path: str, value: object) -> None:
    with open(path, "w") as fh:
        fh.write(str(value))


def create(where: dict[str, str], name: str, processes: int, memory_bytes: int) -> None:
    """Make cgroup ``name`` under each base with its limits (killing what an earlier holder of the name left)."""
    for controller, base in where.items():
        path = os.path.join(base, name)
        try:
            os.mkdir(path)
        except FileExistsError:
            _kill_all(path)
        _limit(controller, path, processes, memory_bytes)


def _limit(controller: str, path: str, processes: int, memory_bytes: int) -> None:
    if controller == "pids":
        _write(os.path.join(path, "pids.max"), max(1, processes))
    else:
        _write(os.path.join(path, "memory.limit_in_bytes"), memory_bytes)
        if _swap():  # else there is nothing to swap to, and one write less
            _write(os.path.join(path, "memory.memsw.limit_in_bytes"), memory_bytes)


def join(where: dict[str, str], name: str) -> None:
    for base in where.values():
        _write(os.path.join(base, name, "cgroup.procs"), os.getpid())


def enter(where: dict[str, str], name: str, processes: int, memory_bytes: int) -> None:
    """Put the calling process in a fresh cgroup ``name``, limits set first. Raises OSError when refused."""
    create(where, name, processes, memory_bytes)
    join(where, name)


def fit(where: dict[str, str], name: str, processes: int, memory_bytes: int) -> None:
    """Raise cgroup ``name``'s limits to at least these (a worker's program that may use more than the
    defaults the worker's cgroup was made with)."""
    for controller, base in where.items():
        path = os.path.join(base, name)
        current = _read(os.path.join(path, "pids.max" if controller == "pids" else "memory.limit_in_bytes"))
        wanted = processes if controller == "pids" else memory_bytes
        if current is not None and current < wanted:
            _limit(controller, path, processes, memory_bytes)


def _read(path: str) -> int | None:
    try:
        with open(path) as fh:
            text = fh.read().strip()
    except OSError:
        return None
    return 1 << 62 if text == "max" else int(text)


_SWAP: list[bool] = []


def _swap() -> bool:
    if not _SWAP:
        try:
            with open("/proc/meminfo") as fh:
                total = next((int(line.split()[1]) for line in fh if line.startswith("SwapTotal:")), 0)
        except (OSError, ValueError):
            total = 1
        _SWAP.append(total > 0)
    return _SWAP[0]


def _procs(path: str) -> list[int]:
    try:
        with open(os.path.join(path, "cgroup.procs")) as fh:
            return [int(line) for line in fh if line.strip()]
    except (OSError, ValueError):
        return []


def _kill_all(path: str, wait: float = 2.0) -> bool:
    """SIGKILL every process in the cgroup at ``path`` until none is left. True when it is empty."""
    return _kill_members(path, lambda pid: True, wait)


def _kill_members(path: str, chosen, wait: float) -> bool:
    """SIGKILL the processes in the cgroup at ``path`` that ``chosen`` picks until none is left (a process
    forking while it is killed may add one more round). True when none is."""
    deadline = time.monotonic() + wait
    delay = 0.0005
    while True:
        pids = [pid for pid in _procs(path) if chosen(pid)]
        if not pids:
            return True
        for pid in pids:
            try:
                os.kill(pid, _SIGKILL)
            except OSError:
                pass
        if time.monotonic() > deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def kill(where: dict[str, str], name: str) -> bool:
    """Kill everything in program ``name``'s cgroups and remove them; False when some remain (retried by
    ``sweep``)."""
    paths = [os.path.join(base, name) for base in where.values()]
    # a program joins its cgroups in order and every one holds the same processes: emptying the first
    # empties them all
    if paths and os.path.isdir(paths[0]):
        _kill_all(paths[0])
    clean = True
    for path in paths:
        clean = _remove(path) and clean
    return clean


def _remove(path: str) -> bool:
    for delay in (0, 0.001, 0.005, 0.02, 0.05):
        time.sleep(delay)
        try:
            os.rmdir(path)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            continue
    return False


def kill_uid(where: dict[str, str], name: str, uid: int) -> None:
    """SIGKILL every process in cgroup ``name`` that runs as ``uid`` (one program among the processes of its
    worker) until none is left alive."""
    me = os.getpid()
    _kill_members(os.path.join(next(iter(where.values())), name), lambda pid: pid != me and alive_as(pid, uid), 5.0)


def kill_others(where: dict[str, str], name: str) -> None:
    """SIGKILL every process in cgroup ``name`` but the caller (a worker whose programs keep its uid)."""
    me = os.getpid()
    _kill_members(os.path.join(next(iter(where.values())), name), lambda pid: pid != me, 5.0)


def alive_as(pid: int, uid: int) -> bool:
    """Whether process ``pid`` runs with real uid ``uid`` and has not yet died (a zombie has)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            fields = dict(line.split(b":", 1) for line in fh.read().splitlines() if b":" in line)
        return int(fields[b"Uid"].split()[0]) == uid and fields[b"State"].split()[0] not in (b"Z", b"X")
    except (OSError, KeyError, ValueError, IndexError):
        return False


def workers(where: dict[str, str]) -> list[str]:
    """The names of the workers' cgroups."""
    try:
        return [n for n in os.listdir(next(iter(where.values()))) if n.startswith("w") and n[1:].isdigit()]
    except (OSError, StopIteration):
        return []


def owner(name: str, uid_base: int) -> int | None:
    """The pid whose death frees cgroup ``name``: a worker's own, a run's judge (from its uid), a probe's."""
    try:
        if name.startswith("w"):
            return int(name[1:])
        if name.startswith("run-"):
            return (int(name[4:]) - uid_base) >> 8
        return int(name)
    except ValueError:
        return None


def sweep(where: dict[str, str], uid_base: int) -> None:
    """Remove the cgroups whose owner is gone, killing what is left in them: those of this process's ended
    workers and runs, and the whole folders of seidr processes that ended without removing theirs."""
    for base in where.values():
        for name in _children(base):
            pid = owner(name, uid_base)
            if pid is not None and not os.path.exists(f"/proc/{pid}"):
                _empty(os.path.join(base, name))
        parent = os.path.dirname(base)
        for name in _children(parent):
            if name.startswith(_NAME + "-") and name[len(_NAME) + 1:].isdigit() and \
                    not os.path.exists(f"/proc/{name[len(_NAME) + 1:]}"):
                release_folder(os.path.join(parent, name))


def _children(folder: str) -> list[str]:
    try:
        return [e.name for e in os.scandir(folder) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def _empty(path: str) -> None:
    _kill_all(path, wait=0.5)
    _remove(path)


def release_folder(base: str) -> None:
    for name in _children(base):
        _empty(os.path.join(base, name))
    _remove(base)


def release(where: dict[str, str]) -> None:
    """When this seidr process ends: its workers and runs end with it; remove their cgroups and its folder,
    so the cgroup it ran in can be removed."""
    for base in where.values():
        release_folder(base)
