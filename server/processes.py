"""The server's own process tree, so that shutting down leaves no worker or candidate program behind."""
from __future__ import annotations

import os
import signal


def children_map() -> dict[int, list[int]]:
    """Parent pid -> child pids, read from /proc (empty where /proc is not there)."""
    out: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return out
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode(errors="replace")
        except OSError:
            continue
        # the command name may hold spaces and parentheses: the fields after the last ')' are fixed
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 1:
            out.setdefault(int(fields[1]), []).append(int(entry))
    return out


def descendants(pid: int | None = None) -> list[int]:
    """Every process below ``pid`` (default: this one), nearest first."""
    tree = children_map()
    out: list[int] = []
    todo = list(tree.get(os.getpid() if pid is None else pid, []))
    while todo:
        child = todo.pop(0)
        out.append(child)
        todo.extend(tree.get(child, []))
    return out


def kill_descendants() -> None:
    """SIGKILL every process below this one, and the process group each leads (candidates start their own)."""
    for pid in descendants():
        for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                kill()
            except OSError:
                pass
