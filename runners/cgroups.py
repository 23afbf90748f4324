"""A pids and memory cgroup per program (cgroup v1), nested in the cgroup seidr itself runs in: the kernel
bounds the program's processes and memory, and every process it started, daemons included, can be listed
and killed. cgroup v2 needs a delegated subtree and is reported as unavailable.

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
    """The folder under which programs get their cgroups, per controller, or ({}, why not).
    Made on first use, beneath the cgroup this process runs in so the limits above it still hold."""
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
        path = os.path.join(point, inner.lstrip("/"), _NAME)
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


def enter(where: dict[str, str], name: str, processes: int, memory_bytes: int) -> None:
    """Put the calling process in a fresh cgroup ``name`` under each base, with the limits set first.
    Raises OSError when the kernel refuses."""
    for controller, base in where.items():
        path = os.path.join(base, name)
        try:
            os.mkdir(path)
        except FileExistsError:
            _kill_all(path)  # a folder left by an earlier program whose pid this one now has
        if controller == "pids":
            _write(os.path.join(path, "pids.max"), max(1, processes))
        else:
            _write(os.path.join(path, "memory.limit_in_bytes"), memory_bytes)
            swap = os.path.join(path, "memory.memsw.limit_in_bytes")
            if os.path.exists(swap):
                _write(swap, memory_bytes)
        _write(os.path.join(path, "cgroup.procs"), os.getpid())


def members(where: dict[str, str], name: str) -> list[int]:
    pids: set[int] = set()
    for base in where.values():
        pids.update(_procs(os.path.join(base, name)))
    return sorted(pids)


def _procs(path: str) -> list[int]:
    try:
        with open(os.path.join(path, "cgroup.procs")) as fh:
            return [int(line) for line in fh if line.strip()]
    except (OSError, ValueError):
        return []


def _kill_all(path: str, wait: float = 2.0) -> bool:
    """SIGKILL every process in the cgroup at ``path`` until none is left (a process forking while it is
    killed may add one more round). True when it is empty."""
    deadline = time.monotonic() + wait
    delay = 0.0005
    while True:
        pids = _procs(path)
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
    clean = True
    for base in where.values():
        path = os.path.join(base, name)
        if not os.path.isdir(path):
            continue
        _kill_all(path)
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


def sweep(where: dict[str, str]) -> None:
    """Remove the cgroups of programs whose pid is gone, killing what is left in them."""
    for base in where.values():
        try:
            names = [n for n in os.listdir(base) if n.isdigit()]
        except OSError:
            continue
        for name in names:
            if not os.path.exists(f"/proc/{name}"):
                path = os.path.join(base, name)
                _kill_all(path, wait=0.5)
                _remove(path)
