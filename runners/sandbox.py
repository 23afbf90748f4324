"""The sandbox every runner uses for candidate code: isolation level, child confinement, process control.

API (stable; the hardening behind it may grow): ``isolation()``, ``worker_argv()``, ``clean_env()``,
``confine_child()`` (and ``warm()`` for the workers that fork confined children), ``kill_group()``,
``run_process()``.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import resource
import shutil
import signal
import time
from dataclasses import dataclass
from typing import Mapping, Sequence

from seidr.runners.limits import Limits

# asyncio, subprocess and tempfile are imported where they are used: the Python runner's warm workers import
# this module to confine the children they fork, and threading (which those bring) makes every fork dearer.

_SECRET = re.compile(r"(_API_KEY|_TOKEN|_SECRET|_PASSWORD|_CREDENTIALS?)$|^(API_KEY|TOKEN|SECRET)$", re.I)
_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONHASHSEED", "PYTHONIOENCODING", "TERM")


@dataclass(frozen=True)
class Isolation:
    level: str  # "bwrap" | "unshare" | "none"
    detail: str
    layers: tuple[tuple[str, bool, str], ...] = ()  # (layer, active, why) for `seidr doctor`


# Namespaces for the worker and compiled binaries: no network, own pid space (so killing the wrapper kills
# every process the candidate started, even one that called setsid), own IPC. The file system stays bound
# so the installed seidr package, Python and the runner's scratch folders keep working.
# Run as root, bwrap would keep every capability (mount, ptrace...) unless told to drop them.
_BWRAP_NS = ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
             "--cap-drop", "ALL")
_BWRAP_DEV = ("--dev", "/dev", "--proc", "/proc")
_BWRAP = (*_BWRAP_NS, "--bind", "/", "/", *_BWRAP_DEV)
_UNSHARE = ("--net", "--pid", "--fork", "--kill-child", "--mount-proc")


def _works(argv: Sequence[str]) -> str | None:
    """Run the wrapper once around ``true``: None when it works, else why not."""
    import subprocess

    try:
        done = subprocess.run([*argv, "/bin/true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    return None if done.returncode == 0 else (done.stderr.decode(errors="replace").strip() or "failed")


def _prefix(level: str, writable: Sequence[str] | None = None) -> list[str]:
    """The wrapper's argv; with ``writable`` (bwrap only) the file system is read-only except those folders."""
    if level == "bwrap" and writable is not None:
        binds = [arg for path in dict.fromkeys(writable) if os.path.isdir(path) for arg in ("--bind", path, path)]
        ro = ("--ro-bind", "/", "/", *binds)
        return [shutil.which("bwrap") or "bwrap", *_BWRAP_NS, *ro, *_BWRAP_DEV]
    if level == "bwrap":
        return [shutil.which("bwrap") or "bwrap", *_BWRAP]
    if level == "unshare":
        return [shutil.which("unshare") or "unshare", *_UNSHARE]
    return []


@functools.lru_cache(maxsize=1)
def isolation() -> Isolation:
    """The strongest isolation this machine allows for workers, with a line that says which and why.
    Each wrapper is tried once for real (cached), not just looked up on PATH."""
    layers: list[tuple[str, bool, str]] = []
    level = "none"
    for name in ("bwrap", "unshare"):
        if not shutil.which(name):
            layers.append((name, False, f"not installed (Debian package {'bubblewrap' if name == 'bwrap' else 'util-linux'})"))
            continue
        why = _works(_prefix(name))
        what = "network and IPC namespaces; for compiled programs also pid" + (
            ", no capabilities, read-only file system but scratch folders" if name == "bwrap" else "")
        layers.append((name, why is None, what if why is None else f"does not run here: {why.splitlines()[0]}"))
        if why is None and level == "none":
            level = name
    layers.append(("rlimits", True, "CPU, address space, file size, core, open files, processes"))
    layers.append(("no_new_privs", _libc() is not None, "set before candidate code runs" if _libc() else "no libc prctl"))
    layers.append(("uid drop", False, "not implemented: candidates run as the worker's user"))
    layers.append(("landlock", False, "not implemented"))
    layers.append(("seccomp", False, "not implemented"))
    layers.append(("cgroups", False, "not implemented: the pid namespace and process groups bound cleanup"))
    if level == "none":
        detail = "no namespace isolation (bwrap and unshare unavailable): rlimits, process groups and a clean environment only"
    else:
        missing = ", ".join(n for n, ok, _ in layers if not ok and n not in ("bwrap", "unshare"))
        files = "read-only file system for compiled programs" if level == "bwrap" else "writable file system"
        detail = f"{level}: no network, {files} in their own pid space, rlimits, no_new_privs; missing: {missing}"
    return Isolation(level, detail, tuple(layers))


@functools.lru_cache(maxsize=1)
def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def worker_argv(argv: Sequence[str]) -> list[str]:
    """Wrap the command that starts a long-lived worker in the isolation ``isolation()`` reports.
    The worker keeps the host's pid space: pids it reports for its children must name the same processes
    for a ``kill_group`` called outside it, so it gets no network, IPC or capabilities, but no pid namespace."""
    prefix = _prefix(isolation().level)
    if prefix and isolation().level == "bwrap":
        prefix = [arg for arg in prefix if arg != "--unshare-pid"]
    elif prefix:
        prefix = [prefix[0], "--net"]
    return [*prefix, *argv]


