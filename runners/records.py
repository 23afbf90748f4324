"""Reading what a confined child reported: its framed records, checked for this run's nonce and their order,
and the words for why a child stopped. Shared by the doctest and the pytest judges."""

from __future__ import annotations

import json
import os
import signal

from seidr.runners.example import Example
from seidr.runners.limits import Limits
from seidr.runners.sandbox import confine_failure
from seidr.runners.verdict import ExampleResult, Outcome
from seidr.runners.workers import Report


class Tampered(Exception):
    """A report holds what the harness never writes: the program wrote to it itself (Python's records, the
    native harness's report file alike)."""


def read_records(raw: bytes, nonce: str) -> list[tuple[str, int, dict]]:
    """The child's records (JSON bodies), checked for nonce and order; a frame cut short by a kill at the end is
    dropped."""
    out: list[tuple[str, int, dict]] = []
    pos = 0
    while pos < len(raw):
        end = raw.find(b"\n", pos)
        if end < 0:
            break
        try:
            tag, seq, kind, index, length = raw[pos:end].decode("ascii").split(" ")
            seq_n, index_n, length_n = int(seq), int(index), int(length)
        except (UnicodeDecodeError, ValueError):
            raise Tampered("a malformed record") from None
        if end + 1 + length_n > len(raw):
            break
        if tag != nonce:
            raise Tampered("a record without this run's nonce")
        if seq_n != len(out):
            raise Tampered("a record out of sequence")
        try:
            payload = json.loads(raw[end + 1:end + 1 + length_n].decode("utf-8", "surrogatepass"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise Tampered("an unreadable record") from None
        if not isinstance(payload, dict):
            raise Tampered("an unreadable record")
        out.append((kind, index_n, payload))
        pos = end + 1 + length_n
    return out


def follow(records: list[tuple[str, int, dict]], count: int) -> tuple[dict | None, dict[int, dict], int | None, bool]:
    """(load record, done records by example, the example started but not done, whether ``end`` came),
    raising ``Tampered`` for anything out of the expected order."""
    expected = ["begin", "load"]
    load, done, running, ended = None, {}, None, False
    for position, (kind, index, payload) in enumerate(records):
        if position < 2:
            if kind != expected[position]:
                raise Tampered(f"a {kind!r} record where {expected[position]!r} belongs")
            if kind == "load":
                load = payload
            continue
        if ended or not (load or {}).get("ok"):
            raise Tampered("a record after the end")
        step = position - 2
        want_kind = "start" if step % 2 == 0 else "done"
        want_index = step // 2
        if kind == "end" and step % 2 == 0 and want_index == count:
            ended = True
            continue
        if kind != want_kind or index != want_index or want_index >= count:
            raise Tampered(f"a {kind!r} record for example {index} out of order")
        if kind == "start":
            running = index
        else:
            done[index] = payload
            running = None
    return load, done, running, ended


# what a limit's refusal looks like from inside the program, and the setting that lifts it
_REFUSALS = (("can't start new thread", "limits.processes (processes and threads at once) or limits.memoryMb (each "
                                        "thread reserves its stack)"),
             ("Resource temporarily unavailable", "limits.processes (processes and threads at once)"),
             ("Too many open files", "limits.openFiles"),
             ("File too large", "limits.fileSizeMb"),
             ("MemoryError", "limits.memoryMb"))


def exception_text(info: dict) -> str:
    line = str(info.get("line", "")).strip() or "an exception"
    where = str(info.get("where") or "")
    return (f"{line} ({where})" if where else line) + refused(line, where)


def refused(line: str, where: str = "") -> str:
    """For an exception a limit caused, what to add to its message: which limit, and how to lift it."""
    limit = next((setting for sign, setting in _REFUSALS if sign in line), None)
    if limit is not None:
        return f"; refused by {limit}: raise it in the settings"
    network = ("Operation not permitted", "Permission denied", "Network is unreachable")
    if any(sign in line for sign in network) and any(w in where.lower() for w in ("socket", "connect", "bind(")):
        return "; refused by the sandbox: a program has no network, loopback included (no setting lifts it)"
    return ""


def unfinished(example: Example, report: Report, limits: Limits) -> ExampleResult:
    if report.timeout == "example":
        return ExampleResult(example, Outcome.TIMEOUT, example.expected,
                             message=f"timed out after {limits.example_seconds:g} s")
    if report.timeout == "program":
        return ExampleResult(example, Outcome.TIMEOUT, example.expected,
                             message=f"timed out: the program used up its {limits.program_seconds:g} s")
    return ExampleResult(example, Outcome.ERROR, example.expected, message=stopped(report, limits, "while it ran"))


def stopped(report: Report, limits: Limits, when: str) -> str:
    """Why the child stopped reporting."""
    if report.timeout == "program":
        return f"timed out: the program used up its {limits.program_seconds:g} s"
    if report.timeout == "example":
        return f"timed out after {limits.example_seconds:g} s"
    if report.timeout == "flood":
        return "the program sent more result data than any example produces"
    if report.timeout == "cancelled":
        return "cancelled"
    status = report.status
    if status is None:
        return f"the program ended {when}"
    unconfined = confine_failure(status, report.output)
    if unconfined:
        return unconfined
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        hint = {"SIGXCPU": " (CPU time limit)", "SIGKILL": " (killed: out of memory or processes?)",
                "SIGSEGV": " (crashed)", "SIGXFSZ": " (file size limit)"}.get(name, "")
        return f"the program was killed by {name}{hint} {when}"
    return f"the program ended the process (exit status {os.WEXITSTATUS(status)}) {when}"
