"""Looking for processes from the outside, through /proc, the way a user would check nothing was left running."""

from __future__ import annotations

import asyncio
import os
import time
import uuid


def marker() -> str:
    """A number no other process has on its command line: ``sleep <marker>`` is findable in /proc."""
    return f"{4000 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10 ** 9:09d}"


def with_marker(text: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    if text.encode() in fh.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


async def settle(condition, seconds: float = 20.0) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass (processes take a moment to be reaped)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True
