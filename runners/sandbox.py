"""The sandbox every runner uses for candidate code: isolation level, child confinement, process control.

API (stable; the hardening behind it may grow): ``isolation()``, ``worker_argv()``, ``clean_env()``,
``confine_child()``, ``kill_group()``, ``run_process()``.
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
import resource
import signal
import time
from dataclasses import dataclass
from typing import Mapping, Sequence

from seidr.runners.limits import Limits

_SECRET = re.compile(r"(_API_KEY|_TOKEN|_SECRET|_PASSWORD|_CREDENTIALS?)$|^(API_KEY|TOKEN|SECRET)$", re.I)
_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONHASHSEED", "PYTHONIOENCODING", "TERM")


@dataclass(frozen=True)
class Isolation:
    level: str  # "bwrap" | "unshare" | "none"
    detail: str


@functools.lru_cache(maxsize=1)
def isolation() -> Isolation:
    """The strongest isolation this machine allows for workers, with a line that says which and why."""
    return Isolation("none", "no namespace isolation: rlimits, process groups and a clean environment only")


def worker_argv(argv: Sequence[str]) -> list[str]:
    """Wrap the command that starts a long-lived worker in the isolation ``isolation()`` reports."""
    return list(argv)


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
    if workdir:
        os.chdir(workdir)


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


async def _read_capped(stream: asyncio.StreamReader | None, cap: int) -> tuple[bytes, bool]:
    if stream is None:
        return b"", False
    chunks: list[bytes] = []
    size = 0
    truncated = False
    while True:
        chunk = await stream.read(65536)
        if not chunk:
            break
        if size < cap:
            chunks.append(chunk[: cap - size])
        if size + len(chunk) > cap:
            truncated = True
        size += len(chunk)
    return b"".join(chunks), truncated


async def run_process(
    argv: Sequence[str],
    *,
    stdin: bytes | None = None,
    limits: Limits = Limits(),
    workdir: str | None = None,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
) -> ProcessResult:
    """Run a compiled candidate (or any untrusted command) confined, with capped output, and kill its whole
    process group when it ends or runs out of ``timeout`` (default ``limits.program_seconds``)."""
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=workdir,
        env=clean_env() if env is None else dict(env),
        preexec_fn=functools.partial(confine_child, limits, None),
    )

    async def communicate() -> tuple[bytes, bool, bytes, bool]:
        if stdin is not None and proc.stdin is not None:
            try:
                proc.stdin.write(stdin)
                await proc.stdin.drain()
            except (BrokenPipeError, ConnectionResetError):
                pass
            proc.stdin.close()
        (out, t1), (err, t2) = await asyncio.gather(
            _read_capped(proc.stdout, limits.output_bytes), _read_capped(proc.stderr, limits.output_bytes)
        )
        await proc.wait()
        return out, t1, err, t2

    timed_out = False
    try:
        out, t1, err, t2 = await asyncio.wait_for(communicate(), timeout or limits.program_seconds)
    except asyncio.TimeoutError:
        timed_out = True
        out, t1, err, t2 = b"", False, b"", False
    finally:
        kill_group(proc.pid)
        if proc.returncode is None:
            try:
                await asyncio.wait_for(proc.wait(), 2)
            except asyncio.TimeoutError:
                pass
    return ProcessResult(
        None if timed_out else proc.returncode, out, err, timed_out, time.monotonic() - started, t1 or t2
    )