def clean_env(env: Mapping[str, str] | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment for candidate code: a few harmless variables, never a key, token or secret."""
    source = os.environ if env is None else env
    out = {k: v for k, v in source.items() if k in _KEEP and not _SECRET.search(k)}
    out.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    out["PYTHONDONTWRITEBYTECODE"] = "1"
    if extra:
        out.update({k: v for k, v in extra.items() if not _SECRET.search(k)})
    return out


def _set_limit(which: int, value: int) -> None:
    try:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def confine_child(limits: Limits, workdir: str | None = None) -> None:
    """Call in a freshly forked child before any candidate code runs: own process group, resource limits,
    the scratch folder as working directory."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    cpu = max(1, int(limits.program_seconds + 1))
    _set_limit(resource.RLIMIT_CPU, cpu)
    _set_limit(resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024)
    _set_limit(resource.RLIMIT_FSIZE, limits.file_size_mb * 1024 * 1024)
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_NOFILE, limits.open_files)
    if os.getuid() != 0:  # root ignores RLIMIT_NPROC; the pid namespace bounds cleanup there
        _set_limit(resource.RLIMIT_NPROC, max(limits.processes, 1) + _own_processes())
    _no_new_privs()
    if workdir:
        os.chdir(workdir)


_PR_SET_NO_NEW_PRIVS = 38


def _no_new_privs() -> None:
    libc = _libc()
    if libc is not None:
        libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def warm() -> None:
    """Load, once in a long-lived worker, what ``confine_child`` uses, so each child it forks need not."""
    libc = _libc()
    if libc is not None:
        libc.prctl  # noqa: B018 -- resolving the symbol once is the point


def _own_processes() -> int:
    """Processes this uid already runs: RLIMIT_NPROC counts them all, not just the candidate's."""
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


def kill_group(pid: int) -> None:
    """Kill the process group led by ``pid`` (and the process itself if it left the group)."""
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError, OSError):
            pass


@dataclass(frozen=True)
class ProcessResult:
    returncode: int | None  # None when killed for time
    stdout: bytes
    stderr: bytes
    timed_out: bool
    seconds: float
    truncated: bool = False

    @property
    def signal(self) -> int | None:
        if self.returncode is not None and self.returncode < 0:
            return -self.returncode
        return None


async def _read_capped(stream: asyncio.StreamReader | None, cap: int, into: list[bytes], cut: list[bool]) -> None:
    """Read ``stream`` to its end, keeping the first ``cap`` bytes in ``into`` and noting a cut in ``cut``
    as it goes, so a timeout keeps what came."""
    if stream is None:
        return
    size = 0
    while True:
        chunk = await stream.read(65536)
        if not chunk:
            break
        if size < cap:
            into.append(chunk[: cap - size])
        if size + len(chunk) > cap:
            cut.append(True)
        size += len(chunk)


async def run_process(
    argv: Sequence[str],
    *,
    stdin: bytes | None = None,
    limits: Limits = Limits(),
    workdir: str | None = None,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
    writable: Sequence[str] | None = None,
) -> ProcessResult:
    """Run a compiled candidate (or any untrusted command) confined, with capped output, and kill its whole
    process group when it ends or runs out of ``timeout`` (default ``limits.program_seconds``).
    Under bwrap the file system is read-only except ``workdir`` and ``writable`` (default: the temp folder,
    where callers keep report files), so $HOME and the project cannot be written."""
    import asyncio
    import tempfile

    started = time.monotonic()
    folders = [p for p in (workdir, *(writable if writable is not None else [tempfile.gettempdir()])) if p]
    prefix = _prefix(isolation().level, folders)
    wrapped = bool(prefix)
    proc = await asyncio.create_subprocess_exec(
        *prefix,
        *argv,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=workdir,
        env=clean_env() if env is None else dict(env),
        preexec_fn=functools.partial(confine_child, limits, None),
    )

    out: list[bytes] = []
    err: list[bytes] = []
    cut: list[bool] = []

    async def communicate() -> None:
        if stdin is not None and proc.stdin is not None:
            try:
                proc.stdin.write(stdin)
                await proc.stdin.drain()
            except (BrokenPipeError, ConnectionResetError):
                pass
            proc.stdin.close()
        await asyncio.gather(
            _read_capped(proc.stdout, limits.output_bytes, out, cut),
            _read_capped(proc.stderr, limits.output_bytes, err, cut),
        )
        await proc.wait()

    # Reading goes on after a kill so the pipes reach their end (a paused pipe would keep wait() from
    # returning) and the partial output is kept.
    task = asyncio.ensure_future(communicate())
    done, _ = await asyncio.wait({task}, timeout=timeout or limits.program_seconds)
    timed_out = not done
    # Killing the wrapper's group ends its pid namespace, so processes that called setsid die too.
    kill_group(proc.pid)
    try:
        await asyncio.wait_for(task, 2)
    except asyncio.TimeoutError:
        pass
    return ProcessResult(
        None if timed_out else _unwrap_status(proc.returncode, wrapped), b"".join(out), b"".join(err), timed_out,
        time.monotonic() - started, bool(cut),
    )


def _unwrap_status(code: int | None, wrapped: bool) -> int | None:
    """The namespace wrappers report a child killed by signal N as exit status 128+N; give it back as -N like
    an unwrapped process (a program that itself exits 129-192 reads as a signal, which is rare)."""
    if wrapped and code is not None and 128 < code <= 128 + 64:
        return 128 - code
    return code
